"""Design-space exploration: a declarative space, constraints and objectives, evaluated
in one vectorised call instead of nested loops.

    space       = {"tp": [1, 2, 4, 8], "pp": [1, 2, 4], "micro_batch": range(1, 9)}
    constraints = [Constraint("memory_bytes", "<=", 80e9), Constraint("step_s", "<=", 10)]
    objectives  = {"step_s": "min", "cost_usd": "min"}

The evaluator receives every point of the Cartesian product as flat numpy arrays (one
per parameter) and returns a mapping of metric arrays; a ``feasible`` metric, if
present, is ANDed with the constraints. Only feasible points are ranked: the best point
minimises (or maximises) the first objective; the Pareto front is the set of feasible
points no other feasible point beats on every objective.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np

_COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
            "==": operator.eq}

Evaluator = Callable[[dict[str, np.ndarray]], Mapping[str, Any]]


@dataclass(frozen=True)
class Constraint:
    """``metric op value``, e.g. ``Constraint("latency_s", "<=", 0.05)``."""

    metric: str
    op: Literal["<=", "<", ">=", ">", "=="]
    value: float

    def __post_init__(self) -> None:
        if self.op not in _COMPARE:
            raise ValueError(f"constraint operator must be one of {', '.join(_COMPARE)}, "
                             f"got {self.op!r}")

    def holds(self, metrics: Mapping[str, np.ndarray]) -> np.ndarray:
        if self.metric not in metrics:
            raise KeyError(f"constraint on {self.metric!r}, which the evaluator does not "
                           f"return (it returns: {', '.join(metrics)})")
        values = np.asarray(metrics[self.metric], dtype=float)
        with np.errstate(invalid="ignore"):
            return _COMPARE[self.op](values, self.value) & np.isfinite(values)


@dataclass(frozen=True)
class Exploration:
    """Every point of the space with its metrics, the feasible set, best and front."""

    points: dict[str, np.ndarray]
    metrics: dict[str, np.ndarray]
    feasible: np.ndarray
    objectives: dict[str, str]
    best_index: int | None
    pareto_mask: np.ndarray

    @property
    def size(self) -> int:
        return int(self.feasible.size)

    def row(self, index: int) -> dict[str, Any]:
        """One point: its parameters and metrics as plain Python values."""
        data = {name: values[index] for name, values in self.points.items()}
        data.update({name: values[index] for name, values in self.metrics.items()})
        return {name: (value.item() if isinstance(value, np.generic) else value)
                for name, value in data.items()}

    @property
    def best(self) -> dict[str, Any] | None:
        return None if self.best_index is None else self.row(self.best_index)

    @property
    def pareto_front(self) -> list[dict[str, Any]]:
        """Pareto-optimal feasible points, sorted by the first objective."""
        first = next(iter(self.objectives))
        indices = np.flatnonzero(self.pareto_mask)
        order = np.argsort(self.metrics[first][indices], kind="stable")
        return [self.row(int(i)) for i in indices[order]]


def explore(evaluate: Evaluator, space: Mapping[str, Sequence[Any]], *,
            objectives: Mapping[str, Literal["min", "max"]],
            constraints: Sequence[Constraint] = ()) -> Exploration:
    """Evaluate the Cartesian product of ``space`` in one call and rank it."""
    if not space:
        raise ValueError("the design space is empty: give at least one parameter")
    if not objectives:
        raise ValueError("give at least one objective, e.g. {'step_s': 'min'}")
    for name, sense in objectives.items():
        if sense not in ("min", "max"):
            raise ValueError(f"objective {name!r} must be 'min' or 'max', got {sense!r}")
    axes = {name: np.asarray(list(values)) for name, values in space.items()}
    for name, values in axes.items():
        if values.size == 0:
            raise ValueError(f"parameter {name!r} has no values")
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    points = {name: grid.ravel() for name, grid in zip(axes, mesh)}
    raw = evaluate(dict(points))
    size = next(iter(points.values())).size
    metrics = {name: np.broadcast_to(np.asarray(value), (size,)).copy()
               for name, value in raw.items()}
    missing = [name for name in objectives if name not in metrics]
    if missing:
        raise KeyError(f"objectives {missing} are not among the evaluator's metrics "
                       f"({', '.join(metrics)})")
    feasible = np.ones(size, dtype=bool)
    if "feasible" in metrics:
        feasible &= metrics["feasible"].astype(bool)
    for constraint in constraints:
        feasible &= constraint.holds(metrics)
    scores = np.column_stack([_as_cost(metrics[name], sense)
                              for name, sense in objectives.items()])
    feasible &= np.all(np.isfinite(scores), axis=1)
    best = None
    if feasible.any():
        candidates = np.flatnonzero(feasible)
        best = int(candidates[np.lexsort(scores[candidates].T[::-1])[0]])
    pareto = np.zeros(size, dtype=bool)
    pareto[np.flatnonzero(feasible)[_pareto(scores[feasible])]] = True
    return Exploration(points, metrics, feasible, dict(objectives), best, pareto)


def _as_cost(values: np.ndarray, sense: str) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values if sense == "min" else -values


def _pareto(costs: np.ndarray) -> np.ndarray:
    """Indices of non-dominated rows (all objectives minimised). Rows are visited in
    lexicographic order, so a row can only be dominated by one already kept."""
    if costs.shape[0] == 0:
        return np.zeros(0, dtype=int)
    order = np.lexsort(costs.T[::-1])
    if costs.shape[1] <= 2:
        second = costs[order, -1]
        best_before = np.concatenate(([np.inf], np.minimum.accumulate(second)[:-1]))
        return order[second < best_before]
    kept: list[int] = []
    front = np.empty((0, costs.shape[1]))
    for index in order:
        row = costs[index]
        dominated = np.any(np.all(front <= row, axis=1) & np.any(front < row, axis=1))
        duplicate = np.any(np.all(front == row, axis=1))
        if not dominated and not duplicate:
            kept.append(int(index))
            front = np.vstack([front, row])
    return np.array(kept, dtype=int)


def grid_size(space: Mapping[str, Sequence[Any]]) -> int:
    """Number of points in the Cartesian product."""
    return int(np.prod([len(list(values)) for values in space.values()]))


def training_evaluator(model: str, node: str, *, global_batch: int, seq_len: int = 4096,
                       zero_stage: int = 1, precision: str = "bf16",
                       recompute: str = "selective", pricing: str = "cloud") -> Evaluator:
    """An evaluator over ``tp``, ``pp``, ``dp`` and ``micro_batch`` arrays for
    :func:`explore`, returning step time, throughput, memory, devices, cost per step and
    feasibility from :func:`mlsysim_lab.walls.fleet.parallelism.training_step`."""
    from mlsysim_lab import catalog
    from mlsysim_lab.walls.fleet.parallelism import training_step

    box = catalog.get_node(node)
    hourly = box.cloud_price_per_hour if pricing == "cloud" else None

    def evaluate(points: dict[str, np.ndarray]) -> dict[str, Any]:
        step = training_step(model, box, tp=points["tp"], pp=points["pp"], dp=points["dp"],
                             micro_batch=points["micro_batch"], global_batch=global_batch,
                             seq_len=seq_len, zero_stage=zero_stage, precision=precision,
                             recompute=recompute)
        nodes = np.ceil(step.devices / box.accelerators)
        cost = (nodes * hourly * step.step_s / 3600.0 if hourly is not None
                else np.full(step.devices.shape, np.nan))
        return {"step_s": step.step_s, "tokens_per_s": step.tokens_per_s,
                "memory_bytes": step.memory_bytes, "devices": step.devices,
                "mfu": step.mfu, "cost_per_step_usd": cost, "feasible": step.feasible,
                "binding_wall": step.binding_wall}

    return evaluate


__all__ = ["Constraint", "Exploration", "explore", "grid_size", "training_evaluator"]
