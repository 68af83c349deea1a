"""The zoo: validated specs of hardware and models, each figure with a cited source.

Look entries up the way people type them: ``get_hardware("h100")``,
``get_model("Llama-3-8B")``. Unknown ids raise :class:`UnknownIdError` with close
matches; ambiguous ones raise :class:`AmbiguousIdError` with the candidates.
"""

from __future__ import annotations

from mlsysim_lab.catalog.hardware import Accelerator, WaferScaleSystem
from mlsysim_lab.catalog.infrastructure import (Assumption, Cluster, Fabric, Node, Region,
                                                StorageTier)
from mlsysim_lab.catalog.models import ConvNetSpec, ModelSpec, TransformerSpec
from mlsysim_lab.catalog.references import Reference
from mlsysim_lab.catalog.registry import AmbiguousIdError, Registry, UnknownIdError
from mlsysim_lab.catalog.zoo.assumptions import ASSUMPTIONS
from mlsysim_lab.catalog.zoo.hardware import HARDWARE
from mlsysim_lab.catalog.zoo.infrastructure import (CLUSTERS, FABRICS, NODES, REGIONS,
                                                    STORAGE_TIERS)
from mlsysim_lab.catalog.zoo.models import MODELS


def _registry(kind: str, specs: tuple) -> Registry:
    registry: Registry = Registry(kind)
    for spec in specs:
        registry.add(spec)
    return registry


hardware: Registry[Accelerator] = _registry("hardware", HARDWARE)
models: Registry[ModelSpec] = _registry("models", MODELS)
fabrics: Registry[Fabric] = _registry("fabrics", FABRICS)
nodes: Registry[Node] = _registry("nodes", NODES)
clusters: Registry[Cluster] = _registry("clusters", CLUSTERS)
storage_tiers: Registry[StorageTier] = _registry("storage", STORAGE_TIERS)
regions: Registry[Region] = _registry("regions", REGIONS)
assumptions: Registry[Assumption] = _registry("assumptions", ASSUMPTIONS)


def get_hardware(identifier: str | Accelerator) -> Accelerator:
    """An accelerator by id, alias or unique prefix (or the spec itself)."""
    return hardware.get(identifier)


def get_model(identifier: str | ModelSpec) -> ModelSpec:
    """A model by id, alias or unique prefix (or the spec itself)."""
    return models.get(identifier)


def get_fabric(identifier: str | Fabric) -> Fabric:
    return fabrics.get(identifier)


def get_node(identifier: str | Node) -> Node:
    return nodes.get(identifier)


def get_cluster(identifier: str | Cluster) -> Cluster:
    return clusters.get(identifier)


def get_storage(identifier: str | StorageTier) -> StorageTier:
    return storage_tiers.get(identifier)


def get_region(identifier: str | Region) -> Region:
    return regions.get(identifier)


def get_assumption(identifier: str) -> Assumption:
    """A cited default (``get_assumption("mfu-training-dense").value``)."""
    return assumptions.get(identifier)


__all__ = ["Accelerator", "Assumption", "Cluster", "Fabric", "Node", "Region", "StorageTier", "AmbiguousIdError", "ConvNetSpec", "ModelSpec", "Reference",
           "Registry", "TransformerSpec", "UnknownIdError", "WaferScaleSystem",
           "assumptions", "clusters", "fabrics", "get_assumption", "get_cluster",
           "get_fabric", "get_hardware", "get_model", "get_node", "get_region", "get_storage",
           "hardware", "models", "nodes", "regions", "storage_tiers"]
