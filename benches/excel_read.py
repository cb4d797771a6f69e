"""Time and peak memory of reading a crafted input workbook (issue 9, item 1): about 5 MB, with
a block of values and formatted empty cells outside the Placements table and a value at
XFD1048576 on every sheet. Each read runs in a fresh process; prints seconds and peak RSS.

    .venv/bin/python benches/excel_read.py [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "python"))

READ = """
import resource, sys, time
import dsg_forecast as dsg
t = time.perf_counter()
try:
    dsg.Scenario.from_excel(sys.argv[1])
except dsg.ScenarioError:
    pass
took = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"read {took:.2f} s, peak RSS {peak:.0f} MB (whole process)")
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from test_excel_hardening import _crafted

    with tempfile.TemporaryDirectory() as tmp:
        path = _crafted(Path(tmp))
        print(f"{path.stat().st_size / 2**20:.2f} MB workbook")
        for _ in range(args.repeat):
            subprocess.run([sys.executable, "-c", READ, str(path)], check=True)


if __name__ == "__main__":
    main()
