"""The prediction ledger: a lab's commits and reveals, kept in a file beside the
notebook (``<lab>.predictions.json``), so they outlive the kernel.

A commit is written the moment it is made; a kernel restart, re-running the set-up
cell, or closing and reopening the notebook reads it back, so a second commit of the
same item is refused and the reveal still knows what was committed. The file travels
with the submission (``nbgrader submit``, ``collect``, ``zip_collect`` copy the whole
assignment folder), and the grader reads it *before* any student code runs.

The file is a list of events, oldest first::

    {"event": "open", "student": "alice", "scenario": {...}, "time": ...}
    {"event": "commit", "item": "speedup", "answer": {"type": "number", "value": 3.2}, ...}
    {"event": "reveal", "item": "speedup", "time": ...}

The first ``open`` fixes the student whose scenario the notebook shows (set once, e.g.
by ``mlsysim-lab labs fetch LAB --student ID``); only the first commit of an item counts.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

SUFFIX = ".predictions.json"


def ledger_path(lab_id: str, folder: str | os.PathLike[str]) -> Path:
    """Where a lab's ledger lives in a folder."""
    return Path(folder) / f"{lab_id}{SUFFIX}"


class LedgerError(ValueError):
    """A ledger file that cannot be read or would be overwritten."""


@dataclass
class Ledger:
    """The events of one lab, and the file they are kept in (None: memory only)."""

    lab_id: str
    path: Path | None = None
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def read(cls, lab_id: str, folder: str | os.PathLike[str]) -> "Ledger":
        """The ledger in ``folder`` (empty if there is none yet)."""
        path = ledger_path(lab_id, folder)
        return cls(lab_id, path, load_events(path) if path.exists() else [])

    @classmethod
    def from_events(cls, lab_id: str, events: Iterable[Mapping[str, Any]]) -> "Ledger":
        """A read-only ledger from events captured elsewhere (the grader's copy)."""
        return cls(lab_id, None, sorted((dict(e) for e in events), key=_time))

    @property
    def opened(self) -> bool:
        return any(e.get("event") == "open" for e in self.events)

    @property
    def student(self) -> str | None:
        """The student whose scenario the notebook was worked with (first open)."""
        first = next((e for e in self.events if e.get("event") == "open"), None)
        student = first.get("student") if first else None
        return student if isinstance(student, str) and student else None

    def graded_as(self, enrolled: str) -> str | None:
        """Whose scenario is graded: the one the notebook was worked with, or the
        enrolled student's when it was never opened (as a hub would have shown it)."""
        return self.student if self.opened else enrolled

    def commits(self) -> dict[str, dict[str, Any]]:
        """The first commit event of each item."""
        first: dict[str, dict[str, Any]] = {}
        for event in self.events:
            if event.get("event") == "commit" and isinstance(event.get("item"), str):
                first.setdefault(event["item"], event)
        return first

    def revealed(self) -> set[str]:
        return {e["item"] for e in self.events
                if e.get("event") == "reveal" and isinstance(e.get("item"), str)}

    def record(self, event: str, **fields: Any) -> dict[str, Any]:
        """Append an event and write the file at once."""
        entry = {"event": event, "lab": self.lab_id, **fields, "time": time.time()}
        self.events.append(entry)
        self._write()
        return entry

    def _write(self) -> None:
        if self.path is None:
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(self.events, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)


def _time(event: Mapping[str, Any]) -> float:
    stamp = event.get("time")
    return float(stamp) if isinstance(stamp, (int, float)) else float("inf")


def load_events(path: Path) -> list[dict[str, Any]]:
    """The events in a ledger file; a clear error if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LedgerError(f"{path} is not a readable prediction ledger ({error}); "
                          "move it aside to start a new one (your committed predictions "
                          "are in it)") from None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise LedgerError(f"{path} is not a prediction ledger (expected a list of events)")
    return data
