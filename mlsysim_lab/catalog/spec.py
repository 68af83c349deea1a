"""The base of every zoo entry: a frozen, validated spec whose figures cite sources."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlsysim_lab.catalog import references


class CitedSpec(BaseModel):
    """A frozen spec. Every figure named in ``CITED_FIELDS`` that is set must have an
    entry in ``sources`` (field name -> reference key), and every key must resolve."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Figures that must carry a source when present (set by subclasses).
    CITED_FIELDS: ClassVar[tuple[str, ...]] = ()
    #: Base unit of each numeric field, for :meth:`quantity`.
    FIELD_UNITS: ClassVar[dict[str, str]] = {}

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", description="canonical id")
    name: str = Field(min_length=2)
    aliases: tuple[str, ...] = ()
    sources: dict[str, str] = Field(description="field name -> reference key")
    notes: str = ""

    @model_validator(mode="after")
    def _every_figure_is_cited(self) -> "CitedSpec":
        for field in self.CITED_FIELDS:
            if getattr(self, field) is not None and field not in self.sources:
                raise ValueError(f"{self.id}: figure {field!r} has no source")
        for field, key in self.sources.items():
            if field not in type(self).model_fields and not hasattr(self, field):
                raise ValueError(f"{self.id}: source given for unknown field {field!r}")
            if not references.is_known(key):
                raise ValueError(f"{self.id}: source {key!r} for {field!r} is not a "
                                 "registered reference")
        return self

    def quantity(self, field: str) -> Any:
        """A figure as a pint quantity in its base unit (``hw.quantity("memory_bandwidth")``)."""
        from mlsysim_lab.units import quantity

        if field not in self.FIELD_UNITS:
            raise KeyError(f"{field!r} is not a numeric figure of {type(self).__name__}; "
                           f"choose from {', '.join(self.FIELD_UNITS)}")
        return quantity(getattr(self, field), self.FIELD_UNITS[field])

    def citation(self, field: str) -> str:
        """The full citation for one figure."""
        return references.get(self.sources[field]).citation()
