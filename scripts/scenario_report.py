"""Print, per lab, how many choice keys vary across its scenarios and the chance that a
random classmate's keys earn full credit on every prediction (see
mlsysim_lab.grading.scenario_report).

    python scripts/scenario_report.py            # every lab
    python scripts/scenario_report.py lab03 lab09
"""

import sys

from mlsysim_lab.grading.scenario_report import scenario_figures
from mlsysim_lab.grading.specs import all_labs, load_lab

if __name__ == "__main__":
    labs = [load_lab(name) for name in sys.argv[1:]] or all_labs()
    for lab in labs:
        print(scenario_figures(lab).line(), flush=True)
