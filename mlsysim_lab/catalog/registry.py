"""Id lookup as people type ids: case and punctuation do not matter, short names resolve
to the usual part, unknown ids suggest close matches, ambiguous ones list candidates."""

from __future__ import annotations

import difflib
import functools
import re
from typing import Generic, Iterator, TypeVar

from mlsysim_lab.catalog.spec import CitedSpec

SpecT = TypeVar("SpecT", bound=CitedSpec)

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@functools.lru_cache(maxsize=1024)
def normalize(identifier: str) -> str:
    """``"Llama-3-8B"``, ``"llama3_8b"`` and ``"LLaMA 3 8B"`` all become ``"llama38b"``."""
    return _NOT_ALNUM.sub("", identifier.lower())


class UnknownIdError(LookupError):
    """No entry matches the id; the message lists close matches."""


class AmbiguousIdError(LookupError):
    """The id is a prefix of several entries; the message lists them."""


class Registry(Generic[SpecT]):
    """An ordered collection of specs of one kind, looked up by id or alias."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._specs: dict[str, SpecT] = {}
        self._keys: dict[str, str] = {}
        self.version = 0   # bumped by every add: caches keyed on it never go stale

    def add(self, spec: SpecT) -> SpecT:
        for key in (spec.id, *spec.aliases):
            normal = normalize(key)
            owner = self._keys.get(normal)
            if owner is not None and owner != spec.id:
                raise ValueError(f"{self.kind} id/alias {key!r} already names {owner!r}")
            self._keys[normal] = spec.id
        self._specs[spec.id] = spec
        self.version += 1
        return spec

    def get(self, identifier: str | SpecT) -> SpecT:
        """Resolve an id, an alias or a unique prefix; pass a spec through unchanged."""
        if isinstance(identifier, CitedSpec):
            return identifier  # type: ignore[return-value]
        if not isinstance(identifier, str):
            raise TypeError(f"{self.kind} id must be a string, got {identifier!r}")
        normal = normalize(identifier)
        if normal in self._keys:
            return self._specs[self._keys[normal]]
        owners = sorted({owner for key, owner in self._keys.items()
                         if normal and key.startswith(normal)})
        if len(owners) == 1:
            return self._specs[owners[0]]
        if owners:
            raise AmbiguousIdError(f"{self.kind} {identifier!r} is ambiguous: "
                                   f"{', '.join(owners)}")
        close = difflib.get_close_matches(normal, self._keys, n=4, cutoff=0.5)
        hint = (f"; did you mean {', '.join(dict.fromkeys(self._keys[c] for c in close))}?"
                if close else "")
        raise UnknownIdError(f"unknown {self.kind} {identifier!r}{hint} "
                             f"(list them with `mlsysim-lab zoo {self.kind}`)")

    def __iter__(self) -> Iterator[SpecT]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, identifier: object) -> bool:
        return isinstance(identifier, str) and normalize(identifier) in self._keys

    def ids(self) -> list[str]:
        return list(self._specs)
