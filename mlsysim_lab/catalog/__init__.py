"""The zoo: validated specs of hardware and models, each figure with a cited source.

Look entries up the way people type them: ``get_hardware("h100")``,
``get_model("Llama-3-8B")``. Unknown ids raise :class:`UnknownIdError` with close
matches; ambiguous ones raise :class:`AmbiguousIdError` with the candidates.
"""

from __future__ import annotations

from mlsysim_lab.catalog.hardware import Accelerator, WaferScaleSystem
from mlsysim_lab.catalog.models import ConvNetSpec, ModelSpec, TransformerSpec
from mlsysim_lab.catalog.references import Reference
from mlsysim_lab.catalog.registry import AmbiguousIdError, Registry, UnknownIdError
from mlsysim_lab.catalog.zoo.hardware import HARDWARE
from mlsysim_lab.catalog.zoo.models import MODELS

hardware: Registry[Accelerator] = Registry("hardware")
models: Registry[ModelSpec] = Registry("models")
for _spec in HARDWARE:
    hardware.add(_spec)
for _spec in MODELS:
    models.add(_spec)


def get_hardware(identifier: str | Accelerator) -> Accelerator:
    """An accelerator by id, alias or unique prefix (or the spec itself)."""
    return hardware.get(identifier)


def get_model(identifier: str | ModelSpec) -> ModelSpec:
    """A model by id, alias or unique prefix (or the spec itself)."""
    return models.get(identifier)


__all__ = ["Accelerator", "AmbiguousIdError", "ConvNetSpec", "ModelSpec", "Reference",
           "Registry", "TransformerSpec", "UnknownIdError", "WaferScaleSystem",
           "get_hardware", "get_model", "hardware", "models"]
