"""Regenerate solutions/<lab>.ipynb and labs/<lab>.ipynb from solutions/<lab>.py.

    python scripts/build_labs.py            # every lab
    python scripts/build_labs.py lab03      # one lab
"""

import sys
from pathlib import Path

from mlsysim_lab.labbuild import build

if __name__ == "__main__":
    built = build(Path(__file__).resolve().parent.parent, sys.argv[1:] or None)
    print("built:", ", ".join(built))
