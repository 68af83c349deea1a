"""Regenerate solutions/<lab>.ipynb, labs/<lab>.ipynb and the catalog in labs/README.md
from graders/<lab>.py and solutions/<lab>.py.

    python scripts/build_labs.py            # every lab
    python scripts/build_labs.py lab03      # one lab
"""

from mlsysim_lab.course.build import main

if __name__ == "__main__":
    main()
