"""Algorithm walls 11-13: scaling laws, quantization, reasoning cost."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlsysim_lab import catalog
from mlsysim_lab.walls.algorithm.quantization import (batch_where_speedup_falls_below,
                                                      compare_precisions)
from mlsysim_lab.walls.algorithm.reasoning import architecture_efficiency, reasoning_cost
from mlsysim_lab.walls.algorithm.scaling import (chinchilla_tokens, compute_optimal, six_nd,
                                                 training_flops)


def test_chinchilla_compute_optimal_point():
    # Hoffmann et al. 2022: Chinchilla, 70 B parameters on 1.4 T tokens, 5.76e23 FLOPs.
    optimum = compute_optimal(5.76e23)
    assert optimum.params == pytest.approx(70e9, rel=0.02)
    assert optimum.tokens == pytest.approx(1.4e12, rel=0.02)
    assert six_nd(70e9, 1.4e12) == pytest.approx(5.76e23, rel=0.03)


@settings(max_examples=50, deadline=None)
@given(st.floats(1e18, 1e27))
def test_compute_optimal_spends_the_budget_at_20_tokens_per_parameter(budget):
    optimum = compute_optimal(budget)
    assert 6 * optimum.params * optimum.tokens == pytest.approx(budget, rel=1e-9)
    assert optimum.tokens / optimum.params == pytest.approx(20.0)


def test_megatron_training_flops_formula():
    # Narayanan et al., SC 2021, eq. (3): with full activation recomputation one
    # iteration costs 96 B s l h^2 (1 + s / 6h + V / 16 l h) FLOPs (non-causal attention).
    batch, seq, layers, hidden, vocab = 1536, 2048, 96, 12288, 50257  # GPT-3 175B
    expected = 96 * batch * seq * layers * hidden**2 * (
        1 + seq / (6 * hidden) + vocab / (16 * layers * hidden))
    ours = training_flops("gpt3-175b", batch * seq, seq_len=seq, recompute="full",
                          causal_attention=False)
    assert ours.hardware_flops == pytest.approx(expected, rel=0.01)
    assert ours.model_flops == pytest.approx(expected * 3 / 4, rel=0.01)


def test_model_flops_are_close_to_6nd_and_recompute_adds_only_hardware_flops():
    run = training_flops("llama-3-70b", 1e12, seq_len=4096)
    llama = catalog.get_model("llama-3-70b")
    assert run.model_flops == pytest.approx(six_nd(llama.total_params, 1e12), rel=0.08)
    full = training_flops("llama-3-70b", 1e12, seq_len=4096, recompute="full")
    assert full.model_flops == run.model_flops and full.hardware_flops > run.hardware_flops
    moe = training_flops("mixtral-8x7b", 1e12, seq_len=4096)
    assert moe.model_flops < 0.35 * six_nd(catalog.get_model("mixtral").total_params, 1e12)


def test_chinchilla_tokens_for_a_zoo_model():
    assert chinchilla_tokens("llama-3-70b") == pytest.approx(20 * 70.55e9, rel=0.01)


def test_weight_only_int4_speeds_up_decode_but_not_compute_bound_prefill():
    rows = {r.scheme: r for r in compare_precisions("llama-3-8b", "h100", tokens=512)}
    assert rows["w4a16"].speedup > rows["w8a16"].speedup > 1.5
    assert rows["fp16"].speedup == pytest.approx(1.0)
    prefill_rows = {r.scheme: r for r in compare_precisions(
        "llama-3-8b", "h100", phase="prefill", tokens=4096)}
    assert prefill_rows["w4a16"].speedup == pytest.approx(1.0, abs=0.02)
    assert prefill_rows["fp8"].speedup > 1.8  # W8A8 uses the FP8 peak
    assert "Empirical rule" in rows["w4a16"].accuracy_note


def test_unsupported_schemes_are_reported_not_dropped():
    rows = {r.scheme: r for r in compare_precisions("llama-3-8b", "h100", schemes=("fp16", "int4"))}
    assert not rows["int4"].supported and "INT4" in rows["int4"].reason


def test_quantization_makes_70b_fit_on_one_gpu():
    rows = {r.scheme: r for r in compare_precisions("llama-3-70b", "h100", schemes=("fp16", "w4a16"))}
    assert not rows["fp16"].feasible and rows["w4a16"].feasible


def test_int4_gain_fades_with_batch():
    batch = batch_where_speedup_falls_below("llama-3-8b", "h100", "w4a16", 1.5, context=512)
    assert batch is not None and batch > 1
    rows = {r.scheme: r for r in compare_precisions("llama-3-8b", "h100", batch=batch, tokens=512)}
    assert rows["w4a16"].speedup < 1.5
    before = {r.scheme: r for r in compare_precisions("llama-3-8b", "h100", batch=batch - 1,
                                                      tokens=512)}
    assert before["w4a16"].speedup >= 1.5


def test_reasoning_multiplier_is_below_k_and_grows_with_k():
    result = reasoning_cost("llama-3-8b", "h100", steps=np.array([1, 4, 8, 16]),
                            tokens_per_step=256, prompt_tokens=2048, answer_tokens=64)
    assert result.multiplier[0] == pytest.approx(1.0)
    assert np.all(result.multiplier[1:] < np.array([4, 8, 16]))
    assert np.all(np.diff(result.multiplier) > 0)


def test_moe_architecture_efficiency():
    mixtral = architecture_efficiency("mixtral-8x7b")
    assert 0.25 < mixtral.active_fraction < 0.3
    dense = architecture_efficiency("llama-3-8b")
    assert dense.active_fraction == 1.0
