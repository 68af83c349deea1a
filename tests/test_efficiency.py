"""Efficiency profiles: ideal is the unchanged bound, calibrated applies each cited figure
where it belongs (and every figure moves the result)."""

import math

import numpy as np
import pytest

from mlsysim_lab import catalog
from mlsysim_lab.catalog import references
from mlsysim_lab.catalog.zoo import efficiency as figures
from mlsysim_lab.walls.node import (CALIBRATED, IDEAL, Efficiency, Profile, decode_step,
                                    forward_pass, prefill, request_latency)
from mlsysim_lab.walls.node.efficiency import efficiency_profile


def _figures():
    yield from figures.MATMUL.values()
    yield figures.MATMUL_FALLBACK
    yield from figures.MEMORY_STREAM.values()
    yield from figures.DEQUANTISATION.values()
    yield from figures.TRAINING_MFU.values()
    yield from figures.ATTENTION.values()
    yield from (figures.REQUEST_OVERHEAD_S, figures.ENGINE_GEMM_SHAPE,
                figures.KERNEL_LAUNCH_S, figures.EAGER_OPERATOR_S,
                figures.COLLECTIVE_BASE_LATENCY_S, figures.USABLE_MEMORY)


@pytest.mark.parametrize("figure", list(_figures()), ids=lambda f: f.note[:40])
def test_every_calibrated_figure_cites_a_registered_reference(figure):
    assert references.is_known(figure.source)
    assert figure.citation() and figure.note
    assert figure.value > 0


def test_fractions_are_fractions():
    fractions = [*figures.MATMUL.values(), *figures.MEMORY_STREAM.values(),
                 *figures.DEQUANTISATION.values(), *figures.TRAINING_MFU.values(),
                 *figures.ATTENTION.values(), figures.USABLE_MEMORY,
                 figures.ENGINE_GEMM_SHAPE]
    assert all(0.0 < figure.value <= 1.0 for figure in fractions)


@pytest.mark.parametrize("call", [
    lambda e: decode_step("llama-3-8b", "h100", batch=8, context=2048, efficiency=e),
    lambda e: prefill("llama-3-70b", "a100", prompt_tokens=512, devices=4, efficiency=e),
    lambda e: forward_pass("resnet-50", "t4", batch=4, efficiency=e),
])
def test_ideal_by_name_by_object_and_by_default_are_one_result(call):
    default = call(IDEAL)
    assert call("ideal").latency_s == default.latency_s == call(Efficiency()).latency_s
    assert call("calibrated").latency_s > default.latency_s


def test_unknown_profile_name_is_an_error():
    with pytest.raises(ValueError, match="unknown efficiency profile 'real'"):
        decode_step("llama-3-8b", "h100", efficiency="real")
    with pytest.raises(ValueError, match="runtime"):
        Profile(runtime="jit")
    assert efficiency_profile("Calibrated") is CALIBRATED


def test_calibrated_compute_and_memory_times_divide_by_the_cited_fractions():
    split = Efficiency(per_operator=True)  # the ideal factors, operators timed apart
    for hardware, precision in (("h100", "bf16"), ("a100", "fp16"), ("h100", "fp8")):
        spec = catalog.get_hardware(hardware)
        ideal = prefill("llama-3-8b", hardware, prompt_tokens=2048, precision=precision,
                        efficiency=split)
        real = prefill("llama-3-8b", hardware, prompt_tokens=2048, precision=precision,
                       efficiency="calibrated")
        matmul = figures.matmul_fraction(spec.id, precision).value \
            * figures.ENGINE_GEMM_SHAPE.value  # an LLM's layer GEMMs in a serving engine
        stream = figures.memory_stream_fraction(spec.memory_type).value
        attention = figures.attention_fraction(spec.id).value
        if precision == "fp8":  # attention math stays at 16 bits
            attention *= spec.peak("bf16") / spec.peak("fp8")
        (mm_c, mm_m), (at_c, at_m) = ideal.operators
        (rmm_c, rmm_m), (rat_c, rat_m) = real.operators
        assert rmm_c == pytest.approx(mm_c / matmul)
        assert rat_c == pytest.approx(at_c / attention)
        assert (rmm_m, rat_m) == pytest.approx((mm_m / stream, at_m / stream))
        assert real.compute_s == pytest.approx(rmm_c + rat_c)
        assert real.memory_s == pytest.approx(ideal.memory_s / stream)
    # FP8 reaches a smaller fraction of its peak than BF16 on Hopper
    assert figures.matmul_fraction("h100-sxm", "fp8").value < \
        figures.matmul_fraction("h100-sxm", "bf16").value


def test_only_an_llms_layer_gemms_take_the_serving_engine_shape_fraction():
    spec = catalog.get_hardware("v100")
    ideal = forward_pass("resnet-50", spec, batch=64)
    real = forward_pass("resnet-50", spec, batch=64, efficiency="calibrated")
    assert real.compute_s == pytest.approx(
        ideal.compute_s / figures.matmul_fraction(spec.id, "fp16").value)
    assert 0.0 < figures.ENGINE_GEMM_SHAPE.value < 1.0


def test_matmuls_and_attention_are_kernels_whose_times_add():
    kwargs = dict(batch=256, context=256, precision="fp16")
    whole = decode_step("llama-2-7b", "a100", **kwargs)
    split = decode_step("llama-2-7b", "a100", efficiency=Efficiency(per_operator=True),
                        **kwargs)
    (mm_c, mm_m), (at_c, at_m) = split.operators
    assert mm_c > mm_m and at_m > at_c  # compute-bound matmuls, KV-bound attention
    assert split.latency_s == pytest.approx(mm_c + at_m)
    assert split.latency_s > whole.latency_s == pytest.approx(max(mm_c + at_c, mm_m + at_m))
    assert whole.operators == ()
    # when both classes are memory-bound the two compositions agree
    small = dict(batch=1, context=1024)
    assert decode_step("llama-2-7b", "a100", efficiency=Efficiency(per_operator=True),
                       **small).latency_s == pytest.approx(
        decode_step("llama-2-7b", "a100", **small).latency_s)


def test_a_request_sums_its_decode_steps_operator_by_operator():
    prompt, output, batch = 300, 40, 256
    request = request_latency("llama-2-7b", "a100", input_tokens=prompt, output_tokens=output,
                              batch=batch, efficiency="calibrated")
    steps = sum(decode_step("llama-2-7b", "a100", batch=batch, context=prompt + j,
                            efficiency="calibrated").latency_s for j in range(output - 1))
    assert request.decode_s == pytest.approx(steps)


def test_a_prefill_pays_the_request_overhead_once():
    first = prefill("llama-3-8b", "h100", prompt_tokens=512, efficiency="calibrated")
    step = decode_step("llama-3-8b", "h100", context=512, efficiency="calibrated")
    assert first.overhead_s - step.overhead_s == pytest.approx(figures.REQUEST_OVERHEAD_S.value)
    hand = Efficiency(request_overhead_s=0.003)
    assert prefill("llama-3-8b", "h100", prompt_tokens=512, efficiency=hand).latency_s == \
        pytest.approx(prefill("llama-3-8b", "h100", prompt_tokens=512).latency_s + 0.003)
    assert decode_step("llama-3-8b", "h100", efficiency=hand).latency_s == \
        decode_step("llama-3-8b", "h100").latency_s


def test_attention_efficiency_moves_long_prompts_only():
    def ttft(prompt, attention):
        return prefill("llama-3.1-8b", "h100", prompt_tokens=prompt,
                       efficiency=Efficiency(per_operator=True,
                                             attention_efficiency=attention)).latency_s

    assert ttft(32768, 0.5) / ttft(32768, 1.0) > 1.3
    assert ttft(256, 0.5) / ttft(256, 1.0) < 1.05
    with pytest.raises(Exception, match="attention_efficiency"):
        Efficiency(attention_efficiency=1.5)
    with pytest.raises(Exception, match="per_operator"):
        Efficiency(per_operator="yes")


def test_a_device_list_resolves_its_own_figures_per_device():
    both = decode_step("llama-3-8b", ["a100", "h100"], batch=4096, context=128,
                       efficiency="calibrated")
    a100 = decode_step("llama-3-8b", "a100", batch=4096, context=128, efficiency="calibrated")
    h100 = decode_step("llama-3-8b", "h100", batch=4096, context=128, efficiency="calibrated")
    assert np.allclose(both.compute_s, [a100.compute_s, h100.compute_s])


def test_the_fixed_overhead_is_kernel_launches_or_eager_operators():
    model = catalog.get_model("llama-3-8b")
    step = decode_step(model, "h100", efficiency="calibrated")
    assert step.overhead_s == pytest.approx(
        figures.KERNELS_PER_LAYER * model.layers * figures.KERNEL_LAUNCH_S.value)
    resnet = catalog.get_model("resnet-50")
    compiled = forward_pass(resnet, "v100", efficiency="calibrated")
    eager = forward_pass(resnet, "v100", efficiency=Profile(runtime="eager"))
    assert eager.overhead_s == pytest.approx(
        3 * len(resnet.conv_layers) * figures.EAGER_OPERATOR_S.value)
    assert eager.latency_s > 10 * compiled.latency_s > 10 * forward_pass(resnet, "v100").latency_s


def test_each_tensor_parallel_allreduce_pays_the_base_latency():
    model = catalog.get_model("llama-3-70b")
    ideal = decode_step(model, "h100", devices=8)
    real = decode_step(model, "h100", devices=8, efficiency="calibrated")
    base = figures.COLLECTIVE_BASE_LATENCY_S.value
    assert real.communication_s - ideal.communication_s == pytest.approx(
        2 * model.layers * base)


def test_weight_only_schemes_pay_for_dequantisation():
    def speedup(efficiency):
        base = decode_step("llama-3-8b", "h100", batch=1, context=512, efficiency=efficiency)
        fast = decode_step("llama-3-8b", "h100", batch=1, context=512, precision="w4a16",
                           efficiency=efficiency)
        return base.latency_s / fast.latency_s

    assert speedup("ideal") > 3.5
    assert 1.5 < speedup("calibrated") < 2.5
    # a W8A8 scheme computes in 8 bits: no weight-only dequantisation term
    fp8 = decode_step("llama-3-8b", "h100", precision="fp8", efficiency="calibrated")
    assert fp8.overhead_s == pytest.approx(decode_step(
        "llama-3-8b", "h100", efficiency="calibrated").overhead_s)


def test_the_runtime_reserve_gates_feasibility():
    spec = catalog.get_hardware("h100")
    model = catalog.get_model("llama-3-8b")
    per_sequence = decode_step(model, spec, batch=2, context=4096).memory_bytes - \
        decode_step(model, spec, batch=1, context=4096).memory_bytes
    weights = decode_step(model, spec, batch=1, context=4096).memory_bytes - per_sequence
    batch = math.floor((0.95 * spec.memory_capacity - weights) / per_sequence)
    assert decode_step(model, spec, batch=batch, context=4096).feasible
    tight = decode_step(model, spec, batch=batch, context=4096, efficiency="calibrated")
    assert not tight.feasible and math.isnan(tight.latency_s)
    assert tight.memory_bytes > figures.USABLE_MEMORY.value * spec.memory_capacity


def test_hand_set_factors_are_validated_and_used():
    with pytest.raises(Exception, match="weight_stream_efficiency"):
        Efficiency(weight_stream_efficiency=0.0)
    with pytest.raises(Exception, match="layer_overhead_s"):
        Efficiency(layer_overhead_s=-1.0)
    model = catalog.get_model("llama-3-8b")
    step = decode_step(model, "h100", efficiency=Efficiency(layer_overhead_s=1e-5))
    assert step.overhead_s == pytest.approx(model.layers * 1e-5)


def test_quantization_comparisons_take_the_profile():
    from mlsysim_lab.walls.algorithm.quantization import compare_precisions

    ideal = {row.scheme: row.speedup for row in compare_precisions("llama-3-8b", "h100")}
    real = {row.scheme: row.speedup for row in compare_precisions(
        "llama-3-8b", "h100", efficiency="calibrated")}
    assert real["w4a16"] < ideal["w4a16"] / 2 and real["fp8"] < ideal["fp8"]


def test_eval_takes_the_efficiency_profile(capsys):
    import json

    from mlsysim_lab.cli import main

    results = {}
    for name in ("ideal", "calibrated"):
        assert main(["eval", "llama-3-8b", "h100", "--efficiency", name, "--json"]) == 0
        results[name] = json.loads(capsys.readouterr().out)
    assert results["ideal"]["latency_s"] == decode_step("llama-3-8b", "h100").latency_s
    assert results["calibrated"]["latency_s"] == decode_step(
        "llama-3-8b", "h100", efficiency="calibrated").latency_s
    assert results["calibrated"]["efficiency"] == "calibrated"
    with pytest.raises(SystemExit) as refused:
        main(["eval", "llama-3-8b", "h100", "--efficiency", "real"])
    assert refused.value.code == 2
    assert main(["eval", "llama-3-8b", "cerebras-cs2"]) == 0
    assert "regime         weights resident in on-wafer SRAM" in capsys.readouterr().out
