"""Walls 1-4: the roofline, decode and prefill steps, whole requests, tensor parallelism.

Golden values come from datasheets and model cards (cited inline); the rest are
physics invariants checked with hypothesis."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlsysim_lab import catalog
from mlsysim_lab.units import UnitError, quantity
from mlsysim_lab.walls.node import (Efficiency, decode_step, forward_pass, grid, prefill,
                                    request_latency, roofline)
from mlsysim_lab.walls.node.serving import _sum_of_max_linear

H100 = catalog.get_hardware("h100")
LLAMA3_8B = catalog.get_model("llama-3.1-8b")

batches = st.integers(min_value=1, max_value=512)
contexts = st.integers(min_value=0, max_value=16384)
devices_list = ["a100", "h100", "h200", "b200", "mi300x", "l4"]


# --- golden values -----------------------------------------------------------------
@pytest.mark.parametrize("device, peak, bandwidth", [
    ("a100-80gb-sxm", 312e12, 2.039e12),   # NVIDIA A100 datasheet: 312 TFLOPS FP16, 2,039 GB/s
    ("h100-sxm", 989.4e12, 3.35e12),       # NVIDIA H100 datasheet: 1,979 sparse / 2, 3.35 TB/s
    ("h200-sxm", 989.4e12, 4.8e12),        # NVIDIA H200: H100 compute, 4.8 TB/s
])
def test_ridge_point_is_peak_over_bandwidth_from_the_datasheet(device, peak, bandwidth):
    result = decode_step("llama-3.1-8b", device, batch=1, context=128)
    assert result.ridge_point == pytest.approx(peak / bandwidth, rel=0.01)


@pytest.mark.parametrize("device", ["a100", "h100", "h200"])
def test_batch_one_decode_is_about_weight_bytes_over_bandwidth(device):
    # Llama 3 8B: 8.03 B parameters (model card) x 2 bytes in FP16, streamed every step,
    # except the 128,256 x 4,096 input embedding table (Dubey et al. 2024), of which a
    # step reads one row.
    spec = catalog.get_hardware(device)
    streamed = (8.03e9 - 128256 * 4096) * 2 / spec.memory_bandwidth
    result = decode_step("llama-3.1-8b", device, batch=1, context=128)
    assert result.bottleneck == "memory"
    assert result.latency_s == pytest.approx(streamed, rel=0.02)
    assert result.latency_s == pytest.approx(8.03e9 * 2 / spec.memory_bandwidth, rel=0.08)


def test_upgrade_a100_to_h100_tracks_bandwidth_not_flops_at_batch_one():
    a100, h100 = (decode_step("llama-3.1-8b", d, batch=1, context=512) for d in ("a100", "h100"))
    speedup = a100.latency_s / h100.latency_s
    bandwidth_ratio = 3.35e12 / 2.039e12  # datasheets
    assert speedup == pytest.approx(bandwidth_ratio, rel=0.03)
    assert speedup < 0.6 * (989.4 / 312)  # nowhere near the FLOPS ratio


def test_prefill_of_a_long_prompt_is_compute_bound_and_decode_is_not():
    assert prefill("llama-3.1-8b", "h100", prompt_tokens=2048).bottleneck == "compute"
    assert decode_step("llama-3.1-8b", "h100", context=2048).bottleneck == "memory"


def test_short_context_decode_turns_compute_bound_near_the_ridge_batch():
    ridge = H100.ridge_point("fp16")
    low, high = (decode_step("llama-3.1-8b", "h100", batch=int(b), context=128)
                 for b in (ridge / 2, 2 * ridge))
    assert (low.bottleneck, high.bottleneck) == ("memory", "compute")


def test_long_context_decode_stays_memory_bound_at_every_batch_that_fits():
    result = decode_step("llama-3.1-8b", "h100", batch=np.arange(1, 64), context=32768)
    assert np.all(result.bottleneck[result.feasible] == "memory")
    assert not np.all(result.feasible)  # and the batch eventually runs out of memory


def test_weight_only_int4_speeds_up_memory_bound_decode_but_not_compute_bound_prefill():
    base = decode_step("llama-3.1-8b", "h100", batch=1, context=256)
    w4 = decode_step("llama-3.1-8b", "h100", batch=1, context=256, precision="w4a16")
    assert 3.0 < base.latency_s / w4.latency_s < 4.0
    p16 = prefill("llama-3.1-8b", "h100", prompt_tokens=4096)
    p4 = prefill("llama-3.1-8b", "h100", prompt_tokens=4096, precision="w4a16")
    assert p16.latency_s / p4.latency_s == pytest.approx(1.0, abs=0.01)


def test_an_int8_kv_cache_halves_kv_traffic_and_footprint():
    fp16 = decode_step("llama-3.1-8b", "h100", batch=16, context=16384)
    int8 = decode_step("llama-3.1-8b", "h100", batch=16, context=16384, kv_precision="int8")
    kv_fp16 = 16 * 16385 * 131072  # Llama 3 8B: 128 KiB per token in FP16
    assert fp16.roofline.bytes_moved - int8.roofline.bytes_moved == pytest.approx(kv_fp16 / 2)
    assert fp16.memory_bytes - int8.memory_bytes == pytest.approx(kv_fp16 / 2)


def test_a_precision_the_device_lacks_is_an_error():
    with pytest.raises(ValueError, match="INT4"):
        decode_step("llama-3.1-8b", "h100", precision="int4")
    with pytest.raises(ValueError, match="V100"):
        decode_step("llama-3.1-8b", ["h100", "v100"], precision="bf16")


def test_moe_decode_reads_active_experts_at_batch_one_and_nearly_all_at_large_batch():
    one = decode_step("mixtral-8x7b", "h200", batch=1, context=128)
    many = decode_step("mixtral-8x7b", "h200", batch=256, context=128)
    mixtral = catalog.get_model("mixtral")
    weights_one = one.roofline.bytes_moved - 2 * 129 * mixtral.kv_bytes_per_token()
    assert weights_one < 0.35 * mixtral.total_params * 2
    assert many.memory_s > 2.5 * one.memory_s


def test_tensor_parallelism_makes_70b_fit_and_adds_communication():
    single = decode_step("llama-3-70b", "h100", batch=8, context=2048)
    eight = decode_step("llama-3-70b", "h100", batch=8, context=2048, devices=8)
    assert not single.feasible and math.isnan(single.latency_s)
    assert single.binding_wall == "memory capacity"
    assert eight.feasible and eight.communication_s > 0
    assert eight.latency_s >= eight.communication_s + max(eight.compute_s, eight.memory_s) - 1e-15


def test_tensor_parallelism_needs_a_scale_up_link():
    unlinked = H100.model_copy(update={"scale_up_bandwidth": None})
    assert decode_step("llama-3.1-8b", unlinked, devices=1).feasible
    with pytest.raises(ValueError, match="scale-up link"):
        decode_step("llama-3.1-8b", unlinked, devices=2)


def test_cnn_forward_turns_compute_bound_with_batch():
    result = forward_pass("resnet-50", "a100", batch=np.array([1, 256]))
    assert result.bottleneck.tolist() == ["memory", "compute"]
    assert np.all(np.diff(result.arithmetic_intensity) > 0)


def test_wrong_phase_for_the_model_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="CNN"):
        decode_step("resnet-50", "a100")
    with pytest.raises(ValueError, match="encoder"):
        decode_step("bert-base", "a100")
    with pytest.raises(ValueError, match="transformer"):
        forward_pass("llama-3.1-8b", "a100")


@pytest.mark.parametrize("kwargs", [
    {"context": quantity(3, "s")}, {"batch": 0}, {"batch": 2.5}, {"batch": "many"},
    {"devices": -1}, {"context": math.nan}])
def test_bad_inputs_raise_unit_errors(kwargs):
    with pytest.raises(UnitError):
        decode_step("llama-3.1-8b", "h100", **kwargs)


def test_quantities_are_accepted_at_the_boundary():
    plain = decode_step("llama-3.1-8b", "h100", context=2048)
    as_quantity = decode_step("llama-3.1-8b", "h100", context=quantity(2048, "token"))
    assert as_quantity.latency_s == plain.latency_s


@pytest.mark.parametrize("name, value", [("compute_efficiency", 0.0),
                                         ("bandwidth_efficiency", 1.5), ("overhead_s", -1.0)])
def test_efficiencies_are_validated(name, value):
    with pytest.raises(UnitError, match=name):
        Efficiency(**{name: value})


def test_every_efficiency_knob_moves_the_result():
    base = decode_step("llama-3.1-8b", "h100", batch=1024, context=128)
    assert base.bottleneck == "compute"
    slower_compute = decode_step("llama-3.1-8b", "h100", batch=1024, context=128,
                                 efficiency=Efficiency(compute_efficiency=0.5))
    assert slower_compute.latency_s == pytest.approx(2 * base.latency_s)
    low = decode_step("llama-3.1-8b", "h100", batch=1, context=128)
    slower_memory = decode_step("llama-3.1-8b", "h100", batch=1, context=128,
                                efficiency=Efficiency(bandwidth_efficiency=0.8))
    assert slower_memory.latency_s == pytest.approx(low.latency_s / 0.8)
    overhead = decode_step("llama-3.1-8b", "h100", batch=1, context=128,
                           efficiency=Efficiency(overhead_s=1e-3))
    assert overhead.latency_s == pytest.approx(low.latency_s + 1e-3)
    tp = dict(batch=8, context=128, devices=8)
    alpha = decode_step("llama-3-70b", "h100", efficiency=Efficiency(link_latency_s=5e-6), **tp)
    assert alpha.communication_s > decode_step("llama-3-70b", "h100", **tp).communication_s


# --- properties --------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(batch=batches, context=contexts, device=st.sampled_from(devices_list),
       phase=st.sampled_from(["decode", "prefill"]))
def test_time_is_never_below_either_bound(batch, context, device, phase):
    result = (decode_step("llama-3.1-8b", device, batch=batch, context=context)
              if phase == "decode" else
              prefill("llama-3.1-8b", device, batch=batch, prompt_tokens=context + 1))
    if result.feasible:
        assert result.latency_s >= result.compute_s and result.latency_s >= result.memory_s
        assert result.latency_s == pytest.approx(max(result.compute_s, result.memory_s))
    else:
        assert math.isnan(result.latency_s) and result.binding_wall == "memory capacity"


@settings(max_examples=60, deadline=None)
@given(batch=batches, context=contexts, extra=st.integers(min_value=1, max_value=4096))
def test_latency_is_monotonic_in_batch_and_context(batch, context, extra):
    base = decode_step("llama-3.1-8b", "h200", batch=batch, context=context)
    more_batch = decode_step("llama-3.1-8b", "h200", batch=batch + extra, context=context)
    longer = decode_step("llama-3.1-8b", "h200", batch=batch, context=context + extra)
    for other in (more_batch, longer):
        assert other.compute_s >= base.compute_s and other.memory_s >= base.memory_s
        assert other.memory_bytes > base.memory_bytes
        if other.feasible:
            assert other.latency_s >= base.latency_s


@settings(max_examples=60, deadline=None)
@given(batch=batches, context=contexts, factor=st.floats(min_value=1.0, max_value=10.0))
def test_more_bandwidth_is_never_slower(batch, context, factor):
    faster = H100.model_copy(update={"memory_bandwidth": H100.memory_bandwidth * factor})
    base = decode_step("llama-3.1-8b", H100, batch=batch, context=context)
    upgraded = decode_step("llama-3.1-8b", faster, batch=batch, context=context)
    if base.feasible:
        assert upgraded.latency_s <= base.latency_s


@settings(max_examples=40, deadline=None)
@given(batch=batches, context=contexts)
def test_feasibility_flips_exactly_where_memory_runs_out(batch, context):
    need = decode_step("llama-3.1-8b", "h100", batch=batch, context=context).memory_bytes
    exact = H100.model_copy(update={"memory_capacity": need})
    short = H100.model_copy(update={"memory_capacity": need * (1 - 1e-9)})
    assert decode_step("llama-3.1-8b", exact, batch=batch, context=context).feasible
    assert not decode_step("llama-3.1-8b", short, batch=batch, context=context).feasible


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=2048), min_size=1, max_size=5),
       st.lists(st.integers(min_value=0, max_value=65536), min_size=1, max_size=5))
def test_a_vectorised_sweep_equals_scalar_calls(batch_values, context_values):
    axes = grid(batch=batch_values, context=context_values)
    swept = decode_step("llama-3.1-8b", devices_list, **axes)
    for i, b in enumerate(batch_values):
        for j, c in enumerate(context_values):
            for k, device in enumerate(devices_list):
                one = decode_step("llama-3.1-8b", device, batch=b, context=c)
                assert swept.feasible[i, j, k] == one.feasible
                assert swept.binding_wall[i, j, k] == one.binding_wall
                assert swept.memory_s[i, j, k] == pytest.approx(one.memory_s)
                if one.feasible:
                    assert swept.latency_s[i, j, k] == pytest.approx(one.latency_s)


@settings(max_examples=200, deadline=None)
@given(c0=st.floats(0, 1), dc=st.floats(-1e-2, 1e-2), m0=st.floats(0, 1),
       dm=st.floats(-1e-2, 1e-2), n=st.integers(0, 300))
def test_closed_form_decode_sum_equals_the_loop(c0, dc, m0, dm, n):
    loop = sum(max(c0 + dc * i, m0 + dm * i) for i in range(n))
    assert _sum_of_max_linear(c0, dc, m0, dm, float(n)) == pytest.approx(loop, rel=1e-9, abs=1e-9)


@settings(max_examples=15, deadline=None)
@given(prompt=st.integers(1, 4096), output=st.integers(2, 300), batch=st.integers(1, 64))
def test_request_latency_equals_prefill_plus_every_decode_step(prompt, output, batch):
    request = request_latency("llama-3.1-8b", "h100", input_tokens=prompt, output_tokens=output,
                              batch=batch)
    steps = decode_step("llama-3.1-8b", "h100", batch=batch,
                        context=prompt + np.arange(output - 1))
    assert request.ttft_s == pytest.approx(prefill("llama-3.1-8b", "h100", batch=batch,
                                                   prompt_tokens=prompt).latency_s)
    assert request.decode_s == pytest.approx(float(np.sum(steps.latency_s)), rel=1e-9)
    assert request.tpot_s == pytest.approx(request.decode_s / (output - 1))


def test_roofline_is_the_max_of_its_bounds_for_arrays():
    result = roofline(np.array([1e12, 1e15]), np.array([1e12, 1e12]), 1e15, 1e12)
    assert result.bottleneck.tolist() == ["memory", "compute"]
    np.testing.assert_allclose(result.time_s, [1.0, 1.0])


def test_a_context_beyond_the_models_window_is_an_error():
    with pytest.raises(ValueError, match="context window of 8,192"):
        decode_step("llama-3-8b", "h100", context=32768)
    with pytest.raises(ValueError, match="context window"):
        prefill("llama-3-8b", "h100", prompt_tokens=np.array([1024, 16384]))
    assert decode_step("llama-3.1-8b", "h100", context=32768).feasible


def test_prefill_takes_logits_for_the_last_position_only():
    llama = catalog.get_model("llama-3.1-8b")
    one, many = (prefill("llama-3.1-8b", "h100", prompt_tokens=n) for n in (1, 2048))
    head = 2 * llama.lm_head_params
    attention = llama.attention_flops_per_position * 2048 * 2049 / 2
    assert many.roofline.flops == pytest.approx(2048 * (llama.flops_per_token - head) + head + attention)
    assert one.roofline.flops == pytest.approx(llama.flops_per_token + llama.attention_flops_per_position)


def test_an_encoder_attends_bidirectionally_and_keeps_no_kv_cache():
    bert = catalog.get_model("bert-base")
    result = prefill("bert-base", "a100", prompt_tokens=512)
    assert result.roofline.flops == pytest.approx(512 * bert.flops_per_token
                                                  + bert.attention_flops_per_position * 512 * 512)
    assert result.memory_bytes < bert.total_params * 2 * 1.5


def test_request_latency_sweeps_devices_and_batches():
    request = request_latency("llama-3.1-8b", ["a100", "h100", "h200"], input_tokens=2048,
                              output_tokens=256)
    assert request.e2e_s.shape == (3,) and np.all(np.diff(request.e2e_s) < 0)


def test_tensor_parallel_degree_must_divide_the_heads():
    with pytest.raises(ValueError, match="divide"):
        decode_step("llama-3.1-8b", "h100", devices=3)


def test_the_all_reduce_latency_defaults_to_the_scale_up_fabric():
    nvlink = catalog.get_fabric(catalog.get_node("dgx-h100").scale_up_fabric)
    tp = dict(batch=1, context=2048, devices=8)
    default = decode_step("llama-3.1-70b", "h100", **tp)
    none = decode_step("llama-3.1-70b", "h100", efficiency=Efficiency(link_latency_s=0.0), **tp)
    layers = catalog.get_model("llama-3.1-70b").layers
    assert default.communication_s - none.communication_s == pytest.approx(
        2 * layers * 2 * 7 * nvlink.latency)


def test_first_compute_bound_batch_is_the_first_batch_past_the_ridge_and_nan_when_none():
    from mlsysim_lab.walls.node import first_compute_bound_batch

    batch = first_compute_bound_batch("llama-3-8b", "h100", context=32)
    assert decode_step("llama-3-8b", "h100", batch=batch, context=32).bottleneck == "compute"
    assert decode_step("llama-3-8b", "h100", batch=batch - 1, context=32).bottleneck == "memory"
    assert math.isnan(first_compute_bound_batch("llama-3-8b", "h100", context=32, max_batch=4))


def test_a_device_outside_any_zoo_node_pays_the_latency_of_the_fabric_its_link_names():
    tp = dict(batch=1, context=2048, devices=8)
    h100 = decode_step("llama-3.1-70b", "h100", **tp)
    h200 = decode_step("llama-3.1-70b", "h200", **tp)   # no zoo node holds the H200
    none = decode_step("llama-3.1-70b", "h200", efficiency=Efficiency(link_latency_s=0.0), **tp)
    assert h200.communication_s == pytest.approx(h100.communication_s)
    assert h200.communication_s > 50 * none.communication_s


def test_the_fp8_kv8_preset_stores_the_kv_cache_in_fp8_and_fp8_keeps_16_bits():
    from mlsysim_lab.precision import scheme

    assert scheme("fp8").kv_cache == "fp16" and scheme("FP8-KV8").kv_cache == "fp8"
    long = dict(batch=32, context=4096)
    fp8 = decode_step("llama-3-8b", "h100", precision="fp8", **long)
    kv8 = decode_step("llama-3-8b", "h100", precision="fp8-kv8", **long)
    assert kv8.latency_s < fp8.latency_s and kv8.memory_bytes < fp8.memory_bytes
    assert kv8.latency_s == decode_step("llama-3-8b", "h100", precision="fp8",
                                        kv_precision="fp8", **long).latency_s
