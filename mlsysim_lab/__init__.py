"""mlsysim-lab: predict-then-verify labs for ML systems performance.

The package is organised by the 22 Systems Walls. Import what you need from the
sub-packages (``mlsysim_lab.catalog`` for the zoo, ``mlsysim_lab.walls.node`` for the
node-level solvers); the top level stays light so that ``import mlsysim_lab`` is fast.
"""

__version__ = "0.1.0"
