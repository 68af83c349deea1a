"""Lab 12: the spec (title, question, scenario, items). Every key is a call into
the solver (the full-stack audit and the walls it composes).

One efficiency model throughout: the audit's ``calibrated`` profile (the measured MFU of
the GPU's generation for the days, measured matmul fractions in the step model), run on
the parallelism lab 11's search finds for the same run (its best configuration under the
GPU cap, pinned in the audit)."""

import functools

from mlsysim_lab import catalog
from mlsysim_lab.audit import DEFAULT_BATCH_TOKENS, DEFAULT_SEQ_LEN, AuditConfig, audit
from mlsysim_lab.explore import Constraint, explore, training_evaluator
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, LabSpec, NumericItem, Option

#: Lab 11's design space and objectives (TP inside a node, pipelines up to 16 stages).
SPACE = {"tp": (1, 2, 4, 8), "pp": (1, 2, 4, 8, 16), "dp": tuple(range(1, 513)),
         "micro_batch": (1, 2, 4)}
ZERO_STAGE = 1
#: The audited model (the catalog's lab: LLaMA-70B training).
MODEL = "llama-3-70b"
#: The clean region the carbon question compares with.
CLEAN = "quebec"


@functools.lru_cache(maxsize=None)
def best_plan(model: str, hardware: str, devices: int) -> dict:
    """Lab 11's search for this run: the fastest configuration that fits, at most
    ``devices`` GPUs, the audit's default sequence length and 4M-token batch."""
    node = catalog.get_node(_node_of(hardware))
    evaluator = training_evaluator(model, node.id, seq_len=DEFAULT_SEQ_LEN,
                                   global_batch=DEFAULT_BATCH_TOKENS // DEFAULT_SEQ_LEN,
                                   zero_stage=ZERO_STAGE)
    capacity = catalog.get_hardware(hardware).memory_capacity
    found = explore(evaluator, SPACE, objectives={"step_s": "min"},
                    constraints=[Constraint("memory_bytes", "<=", capacity),
                                 Constraint("devices", "==", devices)])
    return found.best


def _node_of(hardware: str) -> str:
    return {"a100": "dgx-a100", "h100": "dgx-h100"}[hardware]


def config(s, **change) -> AuditConfig:
    """The audited run: Llama 3 70B on the scenario's GPUs and region, the token budget of its
    tokens per parameter, on lab 11's best plan, calibrated."""
    plan = best_plan(MODEL, s["hardware"], s["devices"])
    tokens = s["tokens_per_param"] * catalog.get_model(MODEL).total_params
    settings = dict(model=MODEL, hardware=s["hardware"], devices=s["devices"],
                    region=s["region"], tokens=tokens, efficiency="calibrated",
                    tp=int(plan["tp"]), pp=int(plan["pp"]), micro_batch=int(plan["micro_batch"]),
                    zero_stage=ZERO_STAGE, recompute="selective", virtual_stages=1)
    return AuditConfig(**{**settings, **change})


@functools.lru_cache(maxsize=None)
def _audit(cfg: AuditConfig):
    return audit(cfg)


def report(s, **change):
    return _audit(config(s, **change))


def cleaner(s) -> str:
    """Which cuts the run's carbon more: moving it to the clean region, or halving its
    token budget (and so its GPU-hours)?"""
    moved = report(s, region=CLEAN).figures["co2e_t"]
    halved = report(s, tokens=config(s).tokens / 2).figures["co2e_t"]
    return "move" if moved < halved else "halve"


def _working_days(s) -> str:
    f = report(s).figures
    gpu = catalog.get_hardware(s["hardware"])
    return (f"{f['training_flops']:.3g} FLOP / ({s['devices']} x {gpu.peak('bf16') / 1e12:.0f} "
            f"TFLOP/s x MFU {f['mfu']:.2f}) / 86,400 s, over the {1 - f['lost_fraction']:.3f} of "
            f"the wall-clock that failures and checkpoints leave (lab 06) = {f['days']:.3g} days")


def _working_cleaner(s) -> str:
    f = report(s).figures
    moved = report(s, region=CLEAN).figures["co2e_t"]
    halved = report(s, tokens=config(s).tokens / 2).figures["co2e_t"]
    return (f"now {f['energy_mwh']:.3g} MWh x your grid = {f['operational_co2e_t']:.3g} t, + "
            f"embodied {f['embodied_co2e_t']:.3g} t = {f['co2e_t']:.3g} t; moved to Quebec "
            f"{moved:.3g} t; half the tokens {halved:.3g} t")


LAB = LabSpec(
    id="lab12", title="Full-Stack Audit: LLaMA-70B Training",
    question="What does a complete systems analysis look like?",
    level="advanced", walls=(1, 2, 11, 14, 15, 16, 17, 18, 19, 21),
    paths={"first-time": 8, "engineer": 7, "researcher": 8, "conference": 5, "half-day": 5},
    scenario={"hardware": Choice(values=("a100", "h100"), default="h100"),
              "devices": Choice(values=(256, 1024, 2048), default=1024),
              "tokens_per_param": Choice(values=(20, 100), default=20),
              # the clean region the choice compares with is not drawn
              "region": Choice(values=("norway", "california", "us-average", "iowa-miso",
                                       "poland", "india"), default="us-average")},
    goals=("Compose every domain of the stack into one audit of a training run.",
           "Estimate its days before the model says.",
           "Tell which lever, place or work, moves the carbon more."),
    minutes=10,
    discussion=("Moving a run between regions changes its carbon by more than an order of "
                "magnitude and its cloud bill not at all. Who should pay for the difference?",),
    items=(
        NumericItem("days",
                    "the wall-clock days of your run (compute at the measured MFU)",
                    unit="days", key=lambda s: report(s).figures["days"], tolerance=Banded(),
                    hint="days", working=_working_days),
        ChoiceItem("cleaner",
                   "Which cuts your run's carbon more: moving it to Quebec, or halving its "
                   "token budget?", options=(
            Option("move", "moving to Quebec",
                   why="your grid emits over twice Quebec's carbon per kWh at the facility",
                   misconception="moving to a clean grid always wins: from a grid already "
                                 "near Quebec's it saves less than half"),
            Option("halve", "halving the tokens",
                   why="your grid and facility are already within a factor two of Quebec's",
                   misconception="the work always matters more than the place: grids differ "
                                 "by over ten times in carbon per kWh")),
            key=cleaner, working=_working_cleaner),
    ))
