"""Run a command, then write its peak RSS in bytes to a file and exit with its exit code.

    python benchmarks/peak.py peak.txt python -m package train

Linux carries a parent's peak RSS into a child it forks and execs (ru_maxrss survives exec), so
the benchmark, which holds data and plotting libraries, starts each measured command through
this small process: the command's figure is then its own.
"""

import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Run the command to its end and record its peak RSS."""
    out, *command = sys.argv[1:]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    Path(out).write_text(str(usage.ru_maxrss * 1024))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    code = main()
    sys.exit(code if code >= 0 else 128 - code)
