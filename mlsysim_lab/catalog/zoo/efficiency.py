"""Achievable fractions of the datasheet figures: the data of the ``calibrated`` profile.

The solver's default (``ideal``) profile is the roofline *bound*: every device reaches
its dense peak and its printed memory bandwidth, with no fixed costs. Real systems sit
below it. Each figure here is one measured fraction or overhead with its source; the
walls layer (:mod:`mlsysim_lab.walls.node.efficiency`) turns them into the factors of
one step. Where a device has no measurement of its own, the fallback is named in the
figure's note (never a silent guess).

* **Dense matmul**: the Maximum Achievable Matmul FLOPS (MAMF) of large, aligned GEMMs
  as a fraction of the dense peak, per device and precision class (16-bit, 8-bit).
* **Serving-engine GEMMs**: the layer GEMMs of an LLM in a serving engine (shapes set
  by the model's width and the tokens of one step) reach a fraction of MAMF, measured
  on a model outside the validation table.
* **Memory stream**: the achieved fraction of the printed memory bandwidth of a
  streaming kernel, by memory class (HBM, GDDR).
* **Fixed costs**: a per-kernel launch cost times the kernels of one transformer layer
  (a compiled serving engine), a per-operator dispatch cost (an eager framework), a
  per-collective base latency for tensor-parallel all-reduces.
* **Weight-only dequantisation**: the fraction of the ideal byte-reduction speedup that
  weight-only INT4/INT8 kernels reach in memory-bound decode.
* **Attention kernels**: the achieved fraction of the 16-bit peak of fused attention
  (FlashAttention-2 class) in prefill; attention runs as its own kernel, after the
  matmuls, so the calibrated step adds the two operator classes' times (Vidur's
  per-operator composition) instead of letting the KV stream hide under matmul math.
* **Per-request fixed cost**: what a serving engine adds once to a request's first
  token (scheduling, input copy, sampling the first token) beyond the forward pass.
* **Runtime memory reserve**: the share of device memory a serving engine leaves to
  the runtime (CUDA context, allocator, graphs), applied to feasibility.
* **Training MFU**: model-FLOPs utilisation of large dense LLM pre-training, per
  device generation.
"""

from __future__ import annotations

from dataclasses import dataclass

# Imported for its side effect: registers "nccl-tuning-2.20" and the Llama 3 keys.
from mlsysim_lab.catalog.zoo import assumptions as _assumptions_zoo  # noqa: F401
from mlsysim_lab.catalog import references
from mlsysim_lab.catalog.references import Reference

references.register(
    Reference(key="bekman-mamf-2024", title="Machine Learning Engineering Open Book: "
              "Maximum Achievable Matmul FLOPS comparison table", publisher="Stas Bekman",
              year=2024,
              locator="compute/accelerator/README.md, MAMF table, BF16 inputs, no "
                      "sparsity: A100 SXM 267.9 of 312 TFLOPS (85.9%), GH200 821.0 of 989 "
                      "(83.0%), H100 SXM 792.1 of 989 (80.1%), MI300X 781.9 of 1300 (60.1%)",
              url="https://github.com/stas00/ml-engineering/tree/master/compute/"
                  "accelerator#maximum-achievable-matmul-flops-comparison-table"),
    Reference(key="bekman-h200-b200-2026", title="Machine Learning Engineering Open Book: "
              "H200 vs B200, MAMF the realistic ceiling", publisher="Stas Bekman", year=2026,
              locator="MAMF tables: BF16 H100/H200 SXM 794.5 of 989 (80.3%), B200 1745.0 "
                      "of 2250 (77.6%); FP8 H200 SXM 1453.4 of 1979 (73.4%), B200 3432.5 "
                      "of 4500 (76.3%)",
              url="https://github.com/stas00/ml-engineering"),
    Reference(key="jia2018-volta-microbenchmark", title="Dissecting the NVIDIA Volta GPU "
              "Architecture via Microbenchmarking", publisher="Jia, Maggioni, Staiger, "
              "Scarpazza (Citadel); arXiv:1804.06826", year=2018,
              locator="Section 3 / Table 3.1, global memory: V100 achieves 750 GB/s of its "
                      "900 GB/s HBM2 (83%)",
              url="https://arxiv.org/abs/1804.06826"),
    Reference(key="jia2019-turing-microbenchmark", title="Dissecting the NVidia Turing T4 "
              "GPU via Microbenchmarking", publisher="Jia, Maggioni, Smith, Scarpazza "
              "(Citadel); arXiv:1903.07486", year=2019,
              locator="Global memory throughput: T4 achieves about 220 GB/s of its "
                      "320 GB/s GDDR6 (69%)",
              url="https://arxiv.org/abs/1903.07486"),
    Reference(key="nvidia-cuda-graphs-2019", title="Getting Started with CUDA Graphs",
              publisher="NVIDIA Technical Blog (A. Gray)", year=2019,
              locator="Worked example: a short kernel launched in a stream costs about "
                      "3.8 us per kernel including launch overhead; the cost is paid per "
                      "kernel launch",
              url="https://developer.nvidia.com/blog/cuda-graphs/"),
    Reference(key="nvidia-dle-resnet50-pytorch", title="NVIDIA Deep Learning Examples: "
              "ResNet50 v1.5 for PyTorch, inference performance", publisher="NVIDIA on "
              "GitHub", year=2021,
              locator="README, Inference performance results (pytorch-21.03 NGC): latency "
                      "is flat from batch 1 to 8-16 (V100 mixed precision 12.78-13.65 ms, "
                      "FP32 10.24-11.5 ms), the per-operator cost of eager execution",
              url="https://github.com/NVIDIA/DeepLearningExamples/tree/master/PyTorch/"
                  "Classification/ConvNets/resnet50v1.5"),
    Reference(key="vllm-engine-args", title="vLLM documentation: engine arguments "
              "(--gpu-memory-utilization)", publisher="vLLM project", year=2024,
              locator="--gpu-memory-utilization: the fraction of GPU memory used for the "
                      "model executor, default 0.9",
              url="https://docs.vllm.ai/en/latest/serving/engine_args.html"),
    Reference(key="frantar2024-marlin", title="MARLIN: Mixed-Precision Auto-Regressive "
              "Parallel Inference on Large Language Models", publisher="Frantar, Castro, "
              "Chen, Hoefler, Alistarh; arXiv:2408.11743", year=2024,
              locator="Figure 1 and Section 1: widely used open-source 4-bit weight-only "
                      "kernels reach roughly 2x over FP16 at batch 1 (ideal ~4x), and "
                      "less as the batch grows; MARLIN approaches the ideal",
              url="https://arxiv.org/abs/2408.11743"),
    Reference(key="agrawal2024-vidur", title="Vidur: A Large-Scale Simulation Framework "
              "for LLM Inference", publisher="Agrawal, Kedia, Mohan, Gulavani, Ramjee, "
              "Tumanov; MLSys 2024, arXiv:2405.05465", year=2024,
              locator="Section 4 (operator classification and profiling): token-level "
                      "operators (linear layers) and sequence-level operators (attention) "
                      "are profiled and predicted separately; an iteration's time is "
                      "composed from its operators' times",
              url="https://arxiv.org/abs/2405.05465"),
    Reference(key="dao2023-flashattention2", title="FlashAttention-2: Faster Attention with "
              "Better Parallelism and Work Partitioning", publisher="Tri Dao; "
              "arXiv:2307.08691", year=2023,
              locator="Abstract: the forward pass reaches 50-73% of the theoretical maximum "
                      "FLOPs/s on A100",
              url="https://arxiv.org/abs/2307.08691"),
    Reference(key="shah2024-flashattention3", title="FlashAttention-3: Fast and Accurate "
              "Attention with Asynchrony and Low-precision", publisher="Shah, Bikshandi, "
              "Zhang, Thakkar, Ramani, Dao; arXiv:2407.08608", year=2024,
              locator="Abstract: FlashAttention-2 achieves only 35% utilization on the H100 "
                      "GPU; FlashAttention-3 reaches 740 TFLOPs/s (75%) in FP16",
              url="https://arxiv.org/abs/2407.08608"),
    Reference(key="lmdeploy-a100-fp16-v0.1", title="LMDeploy benchmark on A100 (FP16), "
              "static inference", publisher="InternLM (lmdeploy v0.1.0a1, A100-80G, "
              "CUDA 11.8)", year=2023,
              locator="docs/en/benchmark/a100_fp16.md, batch 1: first-token latency "
                      "FTL(ave) at a 1-token prompt against the 50th-percentile per-token "
                      "latency: llama2-7b 0.011 vs 0.009 s, llama2-13b 0.018 vs 0.017 s, "
                      "internlm-20b (TP2) 0.018 vs 0.016 s, llama2-70b (TP4) 0.031 vs "
                      "0.029 s",
              url="https://github.com/InternLM/lmdeploy/blob/main/docs/en/benchmark/"
                  "a100_fp16.md"),
    Reference(key="nvidia-trtllm-v0.5-performance", title="Performance of TensorRT-LLM "
              "(docs/source/performance.md), Low Latency tables", publisher="NVIDIA "
              "TensorRT-LLM v0.5 / v0.6.1 on GitHub", year=2023,
              locator="Low Latency (v0.5 data), batch 1, 1st token latency at a 2,048-token "
                      "prompt: GPT-J 6B 129 ms on A100 FP16, 29 ms on H100 FP8",
              url="https://github.com/NVIDIA/TensorRT-LLM/blob/v0.6.1/docs/source/"
                  "performance.md"),
    Reference(key="zhang2022-opt-efficiency", title="OPT: Open Pre-trained Transformer Language "
              "Models", publisher="Zhang et al. (Meta AI); arXiv:2205.01068", year=2022,
              locator="Section 2.4 (training efficiency): OPT-175B on 992 80GB A100 GPUs "
                      "reaching 147 TFLOP/s utilization per GPU",
              url="https://arxiv.org/abs/2205.01068"),
)


@dataclass(frozen=True, slots=True)
class Figure:
    """One calibrated fraction or overhead, with the reference key it comes from."""

    value: float
    source: str
    note: str

    def citation(self) -> str:
        return references.get(self.source).citation()


_A100 = Figure(267.9 / 312, "bekman-mamf-2024", "A100 SXM BF16 MAMF 267.9 of 312 TFLOPS")
_H100 = Figure(792.1 / 989, "bekman-mamf-2024", "H100 SXM BF16 MAMF 792.1 of 989 TFLOPS")
_H200 = Figure(794.5 / 989, "bekman-h200-b200-2026", "H100/H200 SXM BF16 MAMF 794.5 of 989")
_B200 = Figure(1745.0 / 2250, "bekman-h200-b200-2026", "B200 BF16 MAMF 1745.0 of 2250")
_MI300X = Figure(781.9 / 1300, "bekman-mamf-2024", "MI300X BF16 MAMF 781.9 of 1300 TFLOPS")
_HOPPER_FP8 = Figure(1453.4 / 1979, "bekman-h200-b200-2026", "H200 SXM FP8 MAMF 1453.4 of "
                     "1979 TFLOPS (H100 SXM: the same die and clocks)")
_B200_FP8 = Figure(3432.5 / 4500, "bekman-h200-b200-2026", "B200 FP8 MAMF 3432.5 of 4500")

#: Dense-matmul fraction of the peak, by device id and precision class.
MATMUL: dict[tuple[str, str], Figure] = {
    ("a100-80gb-sxm", "16"): _A100, ("a100-40gb-sxm", "16"): _A100,
    ("h100-sxm", "16"): _H100, ("h200-sxm", "16"): _H200, ("b200", "16"): _B200,
    ("mi300x", "16"): _MI300X,
    ("h100-sxm", "8"): _HOPPER_FP8, ("h200-sxm", "8"): _HOPPER_FP8, ("b200", "8"): _B200_FP8,
}
#: Devices without a measurement of their own: the H100 SXM 16-bit figure.
MATMUL_FALLBACK = Figure(_H100.value, "bekman-mamf-2024",
                         "no MAMF measurement for this device and precision: the H100 SXM "
                         "BF16 figure (80.1%) is used")

#: The layer GEMMs of an LLM in a serving engine against MAMF: GPT-J 6B (a model outside
#: the validation table) on TensorRT-LLM v0.5, 2,048-token prefill. Its matmul FLOPs
#: (2 x 5.637e9 per token: 28 layers x (4 x 4096^2 + 2 x 4096 x 16384)) over the time
#: left after the calibrated fixed costs (launches 28 x 12 x 3.8 us, the 2 ms request
#: cost) and its attention (0.963e12 FLOPs at the FlashAttention-2 fraction) give 0.619
#: of the A100's FP16 peak (0.72 of its MAMF) and 0.509 of the H100's FP8 peak (0.69 of
#: its MAMF); the mean of the two ratios is used for every device and precision.
ENGINE_GEMM_SHAPE = Figure(0.707, "nvidia-trtllm-v0.5-performance",
                           "GPT-J 6B prefill at 2,048 tokens: 0.72 (A100 FP16) and 0.69 "
                           "(H100 FP8) of MAMF; mean 0.707")

#: Achieved fraction of the printed memory bandwidth, by memory class.
MEMORY_STREAM: dict[str, Figure] = {
    "HBM": Figure(750 / 900, "jia2018-volta-microbenchmark",
                  "V100 HBM2: 750 of 900 GB/s; used for every HBM part"),
    "GDDR": Figure(220 / 320, "jia2019-turing-microbenchmark",
                   "T4 GDDR6: 220 of 320 GB/s; used for GDDR and LPDDR parts"),
}

#: A compiled serving engine: kernel launch cost x kernels per transformer layer.
KERNEL_LAUNCH_S = Figure(3.8e-6, "nvidia-cuda-graphs-2019",
                         "about 3.8 us per short kernel including launch overhead")
#: Kernels per transformer layer in a fused serving engine: 2 norms, QKV GEMM, rotary,
#: attention, output GEMM, 2 residual adds, gate/up GEMM, activation, down GEMM, plus
#: one for the sampler share: 12 (a count of the standard decoder layer, not measured).
KERNELS_PER_LAYER = 12
#: An eager framework (PyTorch without graphs): cost per operator, from the flat
#: batch-1..8 latency floor of ResNet-50 (V100 FP32, 10.24 ms over its ~160 operators).
EAGER_OPERATOR_S = Figure(10.24e-3 / 160, "nvidia-dle-resnet50-pytorch",
                          "10.24 ms flat latency floor / ~160 operators of ResNet-50 "
                          "(53 conv, 53 batch-norm, 49 ReLU, 16 add, pool, fc)")
#: NCCL's per-collective base latency (ring, LL protocol), paid once per all-reduce.
COLLECTIVE_BASE_LATENCY_S = Figure(6.6e-6, "nccl-tuning-2.20",
                                   "baseLat, Ring / LL protocol: 6.6 us per collective")
#: Weight-only schemes: achieved fraction of the ideal byte-reduction of the weight
#: stream (a 4-bit kernel reaching 2x of an ideal 4x moves its bytes at half the rate).
DEQUANTISATION: dict[str, Figure] = {
    "int4": Figure(0.5, "frantar2024-marlin", "about 2x of an ideal ~4x at batch 1"),
    "int8": Figure(0.8, "frantar2024-marlin",
                   "8-bit weight-only kernels unpack half as many values per byte; taken "
                   "as 0.8 (the 4-bit loss halved): an estimate, labelled as such"),
}
#: Fused attention (FlashAttention-2 class kernels, 16-bit math): achieved fraction of
#: the device's 16-bit dense peak, by device generation. The engines in the validation
#: table (2023-2024) run FlashAttention-2-class kernels; FlashAttention-3 (75% on H100)
#: is newer than most of them.
ATTENTION: dict[str, Figure] = {
    "a100": Figure(0.50, "dao2023-flashattention2",
                   "FlashAttention-2 forward: 50-73% of the A100's peak; the low end is "
                   "taken for causal prefill at prompts of a few thousand tokens (a "
                   "choice within the published range)"),
    "h100": Figure(0.35, "shah2024-flashattention3",
                   "FlashAttention-2 reaches 35% of the H100's peak (used for H100/H200)"),
}
#: Devices of other generations: the A100 figure, the better-measured one.
ATTENTION_FALLBACK = ATTENTION["a100"]
#: Per-request fixed cost of a serving engine, paid once by the first token: the
#: first-token latency of a 1-token prompt less one decode step, median of four models.
REQUEST_OVERHEAD_S = Figure(2.0e-3, "lmdeploy-a100-fp16-v0.1",
                            "FTL(1-token prompt) - p50 per-token latency: 2, 1, 2, 2 ms "
                            "for llama2-7b, 13b, internlm-20b TP2, llama2-70b TP4 "
                            "(median 2 ms; the table rounds to 1 ms)")
#: The share of device memory a serving engine may use (the rest is the runtime's).
USABLE_MEMORY = Figure(0.9, "vllm-engine-args", "vLLM --gpu-memory-utilization default 0.9")

#: Training MFU of large dense LLM pre-training, by device generation.
TRAINING_MFU: dict[str, Figure] = {
    "a100": Figure(147.0 / 312.0, "zhang2022-opt-efficiency",
                   "OPT-175B: 147 TFLOP/s per A100 of 312 (47%)"),
    "h100": Figure(0.41, "dubey2024-llama3-mfu",
                   "Llama 3 405B: 41% BF16 MFU on 16,384 H100 at 8K sequence length"),
}
TRAINING_MFU_FALLBACK = TRAINING_MFU["h100"]


def matmul_fraction(device_id: str, precision: str) -> Figure:
    """The dense-matmul fraction of ``precision``'s peak on a device (8-bit formats use
    the 8-bit figure, every other format the 16-bit one)."""
    width = "8" if precision in ("fp8", "int8") else "16"
    return MATMUL.get((device_id, width), MATMUL_FALLBACK)


def attention_fraction(device_id: str) -> Figure:
    """The fused-attention fraction of a device's 16-bit peak (Hopper parts: the H100
    figure; A100 and every other device: the A100 one)."""
    if device_id.startswith(("h100", "h200")):
        return ATTENTION["h100"]
    return ATTENTION["a100"] if device_id.startswith("a100") else ATTENTION_FALLBACK


def memory_stream_fraction(memory_type: str) -> Figure | None:
    """The achieved stream fraction of a memory technology (None for on-chip SRAM,
    which no source here measures)."""
    upper = memory_type.upper()
    if upper.startswith("HBM"):
        return MEMORY_STREAM["HBM"]
    if "DDR" in upper:
        return MEMORY_STREAM["GDDR"]
    return None


def training_mfu(device_id: str) -> Figure:
    """The training MFU of a device's generation (A100 or H100-class)."""
    return TRAINING_MFU["a100"] if device_id.startswith("a100") else TRAINING_MFU_FALLBACK
