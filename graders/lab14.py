"""Lab 14: the spec (title, question, scenario, items). Every key is a call into the
solver core (here: the reference training pipeline and the cost solver); the two code
items run the student's stage and callback inside real pipelines and compare what comes
out with the reference computation."""

from __future__ import annotations

import functools
import math
import time
from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, CodeItem, FloatRange, IntRange,
                                 LabSpec, NumericItem, Option, Values)
from mlsysim_lab.grading.properties import property_credit
from mlsysim_lab.pipeline import (FunctionStage, Pipeline, PipelineError, Stage,
                                  training_pipeline)
from mlsysim_lab.walls.ops.cost import run_cost

HARDWARE, NODE = "h100", "dgx-h100"
#: The context key the carbon-price stage reads the price from (USD per tonne CO2e),
#: and the key it must produce.
PRICE_KEY, OUTPUT_KEY = "carbon_price_per_t", "carbon_usd"
#: The stage the custom stage is inserted after.
ANCHOR = "carbon"
#: How long the slow stage of the callback test sleeps (s): the callback must see it.
SLEEP_S = 0.01


def inputs(s: Mapping[str, Any]) -> dict[str, Any]:
    """The pipeline inputs of a scenario (everything but the carbon price)."""
    return {"model": s["model"], "tokens": s["tokens"], "hardware": HARDWARE,
            "devices": s["devices"], "region": s["region"], "node": NODE}


@functools.lru_cache(maxsize=256)
def _run(model: str, tokens: float, devices: int, region: str) -> dict[str, Any]:
    result = training_pipeline().run(model=model, tokens=tokens, hardware=HARDWARE,
                                     devices=devices, region=region, node=NODE)
    return result.context


def reference_run(s: Mapping[str, Any]) -> dict[str, Any]:
    """The final context of the reference pipeline for a scenario."""
    return dict(_run(s["model"], s["tokens"], s["devices"], s["region"]))


def carbon_usd(energy: Any, co2e_t: float, region: str, price: float) -> float:
    """The reference carbon cost: the cost solver's carbon term, tCO2e x price."""
    return float(run_cost(energy, NODE, region, co2e_t=co2e_t,
                          carbon_price_per_t=price).carbon_usd)


def energy_working(s: Mapping[str, Any]) -> str:
    """The energy stage with this run's numbers."""
    run = reference_run(s)
    e = run["energy"]
    nodes = float(e.it_energy_j - e.gpu_energy_j) / (e.host_power_w * e.duration_s) \
        if e.host_power_w else 0.0
    return (f"({s['devices']} GPUs x {e.device_power_w:.0f} W + {nodes:.0f} hosts x "
            f"{e.host_power_w:.0f} W) x {run['training_s'] / 86400:.3g} days x PUE {e.pue:.2f} "
            f"= {run['energy_mwh']:.4g} MWh")


def carbon_working(s: Mapping[str, Any]) -> str:
    """The carbon stage with this run's numbers."""
    run = reference_run(s)
    grid = run["energy"].facility_energy_kwh * catalog.get_region(s["region"]).grid_intensity / 1e6
    return (f"{run['energy_mwh']:.4g} MWh x {catalog.get_region(s['region']).grid_intensity:.0f} "
            f"gCO2e/kWh = {grid:.4g} t from the grid, + {run['co2e_t'] - grid:.3g} t embodied "
            f"(the GPUs' share over the run) = {run['co2e_t']:.4g} tCO2e")


# ----- the two behaviour questions: answered by running a pipeline ------------------------

def missing_input_behaviour(s: Mapping[str, Any]) -> str:
    """What the pipeline does with a stage that requires a value nobody produced: the
    reference pipeline with a carbon-price stage placed *before* the carbon stage."""
    called = []

    def price(context):
        called.append(True)
        return {OUTPUT_KEY: context.get("co2e_t", 0.0) * context.get(PRICE_KEY, 0.0)}

    pipeline = training_pipeline()
    pipeline.insert(FunctionStage("carbon_price", price, ("co2e_t", PRICE_KEY)),
                    before=ANCHOR)
    try:
        result = pipeline.run(**inputs(s), **{PRICE_KEY: s["carbon_price"]})
    except PipelineError as error:
        return "error" if not called and "carbon_price" in str(error) else "crash"
    except KeyError:
        return "crash"
    if OUTPUT_KEY not in result.context:
        return "skip"
    return "zero" if result[OUTPUT_KEY] == 0 else "skip"


def overwrite_behaviour(s: Mapping[str, Any]) -> str:
    """What the pipeline does with a stage that returns a key an earlier stage produced:
    a stage after ``carbon`` that returns an 'offset' ``co2e_t``."""
    pipeline = training_pipeline()
    pipeline.insert(FunctionStage("offsets", lambda c: {"co2e_t": 0.5 * c["co2e_t"]},
                                  ("co2e_t",)), after=ANCHOR)
    before = reference_run(s)["co2e_t"]
    try:
        result = pipeline.run(**inputs(s))
    except PipelineError as error:
        return "refused" if "overwrite" in str(error) else "crash"
    return "replaced" if result["co2e_t"] != before else "kept"


# ----- code item 1: the carbon-price stage --------------------------------------------------

STAGE_ARGUMENTS = {
    "model": Values(("llama-3-8b", "llama-3-70b")),
    "tokens": FloatRange(1e10, 1e13),
    "devices": IntRange(1, 4096),
    "region": Values(("quebec", "iowa", "us-average", "poland", "texas", "germany")),
    "price": FloatRange(0.1, 1000.0),
}


def _stage_matches(stage: Stage, args: Mapping[str, Any]) -> bool:
    run_inputs = {"model": args["model"], "tokens": args["tokens"], "hardware": HARDWARE,
                  "devices": args["devices"], "region": args["region"], "node": NODE,
                  PRICE_KEY: args["price"]}
    pipeline = training_pipeline()
    pipeline.insert(stage, after=ANCHOR)
    result = pipeline.run(**run_inputs)        # a clash or a missing input raises: a failure
    expected = carbon_usd(result["energy"], result["co2e_t"], args["region"], args["price"])
    if not math.isclose(float(result[OUTPUT_KEY]), expected, rel_tol=1e-9, abs_tol=1e-9):
        return False
    # declared requirements: the stage works from what it declares, and nothing else
    reads = {key: result.context[key] for key in stage.requires}
    alone = stage.run(reads)
    return math.isclose(float(alone[OUTPUT_KEY]), expected, rel_tol=1e-9, abs_tol=1e-9)


def grade_stage(stage: Any) -> tuple[float, str]:
    """The student's carbon-price stage, inserted after ``carbon`` in the reference
    pipeline: it declares what it reads, overwrites nothing, and for generated runs its
    ``carbon_usd`` equals the cost solver's carbon term (tCO2e x price)."""
    if not isinstance(stage, Stage):
        return 0.0, ("expected a pipeline stage (a FunctionStage, or an object with name, "
                     f"requires and run()), got {type(stage).__name__}")
    requires = tuple(stage.requires)
    undeclared = [key for key in ("co2e_t", PRICE_KEY) if key not in requires]
    if undeclared:
        return 0.0, (f"the stage reads {', '.join(undeclared)} but does not declare it in "
                     "requires: the pipeline cannot check that an earlier stage or an input "
                     "provides it")
    probe = {"model": "llama-3-8b", "tokens": 1e12, "devices": 64, "region": "iowa",
             "price": 37.0}
    try:
        pipeline = training_pipeline()
        pipeline.insert(stage, after=ANCHOR)
        outputs = pipeline.run(**{k: v for k, v in probe.items() if k != "price"},
                               hardware=HARDWARE, node=NODE, **{PRICE_KEY: probe["price"]})
    except (PipelineError, ValueError, KeyError, TypeError) as error:
        return 0.0, (f"inserted after {ANCHOR!r}, the pipeline fails: "
                     f"{type(error).__name__}: {error}")
    if OUTPUT_KEY not in outputs.context:
        return 0.0, f"the stage ran but produced no {OUTPUT_KEY!r}"
    got = outputs[OUTPUT_KEY]
    expected = carbon_usd(outputs["energy"], outputs["co2e_t"], probe["region"], probe["price"])
    try:
        matches = math.isclose(float(got), expected, rel_tol=1e-9)
    except (TypeError, ValueError):
        matches = False
    if not matches:
        return 0.0, (f"for {probe} your stage gives {OUTPUT_KEY} = {got!r}; the reference "
                     f"gives {expected:.6g} USD ({outputs['co2e_t']:.6g} tCO2e at "
                     f"{probe['price']:g} USD/t)")
    try:
        stage.run({key: outputs.context[key] for key in requires})
    except KeyError as error:
        return 0.0, (f"the stage reads {error}, which it does not declare in requires "
                     f"{requires}: declare every value it reads")
    credit, message = property_credit(lambda args: _stage_matches(stage, args),
                                      STAGE_ARGUMENTS,
                                      f"{OUTPUT_KEY} = co2e_t x {PRICE_KEY} (the cost solver's "
                                      "carbon term), computed from the declared inputs only")
    return credit, message


# ----- code item 2: the callback ------------------------------------------------------------

CALLBACK_ARGUMENTS = {"stages": IntRange(1, 6), "width": IntRange(1, 3), "slow": IntRange(0, 5)}


def synthetic_pipeline(stages: int, width: int, slow: int) -> Pipeline:
    """A chain of ``stages`` stages; stage i reads one key of stage i-1 (the first reads
    the input ``x``) and produces ``width`` (or ``width + 1``) keys; stage ``slow`` (mod
    the count) sleeps SLEEP_S."""
    chain = []
    for i in range(stages):
        keys = [f"k{i}_{j}" for j in range(width + i % 2)]
        source = f"k{i - 1}_0" if i else "x"

        def function(context, keys=keys, source=source, sleepy=(i == slow % stages)):
            if sleepy:
                time.sleep(SLEEP_S)
            return {key: context[source] + n + 1.0 for n, key in enumerate(keys)}

        chain.append(FunctionStage(f"stage_{i}", function, (source,)))
    return Pipeline(chain)


def _records(recorder: Any) -> list[tuple[str, list[str], float]]:
    return [(str(name), sorted(str(k) for k in keys), float(seconds))
            for name, keys, seconds in recorder.records]


def _factory(answer: Any):
    if isinstance(answer, type):
        return answer
    return lambda: type(answer)()


def callback_problem(make, args: Mapping[str, Any]) -> str | None:
    """Why a fresh recorder misreports a synthetic pipeline run (None: it does not)."""
    pipeline = synthetic_pipeline(args["stages"], args["width"], args["slow"])
    plain = pipeline.run(x=1.0)
    recorder = make()
    pipeline.callbacks = [recorder]
    start = time.perf_counter()
    result = pipeline.run(x=1.0)
    total = time.perf_counter() - start
    if result.context != plain.context:
        return "the run's results changed with your callback attached: a callback observes, " \
               "it must not edit the context"
    records = _records(recorder)
    got = [(name, keys) for name, keys, _ in records]
    expected = [(h["stage"], h["outputs"]) for h in result.history]
    if got != expected:
        return f"you recorded {got}; the pipeline's history says {expected}"
    seconds = [s for _, _, s in records]
    if not all(math.isfinite(s) and s >= 0 for s in seconds):
        return f"the recorded times {seconds} are not all finite and non-negative"
    if sum(seconds) > total:
        return (f"the recorded times add up to {sum(seconds):.4f} s, more than the whole run "
                f"took ({total:.4f} s)")
    slow = args["slow"] % args["stages"]
    if seconds[slow] < 0.9 * SLEEP_S:
        return (f"stage_{slow} sleeps {SLEEP_S * 1e3:.0f} ms but you recorded "
                f"{seconds[slow] * 1e3:.3f} ms: time each stage from before_stage to "
                "after_stage")
    return None


def grade_callback(answer: Any) -> tuple[float, str]:
    """The student's StageRecorder: a callback whose ``records`` holds one (stage name,
    output keys, seconds) per stage, in order, matching the pipeline's own history, with
    the time measured around the stage; it must not change the run's results."""
    make = _factory(answer)
    try:
        recorder = make()
    except Exception as error:
        return 0.0, f"could not create a fresh recorder with no arguments: {error}"
    for hook in ("before_stage", "after_stage"):
        if not callable(getattr(recorder, hook, None)):
            return 0.0, f"a callback needs a {hook}() method (subclass Callback)"
    try:
        pipeline = training_pipeline([recorder])
        result = pipeline.run(model="llama-3-8b", tokens=1e12, hardware=HARDWARE, devices=64,
                              region="iowa", node=NODE)
        got = [(name, keys) for name, keys, _ in _records(recorder)]
    except Exception as error:
        return 0.0, (f"running the training pipeline with your callback failed: "
                     f"{type(error).__name__}: {error} (records must hold "
                     "(stage name, output keys, seconds) triples)")
    expected = [(h["stage"], h["outputs"]) for h in result.history]
    if got != expected:
        return 0.0, (f"on the training pipeline you recorded {got}; the pipeline's history "
                     f"says {expected}")
    try:
        problem = callback_problem(make, {"stages": 3, "width": 2, "slow": 1})
    except Exception as error:
        problem = f"a run with your callback failed: {type(error).__name__}: {error}"
    if problem is not None:
        return 0.0, f"on a three-stage test pipeline: {problem}"
    return property_credit(lambda args: callback_problem(make, args) is None, CALLBACK_ARGUMENTS,
                           "the recorded stage names, output keys and times agree with the "
                           "pipeline's history (and the results are unchanged)", examples=20)


LAB = LabSpec(
    id="lab14", title="Composable Pipelines & Callbacks",
    question="How do I chain solvers and hook into them?",
    level="developer", walls=tuple(range(1, 23)),
    scenario={"model": Choice(values=("llama-3-8b", "llama-3-70b"), default="llama-3-70b"),
              "tokens": Choice(values=(1e12, 2e12), default=2e12),
              "devices": Choice(values=(512, 1024, 2048), default=1024),
              "region": Choice(values=("quebec", "iowa", "us-average", "poland", "texas",
                                       "germany"), default="us-average"),
              "carbon_price": Choice(values=(50.0, 100.0, 190.0), default=100.0)},
    goals=("Read a pipeline of solver stages as a chain of named values: what each stage "
           "requires and what it adds.",
           "Predict the stage outputs of a training run: energy and carbon.",
           "Know the pipeline's contract: a missing input and an overwrite are errors that "
           "name the stage, never silent defaults.",
           "Write a custom stage (a carbon price) that plugs into the reference pipeline.",
           "Write a callback that observes every stage without changing the results."),
    minutes=25,
    discussion=("Why is it better for a pipeline to refuse an overwrite than to let the "
                "latest stage win?",
                "Which stage would you add next (water, embodied carbon, a carbon cap), and "
                "what would it require?"),
    items=(
        NumericItem("energy_mwh",
                    "the facility energy of your training run (the `energy_mwh`"
                    " the energy stage adds)", unit="MWh",
                    key=lambda s: reference_run(s)["energy_mwh"], tolerance=Banded(),
                    working=energy_working),
        NumericItem("co2e_t",
                    "the carbon footprint of your run (the `co2e_t` the carbon "
                    "stage adds: grid emissions plus the embodied share of the "
                    "GPUs)", unit="tCO2e",
                    key=lambda s: reference_run(s)["co2e_t"], tolerance=Banded(),
                    working=carbon_working),
        ChoiceItem("missing_input",
                   "The carbon-price stage is inserted *before* `carbon`, so no "
                   "`co2e_t` exists yet when it runs. What happens?",
                   options=(
            Option("error", "an error before the stage runs",
                   why="the pipeline checks each stage's declared requires before running "
                       "it, and its PipelineError names the stage and the missing value"),
            Option("zero", "the stage sees co2e_t = 0",
                   misconception="a missing value defaults to zero: a silent default hides "
                                 "the bug (the public engine ignored a missing price this way)"),
            Option("skip", "the stage is skipped",
                   misconception="stages are optional: a skipped stage is a missing result "
                                 "nobody notices"),
            Option("crash", "a KeyError inside the stage",
                   misconception="the pipeline checks nothing up front: it checks each "
                                 "stage's declared requires before running it")),
            key=missing_input_behaviour,
            invariant="the pipeline's contract is the lesson, the same for every run"),
        ChoiceItem("overwrite",
                   "A stage after `carbon` returns its own, halved `co2e_t` "
                   "(\"offsets\"). What happens?", options=(
            Option("refused", "an error after the stage runs",
                   why="the pipeline checks that a stage overwrote nothing, and its "
                       "PipelineError names the stage and the value"),
            Option("replaced", "the halved co2e_t replaces it",
                   misconception="the latest stage wins, like dict.update: every later "
                                 "stage would silently see a different number than the "
                                 "carbon stage reported"),
            Option("kept", "the original co2e_t is kept",
                   misconception="first writer wins silently: the stage's output vanishes "
                                 "without a word")),
            key=overwrite_behaviour,
            invariant="the pipeline's contract is the lesson, the same for every run"),
        CodeItem("carbon_price_stage",
                 "`carbon_price_stage`, a `FunctionStage(name, function, "
                 "requires)` that adds `carbon_usd` (USD) and nothing else that"
                 " exists. It is graded by inserting it after `'carbon'` in "
                 "`training_pipeline()` for generated models, token budgets, "
                 "GPU counts, regions and prices, and comparing with the cost "
                 "solver; it must declare every value it reads in `requires`.", grader=grade_stage),
        CodeItem("stage_recorder",
                 "`StageRecorder`, a `Callback` subclass whose instances keep "
                 "`self.records`: one `(stage name, sorted list of the keys the"
                 " stage produced, seconds the stage took)` per stage, in "
                 "order. Time each stage from `before_stage` to `after_stage`, "
                 "and change nothing in the context. It is graded on the "
                 "training pipeline and on generated test pipelines (one stage "
                 "in each sleeps), against the pipeline's history", grader=grade_callback,
                 variable="StageRecorder"),
    ))
