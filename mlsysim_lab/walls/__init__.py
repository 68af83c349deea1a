"""The solvers, one sub-package per domain of the 22 Systems Walls."""
