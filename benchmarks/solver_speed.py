"""Solver speed: prints one ``name: value`` line per figure.

    python benchmarks/solver_speed.py

import_s            import time of ``mlsysim_lab`` in a fresh interpreter (median of 5)
import_solver_s     import of the node solvers and the zoo in a fresh interpreter (numpy
                    and pydantic alone take most of it)
scalar_eval_us      microseconds per scalar decode-step evaluation (one model, one device)
sweep_configs_per_s a vectorised decode sweep of >= 10^6 batch x context x device points
sweep_points        the number of points in that sweep
explore_points      points in a TP x PP x DP x micro-batch training space (10^5)
explore_points_per_s  that space explored (evaluated, constrained, ranked, Pareto front)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import timeit

import numpy as np


def _fresh_import_s(statement: str, repeats: int = 5) -> float:
    code = ("import time; t = time.perf_counter(); " + statement
            + "; print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                 text=True).stdout) for _ in range(repeats)]
    return statistics.median(runs)


def main() -> None:
    print(f"python: {sys.version.split()[0]}")
    print(f"numpy: {np.__version__}")
    print(f"import_s: {_fresh_import_s('import mlsysim_lab'):.4f}")
    print(f"import_solver_s: {_fresh_import_s('import mlsysim_lab.walls.node'):.4f}")

    from mlsysim_lab import catalog
    from mlsysim_lab.walls.node import decode_step, grid

    decode_step("llama-3-8b", "h100", batch=8, context=1024)  # warm caches
    number = 20000
    best = min(timeit.repeat(lambda: decode_step("llama-3-8b", "h100", batch=8, context=1024),
                             number=number, repeat=5))
    print(f"scalar_eval_us: {best / number * 1e6:.2f}")

    devices = [spec.id for spec in catalog.hardware if "fp16" in spec.peak_flops]
    batch_values = np.arange(1, 257)
    contexts = -(-1_000_000 // (batch_values.size * len(devices)))  # >= 10^6 points in all
    context_values = np.linspace(0, 131071, contexts).round()
    axes = grid(batch=batch_values, context=context_values)
    points = batch_values.size * context_values.size * len(devices)
    decode_step("llama-3.1-8b", devices, **axes)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        decode_step("llama-3.1-8b", devices, **axes)
        runs.append(time.perf_counter() - start)
    print(f"sweep_points: {points}")
    print(f"sweep_configs_per_s: {points / min(runs):.3e}")
    _explore_speed()


def _explore_speed() -> None:
    from mlsysim_lab.explore import Constraint, explore, grid_size, training_evaluator

    space = {"tp": [1, 2, 4, 8], "pp": [1, 2, 4, 8, 16], "dp": list(range(1, 101)),
             "micro_batch": list(range(1, 51))}
    evaluator = training_evaluator("llama-3-70b", "dgx-h100", global_batch=1200)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        result = explore(evaluator, space, objectives={"step_s": "min", "cost_per_step_usd": "min"},
                         constraints=[Constraint("devices", "<=", 1024)])
        runs.append(time.perf_counter() - start)
    print(f"explore_points: {grid_size(space)}")
    print(f"explore_feasible_points: {int(result.feasible.sum())}")
    print(f"explore_s: {min(runs):.3f}")
    print(f"explore_points_per_s: {grid_size(space) / min(runs):.3e}")


if __name__ == "__main__":
    main()
