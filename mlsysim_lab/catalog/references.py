"""The bibliography every zoo figure and solver default points into.

Each zoo module registers the references it cites with :func:`register`; a spec's
``sources`` mapping names them by key, and validation refuses a key that is not here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Reference(BaseModel):
    """A citable source: a datasheet, a paper or a standard."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2, description="vendor, venue or authors")
    year: int = Field(ge=1950, le=2100)
    url: str | None = None
    locator: str | None = Field(None, description="where in the source: table, page, section")

    def citation(self) -> str:
        where = f", {self.locator}" if self.locator else ""
        link = f" <{self.url}>" if self.url else ""
        return f"{self.publisher} ({self.year}). {self.title}{where}.{link}"


_REFERENCES: dict[str, Reference] = {}


def register(*references: Reference) -> None:
    """Add references; a key registered twice with different content is an error."""
    for reference in references:
        existing = _REFERENCES.get(reference.key)
        if existing is not None and existing != reference:
            raise ValueError(f"reference key {reference.key!r} registered twice")
        _REFERENCES[reference.key] = reference


def get(key: str) -> Reference:
    try:
        return _REFERENCES[key]
    except KeyError:
        raise LookupError(f"no reference with key {key!r}") from None


def is_known(key: str) -> bool:
    return key in _REFERENCES

