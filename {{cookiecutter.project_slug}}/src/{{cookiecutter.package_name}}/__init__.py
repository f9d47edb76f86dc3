"""Prefect pipelines that train, evaluate and register the project's model."""
