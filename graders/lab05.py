"""Lab 05: the spec (title, question, scenario, items). Every key is a call into the solver."""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.grading import Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.algorithm.quantization import baseline_precision, compare_precisions
from mlsysim_lab.walls.data.ingestion import input_pipeline
from mlsysim_lab.walls.node import Efficiency, decode_step
from mlsysim_lab.walls.node.workload import decode_work

#: The memory-bound case: LLM decode.
LLM = "llama-3-8b"
#: The compute-heavy case: ResNet-50 training at a large batch (forward + backward), at
#: the fraction of peak published runs reach (the assumption lab 04 uses).
CNN, CNN_BATCH = "resnet-50", 256
ACHIEVED = Efficiency(
    compute_efficiency=catalog.get_assumption("resnet50-training-efficiency").value)
#: The weight formats of the "what fits" item, widest first, and its context (within
#: every large model's window).
FORMATS = ("fp16", "w8a16", "w4a16")
FIT_CONTEXT = 1024
#: The training schemes of the "what speeds training up" item (None: neither).
TRAINING = {"w4a16": "w4a16", "fp8": "fp8", None: "none"}

Scenario = Mapping[str, Any]


def llm_speedup(s: Scenario) -> float:
    """Decode speedup of W4A16 over FP16 at the scenario's batch and context."""
    row, = compare_precisions(LLM, s["hardware"], schemes=("w4a16",), batch=s["batch"],
                              tokens=s["context"])
    return float(row.speedup)


def training_step_s(s: Scenario, precision: str) -> float | None:
    """ResNet-50 training step (3 forward passes) on the GPU at ``precision``, at the
    achieved fraction of peak; None where the GPU has no peak for it."""
    try:
        return float(input_pipeline(CNN, s["hardware"], batch=CNN_BATCH, precision=precision,
                                    efficiency=ACHIEVED).accelerator_s)
    except ValueError:
        return None


def training_gain(s: Scenario) -> str:
    """The scheme that shortens the training step by more than 10 %, or neither."""
    base = training_step_s(s, baseline_precision(s["hardware"]))
    faster = [name for name in ("w4a16", "fp8")
              if (step := training_step_s(s, name)) is not None and base / step > 1.1]
    return TRAINING[faster[0] if faster else None]


def widest_fit(s: Scenario) -> str:
    """The widest weight format in which the big model's batch-1 decode fits the GPU."""
    fits = [name for name in FORMATS if decode_step(s["big"], s["hardware"], batch=1,
                                                    context=FIT_CONTEXT, precision=name).feasible]
    return fits[0] if fits else "none"


def _bytes(s: Scenario) -> tuple[float, float, float]:
    """(FP16 weight bytes, W4A16 weight bytes, 16-bit bytes per sequence) of one step."""
    fp16 = decode_work(catalog.get_model(LLM), scheme("fp16"), 1.0, float(s["context"]))
    int4 = decode_work(catalog.get_model(LLM), scheme("w4a16"), 1.0, float(s["context"]))
    return fp16.weight_bytes, int4.weight_bytes, fp16.kv_bytes + fp16.activation_bytes


def _speedup_working(s: Scenario) -> str:
    w16, w4, k = _bytes(s)
    b = s["batch"]
    row, = compare_precisions(LLM, s["hardware"], schemes=("w4a16",), batch=b,
                              tokens=s["context"])
    return (f"({w16 / 1e9:.2f} GB + {b} x {k / 1e6:.0f} MB) / ({w4 / 1e9:.2f} GB + {b} x "
            f"{k / 1e6:.0f} MB) = {llm_speedup(s):.2f}x (the W4A16 step is "
            f"{row.step.bottleneck}-bound)")


def _training_working(s: Scenario) -> str:
    base = training_step_s(s, baseline_precision(s["hardware"]))
    steps = ", ".join(f"{name} {step * 1e3:.1f} ms" if (step := training_step_s(s, name))
                      else f"{name}: no peak on this GPU" for name in ("w4a16", "fp8"))
    return (f"at {ACHIEVED.compute_efficiency:.0%} of the peak: FP16 step {base * 1e3:.1f} ms; "
            f"{steps}")


def _fit_working(s: Scenario) -> str:
    capacity = catalog.get_hardware(s["hardware"]).memory_capacity
    steps = {name: decode_step(s["big"], s["hardware"], batch=1, context=FIT_CONTEXT,
                               precision=name) for name in FORMATS}
    need = ", ".join(f"{name} {step.memory_bytes / 1e9:.1f} GB" for name, step in steps.items())
    return f"{need} against {capacity / 1e9:.0f} GB"


LAB = LabSpec(
    id="lab05", title="Quantization: Not a Free Lunch",
    question="Does INT4 always give 4x speedup?",
    level="intermediate", walls=(12, 2, 3),
    paths={"first-time": 6, "researcher": 3, "half-day": 7},
    scenario={"hardware": Choice(values=("a100", "h100", "h200"), default="h100"),
              "context": Choice(values=(1024, 2048, 4096), default=1024),
              "batch": Choice(values=(1, 8, 32), default=8),
              "big": Choice(values=("mixtral-8x7b", "gpt3-175b", "llama-3.1-405b"),
                            default="mixtral-8x7b")},
    goals=("Predict the decode speedup of W4A16 from the bytes each step moves, and see "
           "it fall as the batch grows.",
           "See why weight-only quantization gains nothing on compute-bound training (at "
           "the fraction of peak lab 04 measured), where only 8-bit math helps.",
           "Decide which weight format lets a large model fit one GPU."),
    minutes=15,
    discussion=("A vendor quotes '4x faster with INT4'. Under which batch, context and "
                "hardware conditions is that claim closest to true, and when is it false?",
                "Quantization can be worth it even where it buys no speed. What else does "
                "it buy, and what does it cost (the accuracy notes are empirical rules)?"),
    items=(
        NumericItem("speedup_w4a16", "the decode speedup of W4A16 over FP16 at your batch "
                    "and context", unit="", key=llm_speedup, hint="a ratio",
                    working=_speedup_working),
        ChoiceItem("training_gain", "Which scheme makes a ResNet-50 training step on your "
                   "GPU more than 10 % faster? (Training math is floating point: integer "
                   "peaks are out of scope.)", options=(
            Option("w4a16", "W4A16 weights",
                   misconception="fewer weight bytes speed up any step: a CNN's training "
                                 "step is bound by its math and its activations, and W4A16 "
                                 "computes at the 16-bit peak",
                   why="4-bit weights would shorten a step that waits for weight bytes"),
            Option("fp8", "FP8 math",
                   misconception="every GPU runs FP8: only Hopper and later have an FP8 "
                                 "peak",
                   why="FP8 math runs at twice the 16-bit peak and halves the activation "
                       "bytes"),
            Option("none", "neither",
                   misconception="quantization never speeds up training: 8-bit math "
                                 "doubles the peak where the GPU has it",
                   why="W4A16 computes at the 16-bit peak and the GPU has no FP8 peak")),
            key=training_gain, working=_training_working),
        ChoiceItem("fits", "In which widest weight format does your large model's batch-1 "
                   f"decode ({FIT_CONTEXT:,} tokens of context) fit on one of your GPUs?", options=(
            Option("fp16", "FP16", misconception="a model that fits in FP16 somewhere fits "
                   "everywhere: 2 bytes per parameter against this GPU's capacity",
                   why="2 bytes per parameter fit the GPU's memory"),
            Option("w8a16", "W8A16", misconception="8-bit weights always suffice: compare 1 "
                   "byte per parameter with the capacity",
                   why="1 byte per parameter fits, 2 do not"),
            Option("w4a16", "W4A16", misconception="4-bit is the answer whatever the model: "
                   "compare half a byte per parameter, and one and two, with the capacity",
                   why="only half a byte per parameter fits"),
            Option("none", "none", misconception="4-bit makes any model fit: half a byte per "
                   "parameter can still exceed one GPU",
                   why="even half a byte per parameter exceeds the GPU's memory")),
            key=widest_fit, working=_fit_working),
    ))
