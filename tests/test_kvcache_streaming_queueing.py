"""Walls 5-7: KV-cache concurrency, wafer-scale weight streaming, M/M/c tail latency."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlsysim_lab import catalog
from mlsysim_lab.walls.node.kvcache import kv_bytes_per_token, kv_cache_capacity
from mlsysim_lab.walls.node.queueing import erlang_c, max_arrival_rate, mmc_queue
from mlsysim_lab.walls.node.streaming import weight_streaming_step

WAFER = next(spec for spec in catalog.hardware if isinstance(spec, catalog.WaferScaleSystem))


# --- wall 5: KV cache ----------------------------------------------------------------
def test_kv_per_token_follows_the_precision():
    assert kv_bytes_per_token("llama-3.1-8b") == 131072
    assert kv_bytes_per_token("llama-3.1-8b", kv_precision="int8") == 65536


@settings(max_examples=50, deadline=None)
@given(context=st.integers(1, 131072), page=st.sampled_from([1, 8, 16, 32, 128]))
def test_paged_allocation_wastes_less_than_one_page_per_sequence(context, page):
    plan = kv_cache_capacity("llama-3.1-8b", "h100", context=context, max_context=131072,
                             page_tokens=page)
    wasted_tokens = plan.fragmentation_paged * context / (1 - plan.fragmentation_paged)
    assert 0 <= wasted_tokens < page
    assert plan.max_sequences_paged >= plan.max_sequences_static


def test_concurrency_is_the_kv_budget_over_kv_per_sequence():
    plan = kv_cache_capacity("llama-3.1-8b", "h100", context=8192, page_tokens=16)
    llama = catalog.get_model("llama-3.1-8b")
    budget = 80e9 - llama.total_params * 2  # H100 datasheet: 80 GB
    assert plan.budget_bytes == pytest.approx(budget)
    assert plan.max_sequences_paged == math.floor(budget / (8192 * 131072))


def test_static_reservation_of_the_maximum_context_cuts_concurrency():
    plan = kv_cache_capacity("llama-3.1-8b", "h100", context=2048, max_context=131072)
    assert plan.fragmentation_static == pytest.approx(1 - 2048 / 131072)
    assert plan.max_sequences_paged > 30 * plan.max_sequences_static


def test_int8_kv_doubles_concurrency_and_devices_add_budget():
    fp16 = kv_cache_capacity("llama-3.1-8b", "h100", context=32768)
    int8 = kv_cache_capacity("llama-3.1-8b", "h100", context=32768, kv_precision="int8")
    assert int8.max_sequences_paged in (2 * fp16.max_sequences_paged,
                                        2 * fp16.max_sequences_paged + 1)
    seventy = kv_cache_capacity("llama-3-70b", "h100", context=8192,
                                devices=np.array([1, 2, 4, 8]))
    assert seventy.feasible.tolist() == [False, True, True, True]
    assert np.all(np.diff(seventy.max_sequences_paged) > 0)


def test_a_reserve_shrinks_the_budget_and_can_make_it_infeasible():
    plan = kv_cache_capacity("llama-3.1-8b", "l4", context=4096, reserve_bytes="8 GB")
    assert not plan.feasible and plan.binding_wall == "memory capacity"


# --- wall 6: weight streaming ------------------------------------------------------------
def test_streaming_binds_below_the_crossover_batch_and_compute_above():
    probe = weight_streaming_step("llama-2-7b", WAFER, batch=1, new_tokens=512, context=0)
    star = probe.crossover_batch
    below = weight_streaming_step("llama-2-7b", WAFER, batch=max(1, int(star / 4)),
                                  new_tokens=512, context=0)
    above = weight_streaming_step("llama-2-7b", WAFER, batch=int(star * 4) + 1,
                                  new_tokens=512, context=0)
    assert below.binding_wall == "weight streaming"
    assert above.binding_wall in ("compute throughput", "memory capacity")
    at = weight_streaming_step("llama-2-7b", WAFER, batch=max(1, round(star)), new_tokens=512,
                               context=0)
    assert at.block_compute_s == pytest.approx(at.block_injection_s, rel=1 / max(1, star))


def test_sram_caps_the_batch_that_streaming_needs_for_decode():
    result = weight_streaming_step("llama-3-70b", WAFER, batch=1, context=4096)
    assert result.feasible and result.binding_wall == "weight streaming"
    assert result.sram_max_batch < result.crossover_batch  # B* is out of reach on chip
    assert not result.crossover_reachable
    too_many = weight_streaming_step("llama-3-70b", WAFER, batch=int(result.sram_max_batch) + 1,
                                     context=4096)
    assert not too_many.feasible and math.isnan(too_many.time_s)
    fits = weight_streaming_step("llama-3-70b", WAFER, batch=int(result.sram_max_batch),
                                 context=4096)
    assert fits.feasible


def test_streaming_requires_a_wafer_scale_system():
    with pytest.raises(ValueError, match="not a wafer-scale"):
        weight_streaming_step("llama-3.1-8b", "h100")


@settings(max_examples=40, deadline=None)
@given(batch=st.integers(1, 64), extra=st.integers(1, 64))
def test_streaming_time_is_monotonic_in_batch(batch, extra):
    small = weight_streaming_step("llama-2-7b", WAFER, batch=batch, context=512)
    large = weight_streaming_step("llama-2-7b", WAFER, batch=batch + extra, context=512)
    if large.feasible:
        assert large.time_s >= small.time_s


# --- wall 7: tail latency -------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(rho=st.floats(0.01, 0.99))
def test_erlang_c_matches_the_closed_forms_for_one_and_two_servers(rho):
    # Kleinrock (1975), section 3.5: M/M/1 waits with probability rho;
    # M/M/2 with probability 2 rho^2 / (1 + rho).
    assert erlang_c(rho, 1) == pytest.approx(rho)
    assert erlang_c(2 * rho, 2) == pytest.approx(2 * rho**2 / (1 + rho))


@settings(max_examples=100, deadline=None)
@given(servers=st.integers(1, 60), rho=st.floats(0.05, 0.98))
def test_erlang_c_equals_the_textbook_sum(servers, rho):
    load = rho * servers
    top = load**servers / math.factorial(servers) / (1 - rho)
    bottom = sum(load**k / math.factorial(k) for k in range(servers)) + top
    assert erlang_c(load, servers) == pytest.approx(top / bottom, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(arrival=st.floats(0.1, 9.0), percentile=st.sampled_from([0.5, 0.9, 0.99, 0.999]))
def test_mm1_response_time_is_exponential(arrival, percentile):
    # M/M/1: T ~ Exp(mu - lambda), so the p-quantile is -ln(1 - p) / (mu - lambda).
    result = mmc_queue(arrival, 0.1, 1, percentile=percentile)
    expected = -math.log(1 - percentile) / (10.0 - arrival)
    assert result.percentile_latency_s == pytest.approx(expected, rel=1e-6)
    assert result.mean_latency_s == pytest.approx(1 / (10.0 - arrival))


def test_an_overloaded_queue_has_no_steady_state_and_says_so():
    result = mmc_queue(20.0, 0.25, 4)
    assert not result.stable and not result.feasible
    assert math.isnan(result.percentile_latency_s)
    assert "no steady-state" in result.explanation


@settings(max_examples=25, deadline=None)
@given(service=st.floats(0.01, 1.0), servers=st.integers(1, 16), slack=st.floats(5.0, 20.0))
def test_the_sla_breaking_load_meets_the_sla_and_a_bit_more_breaks_it(service, servers, slack):
    slo = slack * service
    rate = max_arrival_rate(service, servers, slo)
    assert 0 < rate < servers / service
    assert mmc_queue(rate, service, servers).percentile_latency_s <= slo * (1 + 1e-9)
    assert mmc_queue(rate * 1.001, service, servers).percentile_latency_s > slo


@settings(max_examples=40, deadline=None)
@given(servers=st.integers(1, 8), rho=st.floats(0.05, 0.9), bump=st.floats(0.01, 0.09))
def test_percentile_latency_grows_with_load(servers, rho, bump):
    low = mmc_queue(rho * servers / 0.1, 0.1, servers)
    high = mmc_queue((rho + bump) * servers / 0.1, 0.1, servers)
    assert high.percentile_latency_s >= low.percentile_latency_s


def test_a_wafer_holds_the_weights_in_sram_when_they_fit_and_streams_them_otherwise():
    from mlsysim_lab.walls.node import decode_step

    small = decode_step("llama-3-8b", "cerebras-cs2", batch=1, context=1024)
    assert small.regime.startswith("weights resident in on-wafer SRAM across 1 wafer")
    model = catalog.get_model("llama-3-8b")
    wafer = catalog.get_hardware("cerebras-cs2")
    # one sequence passes L layer regions, each with 1/L of the wafer
    assert small.latency_s == pytest.approx(model.layers * max(
        small.roofline.flops / wafer.peak("fp16"),
        small.roofline.bytes_moved / wafer.memory_bandwidth))

    big = decode_step("llama-3-70b", "cerebras-cs2", batch=1, context=1024)
    streamed = weight_streaming_step("llama-3-70b", "cerebras-cs2", batch=1, context=1024)
    assert big.regime.startswith("weights streamed from external memory")
    assert big.latency_s == streamed.time_s and big.binding_wall == streamed.binding_wall
    four = decode_step("llama-3-70b", "cerebras-cs2", batch=1, context=1024, devices=4)
    assert "across 4 wafers" in four.regime and four.latency_s < big.latency_s / 100
    with pytest.raises(ValueError, match="do not fit in the SRAM of 2"):
        decode_step("llama-3-70b", "cerebras-cs2", devices=2)


def test_a_layer_pipeline_reaches_the_wafer_rate_only_with_a_batch():
    from mlsysim_lab.walls.node import decode_step

    one = decode_step("llama-3-8b", "cerebras-cs2", batch=1, context=128)
    many = decode_step("llama-3-8b", "cerebras-cs2", batch=64, context=128)
    assert many.tokens_per_s > 10 * one.tokens_per_s
