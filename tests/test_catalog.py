"""The zoo: validation, citations, lookup, and architecture-derived counts against the
published figures."""

import pytest

from mlsysim_lab import catalog
from mlsysim_lab.catalog import references
from mlsysim_lab.catalog.hardware import GB, TFLOPS, Accelerator
from mlsysim_lab.catalog.models import TransformerSpec

REQUIRED_HARDWARE = ["v100", "a100-40gb", "a100-80gb", "h100", "h100-pcie", "h200", "b200",
                     "mi300x", "tpu-v5e", "tpu-v5p", "l4", "t4", "jetson-agx-orin"]
REQUIRED_MODELS = ["resnet-50", "mobilenet-v2", "bert-base", "gpt2-xl", "gpt3-175b",
                   "llama-2-7b", "llama-2-70b", "llama-3-8b", "llama-3-70b", "llama-3.1-405b",
                   "mixtral-8x7b"]


@pytest.mark.parametrize("identifier", REQUIRED_HARDWARE)
def test_required_hardware_is_in_the_zoo(identifier):
    assert catalog.get_hardware(identifier).kind in {"gpu", "tpu", "edge"}


def test_zoo_has_a_microcontroller_and_a_wafer_scale_system():
    kinds = {spec.kind for spec in catalog.hardware}
    assert {"mcu", "wafer"} <= kinds
    wafers = [spec for spec in catalog.hardware if isinstance(spec, catalog.WaferScaleSystem)]
    assert wafers and all(w.injection_bandwidth < w.memory_bandwidth for w in wafers)


@pytest.mark.parametrize("identifier", REQUIRED_MODELS)
def test_required_models_are_in_the_zoo(identifier):
    assert catalog.get_model(identifier).total_params > 0


@pytest.mark.parametrize("spec", list(catalog.hardware) + list(catalog.models), ids=lambda s: s.id)
def test_every_figure_cites_a_registered_source(spec):
    for field in spec.CITED_FIELDS:
        if getattr(spec, field) is not None:
            reference = references.get(spec.sources[field])
            assert reference.title and reference.year


@pytest.mark.parametrize("spec", list(catalog.models), ids=lambda s: s.id)
def test_derived_parameter_count_matches_the_published_one(spec):
    assert spec.total_params == pytest.approx(spec.published_params, rel=0.02)


def test_moe_active_parameters_match_the_published_figure():
    mixtral = catalog.get_model("mixtral")
    assert mixtral.active_params == pytest.approx(mixtral.published_active_params, rel=0.02)
    assert mixtral.active_params < mixtral.total_params / 3


@pytest.mark.parametrize("identifier", ["resnet-50", "mobilenet-v2"])
def test_cnn_macs_match_the_published_figure(identifier):
    spec = catalog.get_model(identifier)
    assert spec.macs_per_sample == pytest.approx(spec.published_macs, rel=0.02)
    assert spec.flops_per_sample == 2 * spec.macs_per_sample  # one MAC = two FLOPs


def test_llama3_8b_kv_cache_is_128_kib_per_token_in_fp16():
    # Dubey et al. 2024, Table 3: 32 layers, 8 KV heads, head_dim 4096/32 = 128;
    # 2 (K,V) x 32 x 8 x 128 x 2 bytes = 131,072 bytes.
    assert catalog.get_model("llama-3-8b").kv_bytes_per_token(2.0) == 2 * 32 * 8 * 128 * 2


def test_gqa_shrinks_the_kv_cache_by_the_head_ratio():
    llama2_70b = catalog.get_model("llama-2-70b")
    no_gqa = llama2_70b.model_copy(update={"kv_heads": llama2_70b.heads})
    no_gqa = TransformerSpec.model_validate(no_gqa.model_dump())
    assert no_gqa.kv_bytes_per_token() == 8 * llama2_70b.kv_bytes_per_token()


@pytest.mark.parametrize("typed, expected", [
    ("Llama-3-8B", "llama-3-8b"), ("llama3-8b", "llama-3-8b"), ("LLAMA 3 8B", "llama-3-8b"),
    ("mixtral", "mixtral-8x7b"), ("ResNet50", "resnet-50")])
def test_model_lookup_ignores_case_and_punctuation(typed, expected):
    assert catalog.get_model(typed).id == expected


@pytest.mark.parametrize("typed, expected", [
    ("h100", "h100-sxm"), ("H100 SXM", "h100-sxm"), ("a100", "a100-80gb-sxm"),
    ("h100-pcie", "h100-pcie"), ("A100_40GB", "a100-40gb-sxm")])
def test_short_hardware_names_resolve_to_the_usual_part(typed, expected):
    assert catalog.get_hardware(typed).id == expected


def test_unknown_id_lists_close_matches():
    with pytest.raises(catalog.UnknownIdError, match="llama-3-8b"):
        catalog.get_model("lama-3-8b")


def test_ambiguous_id_lists_the_candidates():
    with pytest.raises(catalog.AmbiguousIdError, match="llama-3-70b.*llama-3-8b"):
        catalog.get_model("llama-3")


def _spec(**overrides):
    fields = dict(id="test-gpu", name="Test GPU", vendor="Test", kind="gpu", year=2024,
                  peak_flops={"fp16": 100 * TFLOPS}, memory_capacity=10 * GB,
                  memory_bandwidth=1000 * GB, memory_type="HBM",
                  sources={"peak_flops": "he2016-resnet", "memory_capacity": "he2016-resnet",
                           "memory_bandwidth": "he2016-resnet"})
    fields.update(overrides)
    return Accelerator(**fields)


def test_a_valid_custom_spec_builds():
    assert _spec().ridge_point("fp16") == pytest.approx(100.0)


@pytest.mark.parametrize("overrides, message", [
    ({"memory_bandwidth": -1.0}, "greater than 0"),
    ({"peak_flops": {"fp16": 0.0}}, "positive"),
    ({"peak_flops": {"fp12": 1.0}}, "unknown precision"),
    ({"tdp": 300.0}, "has no source"),
    ({"sources": {"peak_flops": "no-such-paper", "memory_capacity": "he2016-resnet",
                  "memory_bandwidth": "he2016-resnet"}}, "not a registered reference"),
])
def test_invalid_specs_are_rejected(overrides, message):
    with pytest.raises(ValueError, match=message):
        _spec(**overrides)


def test_specs_are_frozen():
    with pytest.raises(Exception):
        catalog.get_hardware("h100").memory_bandwidth = 1.0


def test_asking_for_a_missing_peak_is_an_error_not_a_fallback():
    with pytest.raises(ValueError, match="INT4"):
        catalog.get_hardware("h100").peak("int4")


def test_figures_convert_to_quantities():
    bandwidth = catalog.get_hardware("h100").quantity("memory_bandwidth")
    assert bandwidth.to("TB/s").magnitude == pytest.approx(3.35)


def test_a_device_replaced_in_the_zoo_is_not_served_from_a_stale_cache():
    from mlsysim_lab.walls.node import decode_step

    original = catalog.get_hardware("l4")
    before = decode_step("llama-3-8b", "l4", batch=1, context=128).latency_s
    try:
        catalog.hardware.add(original.model_copy(update={
            "memory_bandwidth": original.memory_bandwidth * 2}))
        after = decode_step("llama-3-8b", "l4", batch=1, context=128).latency_s
        assert after < before
    finally:
        catalog.hardware.add(original)
    assert decode_step("llama-3-8b", "l4", batch=1, context=128).latency_s == before


@pytest.mark.parametrize("kind, registry", [
    ("hardware", "hardware"), ("models", "models"), ("fabrics", "fabrics"),
    ("nodes", "nodes"), ("clusters", "clusters"), ("storage", "storage_tiers"),
    ("regions", "regions"), ("assumptions", "assumptions")])
def test_zoo_command_lists_every_table_as_text_and_json(capsys, kind, registry):
    import json

    from mlsysim_lab.cli import main

    ids = [spec.id for spec in getattr(catalog, registry)]
    assert main(["zoo", kind, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in rows] == ids and all(row["sources"] for row in rows)
    assert main(["zoo", kind]) == 0
    text = capsys.readouterr().out
    assert all(i in text for i in ids)


def test_capacities_are_recorded_as_printed_and_prices_carry_dates():
    assert catalog.get_hardware("tpu-v4").memory_capacity == 32 * 2**30      # "32 GiB"
    assert catalog.get_hardware("tpu-v5p").memory_capacity == 95 * 2**30     # "95 GiB"
    assert catalog.get_hardware("tpu-v5e").memory_capacity == 16e9           # "16 GB"
    for node in catalog.nodes:
        assert (node.cloud_price_per_hour is None) == (node.cloud_price_date is None), node.id
    # The A100 80GB node is not priced with the 40GB part's figures.
    assert catalog.get_node("dgx-a100").cloud_price_per_hour is None
    assert catalog.get_node("dgx-a100-40gb").accelerator == "a100-40gb-sxm"


@pytest.mark.parametrize("model, layers, params", [("bloom-176b", 70, 176.247e9),
                                                    ("opt-175b", 96, 175e9)])
def test_bloom_and_opt_derive_their_published_size(model, layers, params):
    spec = catalog.get_model(model)
    assert spec.layers == layers and spec.total_params == pytest.approx(params, rel=0.01)
