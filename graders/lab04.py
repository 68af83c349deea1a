"""Lab 04: the spec (title, question, scenario, items). Every key is a call into the solver.

The scenario's ``efficiency`` is the fraction of the dense FP16 peak a ResNet-50 training
step reaches: the ``resnet50-training-efficiency`` assumption (published single-GPU
training throughputs, 20-27 %). The knob draws both ends of its range and the middle.
"""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.grading import Choice, ChoiceItem, Count, LabSpec, NumericItem, Option
from mlsysim_lab.walls import names
from mlsysim_lab.walls.data.ingestion import InputPipeline, input_pipeline
from mlsysim_lab.walls.node import Efficiency

MODEL = "resnet-50"
#: The node whose network ports read the remote tier and whose GPUs share it. The zoo has
#: no V100 server; the DGX A100 stands in (only its 8 GPUs and its ports matter, and its
#: ports are far faster than the object store).
NODE = {"a100": "dgx-a100", "v100": "dgx-a100", "h100": "dgx-h100"}
REMOTE = "object-store"
#: Binding wall of the input pipeline -> the option label students pick.
STAGE = {names.COMPUTE: "gpu", names.wall(9): "cpu", names.wall(10): "storage"}

#: The achieved fraction of peak (cited range) the scenario draws from.
EFFICIENCY = catalog.get_assumption("resnet50-training-efficiency")
#: JPEGs one CPU core decodes per second (cited range across CPUs and decoders).
DECODE_RATE = catalog.get_assumption("jpeg-decode-rate-per-core")

Scenario = Mapping[str, Any]


def pipeline(s: Scenario, **overrides: Any) -> InputPipeline:
    """The student's training step (local NVMe, their CPU workers, the achieved fraction
    of peak) unless overridden."""
    kwargs = {"batch": s["batch"], "workers": s["workers"], "decode_rate_per_core": s["decode_rate"],
              "efficiency": Efficiency(compute_efficiency=s["efficiency"]), **overrides}
    return input_pipeline(MODEL, s["hardware"], **kwargs)


def remote(s: Scenario) -> InputPipeline:
    """The step with twice the CPU workers it needs, reading from the object store that
    all of the node's GPUs share."""
    return pipeline(s, workers=2 * pipeline(s).workers_needed, storage=REMOTE,
                    node=NODE[s["hardware"]])


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def _gpu_working(s: Scenario) -> str:
    p, gpu = pipeline(s), catalog.get_hardware(s["hardware"])
    macs = catalog.get_model(MODEL).published_macs
    return (f"GPU: 3 x 2 x {macs / 1e9:.2f} GMAC x {s['batch']} images / ({s['efficiency']:.3g} "
            f"x {gpu.peak('fp16') / 1e12:.0f} TFLOP/s) = {_ms(p.accelerator_s)}")


def _stages(p: InputPipeline) -> str:
    return (f"GPU {_ms(p.accelerator_s)}, CPU {_ms(p.preprocessing_s)}, "
            f"storage {_ms(p.storage_s)}")


def _cpu_working(s: Scenario) -> str:
    p = pipeline(s)
    rate = s["decode_rate"]
    return (f"{_gpu_working(s)}; CPU: {s['batch']} / ({s['workers']} workers x {rate:.0f} "
            f"images/s) = {_ms(p.preprocessing_s)}; {_stages(p)}: the slowest binds")


def _utilisation_working(s: Scenario) -> str:
    p = pipeline(s)
    return (f"{_ms(p.accelerator_s)} / max({_ms(p.accelerator_s)}, {_ms(p.preprocessing_s)}, "
            f"{_ms(p.storage_s)}) = {100 * p.utilisation:.1f} %")


def _workers_working(s: Scenario) -> str:
    p = pipeline(s)
    rate = s["decode_rate"]
    return (f"ceil({s['batch']} images / ({_ms(p.accelerator_s)} x {rate:.0f} images/s)) = "
            f"{p.workers_needed:.0f} workers")


def _remote_working(s: Scenario) -> str:
    p, store = remote(s), catalog.get_storage(REMOTE)
    node = catalog.get_node(NODE[s["hardware"]])
    sample = catalog.get_assumption("imagenet-bytes-per-sample").value
    return (f"storage: {s['batch']} x {sample / 1e3:.0f} kB / ({store.read_bandwidth / 1e9:.2f} "
            f"GB/s / {node.accelerators} GPUs) = {_ms(p.storage_s)}; {_stages(p)}")


def _stage_options(cpu: str, gpu: str, storage: str) -> tuple[Option, ...]:
    """The three stages as options; each says why it binds and what picking it wrongly
    stands for."""
    return (Option("cpu", "CPU preprocessing", misconception=cpu,
                   why="the workers decode the batch more slowly than the GPU computes it"),
            Option("gpu", "GPU compute", misconception=gpu,
                   why="the GPU's step is the longest of the three stages"),
            Option("storage", "storage reads", misconception=storage,
                   why="the GPU's share of the storage link delivers a batch more slowly "
                       "than the GPU computes it"))


LAB = LabSpec(
    id="lab04", title="Starving the GPU",
    question="Why is my GPU utilisation only 40 %?",
    level="intermediate", walls=(8, 9, 10, 1),
    paths={"first-time": 5},
    scenario={"hardware": Choice(values=("a100", "v100", "h100"), default="a100"),
              # every stage scales with the batch: the catalog's batch, pinned
              "batch": Choice(values=(256,), default=256),
              "decode_rate": Choice(values=(DECODE_RATE.low, DECODE_RATE.value,
                                            DECODE_RATE.high), default=DECODE_RATE.value),
              "workers": Choice(values=(1, 2, 4), default=2),
              "efficiency": Choice(values=(EFFICIENCY.low, (EFFICIENCY.low + EFFICIENCY.high) / 2,
                                           EFFICIENCY.high), default=EFFICIENCY.value)},
    goals=("Compute the GPU time of a training step from its FLOPs and the fraction of "
           "peak it reaches (forward + backward = 3 forward passes).",
           "Find the stage that binds an overlapped pipeline and the GPU utilisation it "
           "leaves.",
           "Size the CPU workers that keep the GPU fed.",
           "Recognise when remote storage, shared by a node's GPUs, binds instead."),
    minutes=15,
    discussion=("nvidia-smi shows 30 % utilisation: what do you measure before buying "
                "faster GPUs?", "Why does a faster GPU need more CPU cores and more storage "
                "bandwidth to stay busy?"),
    items=(
        ChoiceItem("binding", "Which stage binds your step, with the data on the local NVMe "
                   "drive?", options=_stage_options(
                       cpu="image training is always starved by the CPU: with enough workers "
                           "the decode takes less than the GPU's step",
                       gpu="low utilisation means the GPU is too slow: a faster GPU would "
                           "idle even longer",
                       storage="a data stall is always the disk: compare the bytes per step "
                               "with the drive's bandwidth"),
                   key=lambda s: STAGE[str(pipeline(s).binding_wall)], working=_cpu_working),
        NumericItem("utilisation", "the GPU utilisation, GPU time / step time, with the data "
                    "on the local NVMe drive", unit="%",
                    key=lambda s: 100 * pipeline(s).utilisation,
                    working=_utilisation_working),
        NumericItem("workers_needed", "the number of CPU workers that keep your GPU fed",
                    unit="", key=lambda s: pipeline(s).workers_needed, tolerance=Count(),
                    hint="a whole number of workers", working=_workers_working),
        ChoiceItem("remote_binding", "The data moves to the object store that the node's "
                   "GPUs share, with twice the workers needed. Which stage binds?",
                   options=_stage_options(
                       cpu="more workers cannot fix a CPU stall: with twice the workers "
                           "needed the CPU takes half the GPU's time",
                       gpu="once the CPUs keep up the GPU binds: the node's GPUs share one "
                           "storage link",
                       storage="remote storage is always too slow: each GPU's share of the "
                               "link can deliver a batch within a slow enough GPU step"),
                   key=lambda s: STAGE[str(remote(s).binding_wall)], working=_remote_working),
    ))
