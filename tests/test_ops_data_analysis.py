"""Data walls 8-10, ops walls 17-20, analysis walls 21-22."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from mlsysim_lab import catalog
from mlsysim_lab.walls.analysis.sensitivity import elasticities, step_sensitivity
from mlsysim_lab.walls.analysis.synthesis import required_hardware
from mlsysim_lab.walls.data.ingestion import input_pipeline
from mlsysim_lab.walls.node.serving import decode_step, prefill
from mlsysim_lab.walls.ops.cost import run_cost, usd_per_million_tokens
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.walls.ops.sustainability import footprint
from mlsysim_lab.walls.ops.tenancy import dp_sgd_step_s, shared_cluster_wait

DAY = 86400.0


# --- data ---------------------------------------------------------------------------------
def test_few_workers_starve_the_gpu_and_enough_workers_feed_it():
    starved = input_pipeline("resnet-50", "a100", batch=256, workers=2)
    assert starved.binding_wall == "data transformation" and starved.utilisation < 0.5
    fed = input_pipeline("resnet-50", "a100", batch=256, workers=int(starved.workers_needed))
    assert fed.binding_wall == "compute throughput" and fed.utilisation == pytest.approx(1.0)
    fewer = input_pipeline("resnet-50", "a100", batch=256, workers=int(starved.workers_needed) - 1)
    assert fewer.utilisation < 1.0


def test_utilisation_rises_with_workers():
    sweep = input_pipeline("resnet-50", "a100", batch=256, workers=np.arange(1, 65))
    assert np.all(np.diff(sweep.utilisation) >= 0) and sweep.utilisation[-1] <= 1.0


def test_remote_storage_can_bind_and_needs_a_node():
    with pytest.raises(ValueError, match="remote"):
        input_pipeline("resnet-50", "a100", storage="object-store")
    slow = input_pipeline("resnet-50", "a100", batch=256, workers=512, storage="object-store",
                          node="dgx-a100", bytes_per_sample="100 MB")
    assert slow.binding_wall == "storage and locality"


# --- ops -------------------------------------------------------------------------------------
def test_gpt3_energy_and_carbon_match_patterson_et_al():
    # Patterson et al. 2021, Table 4: GPT-3 used 10,000 V100s for 14.8 days at 330 W
    # average system power per GPU and PUE 1.1: 1,287 MWh; at 429 gCO2e/kWh, 552 tCO2e.
    v100 = catalog.get_hardware("v100").model_copy(update={"tdp": 330.0})
    energy = run_energy(10_000, 14.8 * DAY, hardware=v100, power_fraction=1.0, pue=1.1)
    assert energy.facility_energy_mwh == pytest.approx(1287, rel=0.01)
    grid = catalog.get_region("us-average").model_copy(update={"grid_intensity": 429.0})
    assert footprint(energy, grid, include_embodied=False).total_t == pytest.approx(552, rel=0.01)


def test_llama2_70b_gpu_hours_at_tdp():
    # Touvron et al. 2023, Table 2: Llama 2 70B took 1,720,320 A100-80GB GPU-hours at
    # 400 W peak power; GPU-hours x TDP = 688 MWh before PUE.
    energy = run_energy(1, 1_720_320 * 3600, hardware="a100-80gb", power_fraction=1.0, pue=1.0)
    assert energy.facility_energy_mwh == pytest.approx(688.128, rel=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.floats(1.0, 1000.0))
def test_carbon_is_proportional_to_grid_intensity(intensity):
    energy = run_energy(256, 30 * DAY, node="dgx-h100")
    region = catalog.get_region("quebec")
    scaled = region.model_copy(update={"grid_intensity": intensity})
    ratio = footprint(energy, scaled).operational_t / footprint(energy, region).operational_t
    assert ratio == pytest.approx(intensity / region.grid_intensity)


def test_every_ops_knob_moves_its_output():
    base = run_energy(256, 30 * DAY, node="dgx-h100", pue=1.2)
    assert run_energy(256, 30 * DAY, node="dgx-h100", pue=1.5).facility_energy_j > base.facility_energy_j
    assert run_energy(256, 30 * DAY, node="dgx-h100", pue=1.2, power_fraction=0.5).it_energy_j < base.it_energy_j
    hosts = run_energy(256, 30 * DAY, hardware="h100", pue=1.2)
    assert hosts.it_energy_j < base.it_energy_j and "not counted" in hosts.counted
    quebec, poland = footprint(base, "quebec"), footprint(base, "poland")
    assert poland.operational_t > 10 * quebec.operational_t
    cloud = run_cost(base, "dgx-h100", "quebec")
    assert cloud.total_usd > 0
    priced = run_cost(base, "dgx-h100", "quebec", co2e_t=100.0, carbon_price_per_t=190.0)
    assert priced.total_usd - cloud.total_usd == pytest.approx(19000.0)


def test_a_missing_price_is_unknown_never_zero():
    energy = run_energy(8, DAY, node="dgx-h100")
    node = catalog.get_node("dgx-h100")
    if node.price is None:
        owned = run_cost(energy, "dgx-h100", "quebec", pricing="owned")
        assert math.isnan(owned.total_usd) and owned.unknown
    unpriced = catalog.get_region("quebec").model_copy(update={"electricity_price": None})
    owned = run_cost(energy, node.model_copy(update={"price": 300_000.0}), unpriced, pricing="owned")
    assert math.isnan(owned.energy_usd) and any("electricity" in u for u in owned.unknown)


def test_usd_per_million_tokens():
    assert usd_per_million_tokens(36.0, 1000.0) == pytest.approx(10.0)


def test_dp_sgd_slows_a_step_and_a_shared_cluster_queues():
    assert dp_sgd_step_s(1.0) > 1.0
    busy = shared_cluster_wait(job_arrival_rate=0.9 / 3600, mean_job_duration_s=3600, slots=1)
    calm = shared_cluster_wait(job_arrival_rate=0.1 / 3600, mean_job_duration_s=3600, slots=1)
    assert busy.mean_wait_s > calm.mean_wait_s


# --- analysis ------------------------------------------------------------------------------
def test_memory_bound_decode_has_bandwidth_elasticity_minus_one():
    result = step_sensitivity("llama-3-8b", "a100", phase="decode", batch=1, tokens=512)
    assert result.elasticities["memory_bandwidth"] == pytest.approx(-1.0, abs=1e-6)
    assert result.elasticities["peak_flops"] == pytest.approx(0.0, abs=1e-6)
    assert result.dominant == "memory_bandwidth"


def test_compute_bound_prefill_has_flops_elasticity_minus_one():
    result = step_sensitivity("llama-3-8b", "h100", phase="prefill", batch=4, tokens=4096)
    assert result.elasticities["peak_flops"] == pytest.approx(-1.0, abs=1e-6)
    assert result.elasticities["peak_flops"] + result.elasticities["memory_bandwidth"] == \
        pytest.approx(-1.0, abs=1e-6)
    assert result.elasticities["tokens"] > 1.0  # attention makes prefill superlinear


def test_an_infeasible_point_is_never_differentiated():
    with pytest.raises(ValueError, match="feasible"):
        step_sensitivity("llama-3-70b", "h100", batch=1, tokens=512)


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.1, 10), b=st.floats(0.1, 10))
def test_elasticity_of_a_power_law_is_its_exponent(a, b):
    result = elasticities(lambda x: x["u"] ** 2 / x["v"], {"u": a, "v": b})
    assert result.elasticities["u"] == pytest.approx(2.0, rel=1e-6)
    assert result.elasticities["v"] == pytest.approx(-1.0, rel=1e-6)


@settings(max_examples=30, deadline=None)
@given(batch=st.integers(1, 128), context=st.integers(1, 8192), slack=st.floats(0.2, 0.95),
       phase=st.sampled_from(["decode", "prefill"]))
def test_the_inverse_roofline_answer_meets_the_target(batch, context, slack, phase):
    reference = catalog.get_hardware("h100")
    solver = decode_step if phase == "decode" else prefill
    key = "context" if phase == "decode" else "prompt_tokens"
    now = solver("llama-3.1-8b", reference, batch=batch, **{key: context})
    assume(now.feasible)
    target = now.latency_s * slack
    need = required_hardware("llama-3.1-8b", reference, latency_target_s=target, phase=phase,
                             batch=batch, tokens=context)
    assert need.achievable
    assert {"memory_bandwidth", "peak_flops"} & set(need.upgrade_needed)
    peaks = {**reference.peak_flops, "fp16": max(need.min_peak_flops, reference.peak("fp16"))}
    built = reference.model_copy(update={
        "peak_flops": peaks,
        "memory_bandwidth": max(need.min_bandwidth, reference.memory_bandwidth)})
    assert solver("llama-3.1-8b", built, batch=batch, **{key: context}).latency_s <= target * (1 + 1e-9)


def test_a_target_below_the_fixed_costs_is_not_achievable():
    need = required_hardware("llama-3-70b", "h100", latency_target_s=1e-6, devices=8)
    assert not need.achievable and math.isinf(need.min_bandwidth)


def test_a_node_shares_its_storage_among_its_accelerators():
    alone = input_pipeline("resnet-50", "a100", batch=256, workers=64)
    shared = input_pipeline("resnet-50", "a100", batch=256, workers=64, sharers=8)
    assert shared.storage_s == pytest.approx(8 * alone.storage_s)
    remote = dict(batch=256, workers=512, storage="parallel-fs", node="dgx-a100")
    tight = input_pipeline("resnet-50", "a100", oversubscription=8.0, **remote)
    assert tight.storage_s >= input_pipeline("resnet-50", "a100", **remote).storage_s


def test_energy_falls_with_activity_towards_the_idle_floor():
    busy = run_energy(8, DAY, hardware="h100", pue=1.0)
    idle = run_energy(8, DAY, hardware="h100", pue=1.0, activity=0.0)
    floor = catalog.get_assumption("gpu-idle-power-fraction").value
    assert idle.device_power_w == pytest.approx(700 * floor)
    assert idle.it_energy_j < busy.it_energy_j


def test_a_run_that_does_not_fit_gets_no_audit():
    from mlsysim_lab.audit import AuditConfig, audit

    with pytest.raises(ValueError, match="does not fit"):
        audit(AuditConfig(model="llama-3.1-405b", hardware="h100", devices=8))


def test_cnn_precisions_compare_by_forward_pass():
    from mlsysim_lab.walls.algorithm.quantization import compare_precisions

    rows = {r.scheme: r for r in compare_precisions("resnet-50", "a100", batch=256,
                                                    schemes=("fp16", "int8", "w8a16"))}
    assert rows["int8"].speedup > 1.5 and rows["w8a16"].speedup == pytest.approx(1.0, abs=0.05)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 500), c=st.floats(0.0, 100.0))
def test_whole_number_elasticities_use_both_neighbours(n, c):
    result = elasticities(lambda x: x["n"] + c, {"n": float(n)}, whole=frozenset({"n"}))
    expected = math.log((n + 1 + c) / (n - 1 + c)) / math.log((n + 1) / (n - 1))
    assert result.elasticities["n"] == pytest.approx(expected, rel=1e-9)
