"""Fleet walls 14-16: collectives, parallelism, reliability."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlsysim_lab.walls.fleet.collectives import (all_gather_time, hierarchical_allreduce_time,
                                                 reduce_scatter_time, ring_allreduce_bytes,
                                                 ring_allreduce_time, tree_allreduce_time)
from mlsysim_lab.walls.fleet.parallelism import time_to_train_s, training_step
from mlsysim_lab.walls.fleet.reliability import (checkpoint_losses, cluster_mtbf_s,
                                                 training_reliability, young_daly_interval_s)


@settings(max_examples=100, deadline=None)
@given(p=st.integers(2, 4096), n=st.floats(1e3, 1e11))
def test_ring_allreduce_moves_2_p_minus_1_over_p_of_the_message(p, n):
    # Patarasuk & Yuan 2009: each device sends and receives 2 (p - 1) / p x n bytes.
    assert ring_allreduce_bytes(n, p) == pytest.approx(2 * (p - 1) / p * n)
    assert ring_allreduce_time(n, p, 1e9) == pytest.approx(
        reduce_scatter_time(n, p, 1e9) + all_gather_time(n, p, 1e9))


def test_tree_beats_ring_for_small_messages_and_loses_for_large_ones():
    p, bandwidth, alpha = 1024, 50e9, 5e-6
    assert tree_allreduce_time(1e3, p, bandwidth, alpha) < ring_allreduce_time(1e3, p, bandwidth, alpha)
    assert tree_allreduce_time(1e9, p, bandwidth, alpha) > ring_allreduce_time(1e9, p, bandwidth, alpha)


def test_hierarchical_allreduce_with_one_device_per_node_is_the_ring():
    assert hierarchical_allreduce_time(1e9, 64, 1, 450e9, 50e9) == pytest.approx(
        ring_allreduce_time(1e9, 64, 50e9))
    flat = ring_allreduce_time(1e9, 64, 50e9)
    assert hierarchical_allreduce_time(1e9, 64, 8, 450e9, 50e9) < flat


def test_pipeline_bubble_is_p_minus_1_over_m_plus_p_minus_1():
    # Huang et al. (GPipe) 2019; Narayanan et al. 2021.
    pp = np.array([1, 2, 4, 8, 16])
    step = training_step("llama-3-70b", "dgx-h100", tp=8, pp=pp, dp=4, micro_batch=1,
                         global_batch=256, seq_len=4096)
    m = 256 / 4
    np.testing.assert_allclose(step.bubble_fraction, (pp - 1) / (m + pp - 1))


@settings(max_examples=40, deadline=None)
@given(zero=st.sampled_from([1, 2, 3]), dp=st.sampled_from([1, 2, 4, 8, 16, 32]))
def test_more_data_parallel_devices_never_increase_per_device_memory(zero, dp):
    one = training_step("llama-3-70b", "dgx-h100", tp=8, pp=4, dp=dp, global_batch=512,
                        zero_stage=zero)
    two = training_step("llama-3-70b", "dgx-h100", tp=8, pp=4, dp=2 * dp, global_batch=512,
                        zero_stage=zero)
    assert two.memory_bytes <= one.memory_bytes


@settings(max_examples=40, deadline=None)
@given(tp=st.sampled_from([1, 2, 4, 8]), pp=st.sampled_from([1, 2, 4, 8]))
def test_more_model_parallelism_never_increases_per_device_memory(tp, pp):
    # Stages that divide the 80 layers evenly (uneven stages: the test below).
    base = training_step("llama-3-70b", "dgx-h100", tp=tp, pp=pp, dp=8, global_batch=512)
    wider = training_step("llama-3-70b", "dgx-h100", tp=min(2 * tp, 8), pp=pp, dp=8, global_batch=512)
    deeper = training_step("llama-3-70b", "dgx-h100", tp=tp, pp=2 * pp, dp=8, global_batch=512)
    assert wider.memory_bytes <= base.memory_bytes and deeper.memory_bytes <= base.memory_bytes


@settings(max_examples=60, deadline=None)
@given(tp=st.sampled_from([1, 2, 4, 8]), pp=st.sampled_from([1, 2, 4, 8]),
       dp=st.sampled_from([1, 2, 8, 32]), mb=st.sampled_from([1, 2, 4]))
def test_scaling_efficiency_is_in_0_1(tp, pp, dp, mb):
    step = training_step("llama-3-70b", "dgx-h100", tp=tp, pp=pp, dp=dp, micro_batch=mb,
                         global_batch=1024)
    if step.feasible:
        assert 0 < step.scaling_efficiency <= 1 and 0 < step.mfu <= 1
    else:
        assert math.isnan(step.step_s)


def test_invalid_and_oversized_configurations_are_infeasible():
    too_wide = training_step("llama-3-70b", "dgx-h100", tp=16, pp=1, dp=1)
    assert not too_wide.feasible and too_wide.binding_wall == "invalid configuration"
    one_gpu = training_step("llama-3-70b", "dgx-h100", tp=1, pp=1, dp=1, global_batch=8)
    assert not one_gpu.feasible and one_gpu.binding_wall == "memory capacity"


def test_uneven_stages_load_the_busiest_stage_with_ceil_l_over_pp_layers():
    # Llama 3 herd paper, Section 3.3.2: 126 layers on 16 stages (8 on the busiest).
    even = training_step("llama-3.1-405b", "dgx-h100", tp=8, pp=14, dp=1, global_batch=64)
    uneven = training_step("llama-3.1-405b", "dgx-h100", tp=8, pp=16, dp=1, global_batch=64)
    assert even.stage_layers == 9 and uneven.stage_layers == 8
    assert uneven.reason != "invalid"
    # The pipeline runs at the busiest stage's pace: 8 x 16 / 126 of the balanced time.
    balanced_s = uneven.compute_s / (1 - uneven.bubble_fraction)
    assert uneven.bubble_s + uneven.compute_s == pytest.approx(balanced_s * 128 / 126)
    too_deep = training_step("llama-3-8b", "dgx-h100", tp=1, pp=33, dp=1, global_batch=66)
    assert not too_deep.feasible and too_deep.binding_wall == "invalid configuration"


def test_global_batch_may_be_an_array():
    step = training_step("llama-3-70b", "dgx-h100", tp=8, pp=4, dp=8,
                         global_batch=np.array([256, 512]))
    assert step.tokens_per_step[1] == 2 * step.tokens_per_step[0]
    assert step.micro_batches[1] == 2 * step.micro_batches[0]


def test_zero_stages_shard_progressively():
    memory = [training_step("llama-3-70b", "dgx-h100", tp=8, pp=2, dp=16, global_batch=512,
                            zero_stage=z).memory_bytes for z in (0, 1, 2, 3)]
    assert memory[0] > memory[1] > memory[2] > memory[3]


def test_time_to_train_scales_inversely_with_mfu_and_devices():
    base = time_to_train_s("llama-3-70b", 1e12, 1024, "h100", mfu=0.4)
    assert time_to_train_s("llama-3-70b", 1e12, 1024, "h100", mfu=0.2) == pytest.approx(2 * base)
    assert time_to_train_s("llama-3-70b", 1e12, 2048, "h100", mfu=0.4) == pytest.approx(base / 2)


def test_young_daly_interval_minimises_the_lost_time():
    # Young 1974 / Daly 2006: tau* = sqrt(2 delta M).
    delta, mtbf = 60.0, 1e5
    tau = young_daly_interval_s(delta, mtbf)
    assert tau == pytest.approx(math.sqrt(2 * delta * mtbf))
    best = checkpoint_losses(delta, mtbf, restart_s=0).lost_fraction
    for other in (0.5 * tau, 0.9 * tau, 1.1 * tau, 2 * tau):
        assert checkpoint_losses(delta, mtbf, restart_s=0, interval_s=other).lost_fraction > best


def test_cluster_mtbf_falls_inversely_with_size_and_includes_rework_and_restart():
    small, large = cluster_mtbf_s(1024, 128), cluster_mtbf_s(16384, 2048)
    assert small / large == pytest.approx(16.0)
    result = training_reliability("llama-3-70b", 16384)
    assert result.rework_fraction > 0 and result.restart_fraction > 0
    assert result.lost_fraction == pytest.approx(
        result.checkpoint_s / result.interval_s + result.interval_s / (2 * result.mtbf_s)
        + result.restart_s / result.mtbf_s)


def test_llama3_scale_gives_hours_between_failures():
    # Dubey et al. 2024: 419 unexpected interruptions in 54 days on 16,384 GPUs,
    # about one every 3 hours.
    mtbf_h = cluster_mtbf_s(16384, 2048) / 3600
    assert mtbf_h == pytest.approx(54 * 24 / 419, rel=0.15)


def test_interleaving_divides_the_bubble_and_multiplies_the_pipeline_sends():
    # Narayanan et al. (SC 2021), Section 2.2.2: v model chunks per device.
    plain = training_step("llama-3-70b", "dgx-h100", tp=8, pp=8, dp=4, global_batch=256)
    chunked = training_step("llama-3-70b", "dgx-h100", tp=8, pp=8, dp=4, global_batch=256,
                            virtual_stages=np.array([2, 4]))
    m = 256 / 4
    np.testing.assert_allclose(chunked.bubble_fraction, 7 / (np.array([2, 4]) * m + 7))
    np.testing.assert_allclose(chunked.pp_comm_s, plain.pp_comm_s * np.array([2, 4]))
    too_fine = training_step("llama-3-70b", "dgx-h100", tp=8, pp=8, dp=4, global_batch=256,
                             virtual_stages=11)      # 10 layers per stage
    assert not too_fine.feasible and too_fine.binding_wall == "invalid configuration"
