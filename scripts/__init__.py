"""Maintenance scripts of the template, run with `python -m scripts.<name>`."""
