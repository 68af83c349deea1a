"""Lab 04: the spec (title, question, scenario, items). Every key is a call into the solver."""

import numpy as np

from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, LabSpec,
                                 NumericItem, Option)
from mlsysim_lab.walls import names
from mlsysim_lab.walls.data.ingestion import accelerator_utilisation, input_pipeline

MODEL = "resnet-50"
#: The node whose network ports read the remote tier and whose GPUs share it. The zoo has
#: no V100 server; the DGX A100 stands in (only its 8 GPUs and its ports matter, and its
#: ports are far faster than the object store).
NODE = {"a100": "dgx-a100", "v100": "dgx-a100", "h100": "dgx-h100"}
REMOTE = "object-store"
#: Binding wall of the input pipeline -> the option label students pick.
STAGE = {names.COMPUTE: "gpu", names.wall(9): "cpu", names.wall(10): "storage"}
SHARERS = np.arange(1, 257)


def utilisation(t_acc: float, t_cpu: float, t_io: float) -> float:
    """Accelerator utilisation = t_acc / max(t_acc, t_cpu, t_io): the share of a step the
    accelerator computes while prefetching overlaps the three stages, from
    :func:`accelerator_utilisation`."""
    return float(accelerator_utilisation(t_acc, t_cpu, t_io))


def pipeline(s, **overrides):
    """The student's training step (local NVMe, their CPU workers) unless overridden."""
    kwargs = {"batch": s["batch"], "workers": s["workers"], **overrides}
    return input_pipeline(MODEL, s["hardware"], **kwargs)


def plenty_of_workers(s) -> float:
    """Twice the workers the GPU needs: the CPU stage is then far from binding."""
    return 2 * pipeline(s).workers_needed


def remote(s, **overrides):
    """The step with enough CPU workers, reading from the object store that the node's
    GPUs share (default: all of its GPUs)."""
    return pipeline(s, workers=plenty_of_workers(s), storage=REMOTE, node=NODE[s["hardware"]],
                    **overrides)


def max_sharers(s) -> float:
    """The most GPUs that can share the node's object-store link before storage binds."""
    sweep = remote(s, sharers=SHARERS)
    return float(SHARERS[sweep.storage_s <= sweep.accelerator_s].max())


LAB = LabSpec(
    id="lab04", title="Starving the GPU",
    question="Why is my GPU utilisation only 40 %?",
    level="intermediate", walls=(8, 9, 10, 1),
    paths={"first-time": 5},
    scenario={"hardware": Choice(values=("a100", "v100", "h100"), default="a100"),
              "batch": Choice(values=(128, 192, 256), default=256),
              "workers": Choice(values=(3, 4, 6), default=6)},
    goals=("Compute the accelerator time of a training step from the roofline (forward + "
           "backward = 3 forward passes).",
           "Compute the CPU preprocessing time of a batch from a per-core decode rate.",
           "Explain GPU utilisation as accelerator time / step time with overlapped stages.",
           "Size the CPU workers that keep the GPU fed.",
           "Recognise when remote storage, shared by a node's GPUs, binds instead."),
    minutes=45,
    discussion=("nvidia-smi shows 30 % utilisation: what do you measure before buying "
                "faster GPUs?", "Why does a faster GPU need more CPU cores and more storage "
                "bandwidth to stay busy?"),
    items=(
        NumericItem("gpu_step",
                    "the accelerator time of one training step (forward + "
                    "backward) at your batch", unit="s",
                    key=lambda s: pipeline(s).accelerator_s, tolerance=Banded(),
                    hint="seconds, or a string with a unit such as 'ms'"),
        NumericItem("cpu_time",
                    "the time your workers take to decode one batch", unit="s", key=lambda s: pipeline(s).preprocessing_s,
                    tolerance=Banded(),
                    hint="seconds, or a string with a unit such as 'ms'"),
        NumericItem("utilisation",
                    "the GPU utilisation, accelerator time / step time, with "
                    "the data on the local NVMe drive",
                    unit="", key=lambda s: pipeline(s).utilisation, tolerance=Banded(),
                    hint="a fraction, not a percentage"),
        ChoiceItem("binding",
                   "Which stage binds your step?", options=(
            Option("cpu", "CPU preprocessing",
                   why="the workers decode JPEGs slower than the GPU consumes them"),
            Option("gpu", "the GPU's compute",
                   misconception="low GPU utilisation means the GPU is too slow: a faster "
                                 "GPU would idle even longer"),
            Option("storage", "reading the files from storage",
                   misconception="a data stall is always the disk: compare the bytes per "
                                 "step with the drive's bandwidth")),
            key=lambda s: STAGE[str(pipeline(s).binding_wall)]),
        NumericItem("workers_needed",
                    "the number of CPU workers that keep your GPU fed",
                    unit="", key=lambda s: pipeline(s).workers_needed, tolerance=Banded(),
                    hint="a whole number of workers"),
        NumericItem("remote_io",
                    "the storage time per step when the node's GPUs all read "
                    "from the object store", unit="s", key=lambda s: remote(s).storage_s,
                    tolerance=Banded(),
                    hint="seconds, or a string with a unit such as 'ms'"),
        ChoiceItem("remote_binding",
                   "With twice the workers you need, which stage binds?", options=(
            Option("storage", "storage",
                   why="each GPU's share of the object-store link cannot deliver a batch within a GPU step",
                   misconception="remote storage is always too slow: compare the bytes per "
                                 "step with each GPU's share of the link"),
            Option("gpu", "the GPU's compute",
                   misconception="once the CPUs keep up the GPU binds: the node's GPUs "
                                 "share one storage link"),
            Option("cpu", "CPU preprocessing",
                   misconception="more workers cannot fix a CPU stall: with twice the "
                                 "workers needed the CPU takes about half the GPU time")),
            key=lambda s: STAGE[str(remote(s).binding_wall)]),
        NumericItem("max_sharers",
                    "the most GPUs that can share the node's object-store link "
                    "before storage binds (with enough CPU workers)", unit="", key=max_sharers,
                    tolerance=Banded(),
                    hint="a whole number of GPUs"),
        FunctionItem("utilisation_fn",
                     "`utilisation_of(t_acc, t_cpu, t_io)`, the share of a step"
                     " the accelerator computes when the three stages overlap",
                     reference=utilisation,
                     arguments={"t_acc": FloatRange(1e-4, 10.0), "t_cpu": FloatRange(1e-4, 10.0),
                                "t_io": FloatRange(1e-4, 10.0)},
                     variable="utilisation_of"),
    ))
