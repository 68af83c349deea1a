"""The 22 Systems Walls by number: the names every result's ``binding_wall`` uses."""

from __future__ import annotations

from typing import NamedTuple


class WallName(NamedTuple):
    number: int
    name: str
    domain: str


WALL_NAMES: tuple[WallName, ...] = (
    WallName(1, "compute throughput", "node"),
    WallName(2, "memory capacity", "node"),
    WallName(3, "memory bandwidth", "node"),
    WallName(4, "serving (prefill vs decode)", "node"),
    WallName(5, "batching and KV cache", "node"),
    WallName(6, "weight streaming", "node"),
    WallName(7, "tail latency", "node"),
    WallName(8, "data ingestion", "data"),
    WallName(9, "data transformation", "data"),
    WallName(10, "storage and locality", "data"),
    WallName(11, "scaling laws", "algorithm"),
    WallName(12, "compression and quantization", "algorithm"),
    WallName(13, "architecture efficiency and reasoning", "algorithm"),
    WallName(14, "communication", "fleet"),
    WallName(15, "synchronization", "fleet"),
    WallName(16, "reliability", "fleet"),
    WallName(17, "energy", "ops"),
    WallName(18, "sustainability", "ops"),
    WallName(19, "economic cost", "ops"),
    WallName(20, "safety and multi-tenancy", "ops"),
    WallName(21, "sensitivity", "analysis"),
    WallName(22, "synthesis", "analysis"),
)

#: Each domain's framing question: the one a lab of that domain answers for a student.
DOMAIN_QUESTIONS: dict[str, str] = {
    "node": "What limits a single accelerator?",
    "data": "Can the data pipeline keep the accelerators fed?",
    "algorithm": "How much work does the model itself demand?",
    "fleet": "What is lost when thousands of devices work as one?",
    "ops": "What does it cost in energy, carbon and money?",
    "analysis": "Where should the next improvement go?",
}

COMPUTE, CAPACITY, BANDWIDTH = (WALL_NAMES[i].name for i in (0, 1, 2))
WEIGHT_STREAMING = WALL_NAMES[5].name
COMMUNICATION = WALL_NAMES[13].name


def domain_of(number: int) -> str:
    """The domain of wall ``number`` (1-22)."""
    wall(number)
    return WALL_NAMES[number - 1].domain


def wall(number: int) -> str:
    """The name of wall ``number`` (1-22)."""
    if not 1 <= number <= len(WALL_NAMES):
        raise ValueError(f"walls are numbered 1 to {len(WALL_NAMES)}, got {number!r}")
    return WALL_NAMES[number - 1].name
