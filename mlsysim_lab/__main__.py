import sys

from mlsysim_lab.cli import main

sys.exit(main())
