"""Stable pseudonyms for student ids, so a class dashboard can be shared without names.

A pseudonym is a keyed hash of the id, ``HMAC-SHA256(salt, id)``, shown as ``anon-`` and
its first 10 hex digits (40 bits: two students of a 10,000-student course collide with
probability about 5e-5). The salt is 32 random bytes kept in the course folder
(``.pseudonym-salt``, created on first use, readable by its owner only), so the same id
gets the same pseudonym in every run and every lab of a course, and nobody without the
salt can test a guessed id against a pseudonym. Keep the salt with the gradebook: it
is as private as the ids it hides. Reference: RFC 2104 (HMAC).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Iterable

SALT_FILE = ".pseudonym-salt"


def course_salt(course: str | Path) -> bytes:
    """The course's salt, created (owner-readable only) the first time it is asked for."""
    path = Path(course) / SALT_FILE
    if not path.exists():
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:   # another grader created it meanwhile
            pass
        except OSError as error:
            raise ValueError(f"cannot create the pseudonym salt {path}: {error.strerror}") from None
        else:
            with os.fdopen(handle, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
    text = path.read_text().strip()
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise ValueError(f"{path} is not a pseudonym salt (64 hex digits); restore it from "
                         "a backup, or delete it to start new pseudonyms")
    return bytes.fromhex(text)


class Pseudonyms:
    """Student id -> pseudonym under one salt; ``scrub`` hides ids inside free text."""

    def __init__(self, salt: bytes) -> None:
        self._salt = salt

    @classmethod
    def for_course(cls, course: str | Path) -> "Pseudonyms":
        return cls(course_salt(course))

    def __call__(self, student: str) -> str:
        digest = hmac.new(self._salt, student.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"anon-{digest[:10]}"

    def scrub(self, text: str, students: Iterable[str]) -> str:
        """``text`` with every whole-word occurrence of a listed id replaced by its
        pseudonym (an id inside a longer name, e.g. ``ann`` in ``anna``, is left alone)."""
        ids = sorted({s for s in students if s}, key=len, reverse=True)
        if not ids:
            return text
        pattern = re.compile(r"(?<![\w@.-])(" + "|".join(map(re.escape, ids)) + r")(?![\w@-])")
        return pattern.sub(lambda match: self(match.group(1)), text)
