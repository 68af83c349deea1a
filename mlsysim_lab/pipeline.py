"""Composable pipelines of solver stages, with callbacks.

A stage reads named values from the shared context (the run's inputs and every earlier
stage's outputs) and returns new named values. Callbacks see each stage before and after
it runs (a logger, a CSV writer, a timer). A course developer inserts a custom stage
anywhere; the pipeline checks that every stage finds what it requires and that no stage
silently overwrites an earlier value.

    pipeline = training_pipeline()
    pipeline.insert(CarbonPriceStage(), after="carbon")
    result = pipeline.run(model="llama-3-70b", tokens=1.4e12, hardware="h100",
                          devices=1024, region="quebec")
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable


@runtime_checkable
class Stage(Protocol):
    """A named step: ``requires`` names the context keys it reads."""

    name: str
    requires: tuple[str, ...]

    def run(self, context: Mapping[str, Any]) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class FunctionStage:
    """A stage made from a function of the context."""

    name: str
    function: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    requires: tuple[str, ...] = ()

    def run(self, context: Mapping[str, Any]) -> Mapping[str, Any]:
        return self.function(context)


class Callback:
    """Hooks around each stage; override what you need."""

    def before_stage(self, stage: Stage, context: Mapping[str, Any]) -> None:
        """Called with the context the stage will read."""

    def after_stage(self, stage: Stage, context: Mapping[str, Any],
                    outputs: Mapping[str, Any]) -> None:
        """Called with the stage's outputs once it has run."""


class PipelineError(RuntimeError):
    """A stage is missing inputs, returned something unusable, or overwrote a value."""


@dataclass
class PipelineResult:
    """The final context and, per stage, what it produced and how long it took."""

    context: dict[str, Any]
    history: list[dict[str, Any]]

    def __getitem__(self, key: str) -> Any:
        return self.context[key]


@dataclass
class Pipeline:
    """Stages run in order over one shared context."""

    stages: list[Stage] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)

    def names(self) -> list[str]:
        return [stage.name for stage in self.stages]

    def add(self, stage: Stage) -> "Pipeline":
        self._check_new(stage)
        self.stages.append(stage)
        return self

    def insert(self, stage: Stage, *, before: str | None = None,
               after: str | None = None) -> "Pipeline":
        """Insert a stage before or after a named one."""
        if (before is None) == (after is None):
            raise ValueError("give exactly one of before= or after=")
        self._check_new(stage)
        anchor = before if before is not None else after
        if anchor not in self.names():
            raise KeyError(f"no stage named {anchor!r}; stages: {', '.join(self.names())}")
        index = self.names().index(anchor) + (0 if before is not None else 1)
        self.stages.insert(index, stage)
        return self

    def _check_new(self, stage: Stage) -> None:
        if not isinstance(stage, Stage):
            raise TypeError(f"{stage!r} is not a stage: it needs name, requires and run()")
        if stage.name in self.names():
            raise ValueError(f"a stage named {stage.name!r} is already in the pipeline")

    def run(self, **inputs: Any) -> PipelineResult:
        context: dict[str, Any] = dict(inputs)
        history = []
        for stage in self.stages:
            missing = [key for key in stage.requires if key not in context]
            if missing:
                raise PipelineError(f"stage {stage.name!r} requires {', '.join(missing)}, "
                                    f"which no input or earlier stage provides")
            for callback in self.callbacks:
                callback.before_stage(stage, context)
            start = time.perf_counter()
            outputs = stage.run(dict(context))
            elapsed = time.perf_counter() - start
            if not isinstance(outputs, Mapping):
                raise PipelineError(f"stage {stage.name!r} returned {type(outputs).__name__}, "
                                    "not a mapping of named outputs")
            clash = [key for key in outputs if key in context]
            if clash:
                raise PipelineError(f"stage {stage.name!r} would overwrite {', '.join(clash)}")
            context.update(outputs)
            history.append({"stage": stage.name, "outputs": sorted(outputs), "seconds": elapsed})
            for callback in self.callbacks:
                callback.after_stage(stage, context, outputs)
        return PipelineResult(context, history)


class LogCallback(Callback):
    """Collects one line per stage (or passes each to ``write``, e.g. ``print``)."""

    def __init__(self, write: Callable[[str], None] | None = None) -> None:
        self.lines: list[str] = []
        self._write = write

    def after_stage(self, stage: Stage, context: Mapping[str, Any],
                    outputs: Mapping[str, Any]) -> None:
        line = f"{stage.name}: " + ", ".join(f"{k}={_short(v)}" for k, v in outputs.items())
        self.lines.append(line)
        if self._write is not None:
            self._write(line)


class CSVCallback(Callback):
    """Appends one row per stage output (stage, key, value) to a CSV file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self.path.open("w", newline="") as handle:
            csv.writer(handle).writerow(["stage", "key", "value"])

    def after_stage(self, stage: Stage, context: Mapping[str, Any],
                    outputs: Mapping[str, Any]) -> None:
        with self.path.open("a", newline="") as handle:
            writer = csv.writer(handle)
            for key, value in outputs.items():
                writer.writerow([stage.name, key, _short(value)])


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _training_time(context: Mapping[str, Any]) -> dict[str, Any]:
    from mlsysim_lab.walls.fleet.parallelism import time_to_train_s

    seconds = float(time_to_train_s(context["model"], context["tokens"], context["devices"],
                                    context["hardware"], mfu=context.get("mfu")))
    return {"training_s": seconds, "gpu_hours": seconds * context["devices"] / 3600.0}


def _energy(context: Mapping[str, Any]) -> dict[str, Any]:
    from mlsysim_lab import catalog
    from mlsysim_lab.walls.ops.energy import run_energy

    region = catalog.get_region(context["region"])
    energy = run_energy(context["devices"], context["training_s"], hardware=context["hardware"],
                        node=context.get("node"), pue=region.pue)
    return {"energy": energy, "energy_mwh": float(energy.facility_energy_mwh)}


def _carbon(context: Mapping[str, Any]) -> dict[str, Any]:
    from mlsysim_lab.walls.ops.sustainability import footprint

    result = footprint(context["energy"], context["region"])
    return {"co2e_t": float(result.total_t), "water_l": float(result.water_l)}


def _cost(context: Mapping[str, Any]) -> dict[str, Any]:
    from mlsysim_lab.walls.ops.cost import run_cost

    node = context.get("node")
    if node is None:
        raise PipelineError("the cost stage needs a node (its price); pass node='dgx-h100'")
    result = run_cost(context["energy"], node, context["region"],
                      pricing=context.get("pricing", "cloud"))
    return {"cost_usd": float(result.total_usd), "cost_unknown": list(result.unknown)}


def training_pipeline(callbacks: Sequence[Callback] = ()) -> Pipeline:
    """training time -> energy -> carbon -> cost, for ``model``, ``tokens``,
    ``hardware``, ``devices``, ``region`` (and optionally ``node``, ``mfu``)."""
    stages: list[Stage] = [
        FunctionStage("training_time", _training_time, ("model", "tokens", "devices", "hardware")),
        FunctionStage("energy", _energy, ("devices", "training_s", "hardware", "region")),
        FunctionStage("carbon", _carbon, ("energy", "region")),
        FunctionStage("cost", _cost, ("energy", "region")),
    ]
    return Pipeline(stages, list(callbacks))
