"""The sixteen labs and the learning paths through them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabEntry:
    id: str
    title: str
    question: str
    walls: tuple[int, ...]


LABS: tuple[LabEntry, ...] = (
    LabEntry("lab00", "Hello, Roofline", "Is my model memory-bound or compute-bound?", (1, 3)),
    LabEntry("lab01", "The Memory Wall", "Why doesn't 3.2x more FLOPS give 3.2x speedup?", (1, 3)),
    LabEntry("lab02", "Two Phases, One Request",
             "Why is LLM serving different from CNN inference?", (4, 1, 3)),
    LabEntry("lab03", "KV-Cache: The Hidden Tax", "What limits how many users I can serve?", (2, 5)),
    LabEntry("lab04", "Starving the GPU", "Why is my GPU utilisation only 40 %?", (8, 9, 10, 1)),
    LabEntry("lab05", "Quantization: Not a Free Lunch", "Does INT4 always give 4x speedup?",
             (12, 2, 3)),
    LabEntry("lab06", "Scaling to 1000 GPUs", "Where does training efficiency disappear at scale?",
             (14, 15, 16)),
    LabEntry("lab07", "Geography is a Systems Variable", "Does it matter where I train?",
             (17, 18, 19)),
    LabEntry("lab08", "The $9M Question", "How much does chain-of-thought reasoning cost?",
             (13, 4, 19)),
    LabEntry("lab09", "Where to Invest: Sensitivity", "Should I buy more FLOPS or more bandwidth?",
             (21, 22)),
    LabEntry("lab10", "GPU vs Wafer-Scale", "Can a different architecture change which wall binds?",
             (6, 3, 1)),
    LabEntry("lab11", "Design Space Exploration",
             "How do I search for the best configuration without nested loops?", (14, 15, 2)),
    LabEntry("lab12", "Full-Stack Audit: LLaMA-70B Training",
             "What does a complete systems analysis look like?", (1, 2, 11, 14, 15, 16, 17, 18, 19, 21)),
    LabEntry("lab13", "The Differential Explainer", "Why didn't the hardware upgrade help?",
             (1, 3, 21)),
    LabEntry("lab14", "Composable Pipelines & Callbacks", "How do I chain solvers and hook into them?",
             tuple(range(1, 23))),
    LabEntry("lab15", "Custom Hardware & Solvers", "How do I add a new accelerator or my own solver?",
             (1, 3)),
)

PATHS: dict[str, tuple[str, ...]] = {
    "first-time": ("lab00", "lab01", "lab02", "lab03", "lab04", "lab05", "lab07", "lab12"),
    "engineer": ("lab00", "lab01", "lab02", "lab03", "lab08", "lab09", "lab12"),
    "researcher": ("lab00", "lab01", "lab05", "lab09", "lab10", "lab06", "lab11", "lab12"),
    "conference": ("lab00", "lab01", "lab09", "lab06", "lab12"),
}


def get_lab(identifier: str) -> LabEntry:
    """A lab by id (``lab03``, ``03`` or ``3``)."""
    text = identifier.strip().lower().removeprefix("lab")
    if text.isdigit():
        text = f"lab{int(text):02d}"
    for lab in LABS:
        if lab.id == text:
            return lab
    raise LookupError(f"no lab {identifier!r}; labs are lab00 to lab{len(LABS) - 1:02d}")
