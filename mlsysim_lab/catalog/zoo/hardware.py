"""The hardware zoo: accelerators from their vendors' datasheets.

Conventions (see :mod:`mlsysim_lab.catalog.hardware`): every figure is entered in the
unit the source prints and stored in base units; ``peak_flops`` holds the vendor's
*dense* peaks only. NVIDIA datasheets print tensor-core figures "with sparsity"
(asterisked); those are entered as ``0.5 * printed`` and the notes say so. Link
bandwidths are stored per direction: a link quoted as a bidirectional total is halved.
Capacities follow the printed figure (``80 GB`` -> 80e9 bytes). Where no public list
price from a citable source exists, ``list_price`` is left unset.
"""

from __future__ import annotations

from mlsysim_lab.catalog import references
from mlsysim_lab.catalog.hardware import (
    GB, KB, MB, PB, TB, GiB, MFLOPS, PFLOPS, TFLOPS, Accelerator, WaferScaleSystem)
from mlsysim_lab.catalog.references import Reference

references.register(
    # --- NVIDIA datacenter GPUs -------------------------------------------------------
    Reference(key="nvidia-v100-datasheet", title="NVIDIA Tesla V100 GPU Accelerator "
              "datasheet", publisher="NVIDIA", year=2018,
              locator="Specifications table, V100 SXM2 column (Deep Learning 125 TFLOPS, "
              "32/16 GB HBM2, 900 GB/s, interconnect 300 GB/s, 300 W)",
              url="https://images.nvidia.com/content/technologies/volta/pdf/"
                  "tesla-volta-v100-datasheet-letter-fnl-web.pdf"),
    Reference(key="nvidia-a100-whitepaper", title="NVIDIA A100 Tensor Core GPU "
              "Architecture (whitepaper)", publisher="NVIDIA", year=2020,
              locator="Table 1, A100 performance specs (dense | sparse per precision, "
              "incl. INT4 Tensor Core)",
              url="https://images.nvidia.com/aem-dam/en-zz/Solutions/data-center/"
                  "nvidia-ampere-architecture-whitepaper.pdf"),
    Reference(key="nvidia-a100-datasheet", title="NVIDIA A100 Tensor Core GPU datasheet",
              publisher="NVIDIA", year=2021,
              locator="Technical specifications table, A100 40GB SXM and A100 80GB SXM "
              "columns (memory, bandwidth, max TDP, NVLink 600 GB/s)",
              url="https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/"
                  "pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf"),
    Reference(key="nvidia-h100-datasheet", title="NVIDIA H100 Tensor Core GPU datasheet",
              publisher="NVIDIA", year=2022,
              locator="Technical specifications table, H100 SXM and H100 PCIe columns "
              "(tensor-core figures marked * are with sparsity)",
              url="https://resources.nvidia.com/en-us-tensor-core/"
                  "nvidia-tensor-core-gpu-datasheet"),
    Reference(key="nvidia-h200-product-page", title="NVIDIA H200 Tensor Core GPU: "
              "technical specifications", publisher="NVIDIA", year=2024,
              locator="Technical specifications, H200 SXM column (figures marked * are "
              "with sparsity)",
              url="https://www.nvidia.com/en-us/data-center/h200/"),
    Reference(key="nvidia-hgx-platform", title="NVIDIA HGX Platform: specifications",
              publisher="NVIDIA", year=2024,
              locator="Specifications table, HGX B200 column (8-GPU totals; FP4, FP8, "
              "INT8, FP16/BF16 and TF32 figures are with sparsity; NVLink GPU-to-GPU "
              "1.8 TB/s)",
              url="https://www.nvidia.com/en-us/data-center/hgx/"),
    Reference(key="nvidia-dgx-b200-datasheet", title="NVIDIA DGX B200 datasheet",
              publisher="NVIDIA", year=2024,
              locator="System specifications: 8x Blackwell GPUs, 1,440 GB total GPU "
              "memory, 64 TB/s HBM3e bandwidth",
              url="https://resources.nvidia.com/en-us-dgx-systems/dgx-b200-datasheet"),
    Reference(key="nvidia-blackwell-datasheet", title="NVIDIA Blackwell architecture "
              "datasheet (GB200 NVL72 / HGX B200 / HGX B100)", publisher="NVIDIA", year=2024,
              locator="Specifications table, HGX B200 column: max TDP 1,000 W per GPU",
              url="https://resources.nvidia.com/en-us-blackwell-architecture/datasheet"),
    # --- NVIDIA inference / edge -------------------------------------------------------
    Reference(key="nvidia-l4-product-page", title="NVIDIA L4 Tensor Core GPU: "
              "specifications", publisher="NVIDIA", year=2023,
              locator="Specifications table (tensor-core figures marked * are with "
              "sparsity; PCIe Gen4 x16 64 GB/s; max TDP 72 W)",
              url="https://www.nvidia.com/en-us/data-center/l4/"),
    Reference(key="nvidia-t4-datasheet", title="NVIDIA T4 Tensor Core GPU datasheet",
              publisher="NVIDIA", year=2019,
              locator="Specifications table (FP32 8.1 TFLOPS, mixed precision FP16/FP32 "
              "65 TFLOPS, INT8 130 TOPS, INT4 260 TOPS, 16 GB GDDR6 300 GB/s, "
              "interconnect 32 GB/s, 70 W)",
              url="https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/"
                  "tesla-t4/t4-tensor-core-datasheet-951643.pdf"),
    Reference(key="nvidia-jetson-agx-orin-brief", title="NVIDIA Jetson AGX Orin Series "
              "Technical Brief v1.2", publisher="NVIDIA", year=2022,
              locator="GPU section (2048 CUDA cores: 5.3 FP32 TFLOPS; 64 Tensor Cores: "
              "170 sparse INT8 TOPS) and module table (64 GB 256-bit LPDDR5 204.8 GB/s, "
              "15 W - 60 W)",
              url="https://www.nvidia.com/content/dam/en-zz/Solutions/gtcf21/jetson-orin/"
                  "nvidia-jetson-agx-orin-technical-brief.pdf"),
    Reference(key="nvidia-dla-sw", title="NVIDIA Deep-Learning-Accelerator-SW (README: "
              "GPU vs DLA share of Orin peak INT8)", publisher="NVIDIA on GitHub",
              year=2023, locator="README table: Jetson AGX Orin 64GB, MAXN: GPU 171 sparse "
              "INT8 TOPS, 2x DLA 105 sparse INT8 TOPS",
              url="https://github.com/NVIDIA/Deep-Learning-Accelerator-SW"),
    # --- AMD ----------------------------------------------------------------------------
    Reference(key="amd-mi300x-datasheet", title="AMD Instinct MI300X Accelerator data "
              "sheet", publisher="AMD", year=2023,
              locator="Specifications table (peak dense and with-sparsity figures listed "
              "separately; 192 GB HBM3, 5.3 TB/s, 750 W; Infinity Fabric 128 GB/s per "
              "link)",
              url="https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/"
                  "data-sheets/amd-instinct-mi300x-data-sheet.pdf"),
    # --- Google TPUs --------------------------------------------------------------------
    Reference(key="google-tpu-v4-docs", title="Cloud TPU v4: system architecture",
              publisher="Google Cloud documentation", year=2025,
              locator="Key specifications table: peak compute per chip 275 teraflops (bf16 "
              "or int8); HBM2 capacity and bandwidth 32 GiB, 1200 GBps; measured "
              "min/mean/max power 90/170/192 W; pod of 4,096 chips, 3D mesh/torus",
              url="https://cloud.google.com/tpu/docs/v4"),
    Reference(key="google-tpu-v5e-docs", title="Cloud TPU v5e: system architecture",
              publisher="Google Cloud documentation", year=2024,
              locator="Key chip specifications table (bf16 197 TFLOPs, Int8 393 TOPs, "
              "HBM2 16 GB at 819 GBps, bidirectional ICI 400 GBps per chip)",
              url="https://cloud.google.com/tpu/docs/v5e"),
    Reference(key="google-tpu-v5p-docs", title="Cloud TPU v5p: system architecture",
              publisher="Google Cloud documentation", year=2024,
              locator="Key specifications table (HBM2e 95 GB at 2765 GBps; bidirectional "
              "ICI 1200 GBps per chip = 4800 Gbps)",
              url="https://cloud.google.com/tpu/docs/v5p"),
    Reference(key="google-tpu-v5p-blog", title="Introducing Cloud TPU v5p and AI "
              "Hypercomputer", publisher="Google Cloud Blog", year=2023,
              locator="TPU v5p specifications (459 TFLOPs bf16, 918 TOPs int8 per chip)",
              url="https://cloud.google.com/blog/products/ai-machine-learning/"
                  "introducing-cloud-tpu-v5p-and-ai-hypercomputer"),
    # --- Microcontroller ----------------------------------------------------------------
    Reference(key="nordic-nrf52840-ps", title="nRF52840 Product Specification",
              publisher="Nordic Semiconductor", year=2021,
              locator="Key features; CPU chapter (Arm Cortex-M4 with FPU at 64 MHz); "
              "Memory chapter (1 MB flash, 256 KB RAM)",
              url="https://docs.nordicsemi.com/bundle/ps_nrf52840/page/"
                  "keyfeatures_html5.html"),
    Reference(key="arm-cortex-m4-trm", title="ARM Cortex-M4 Processor Technical Reference "
              "Manual, r0p1 (ARM DDI 0439B)", publisher="ARM", year=2010,
              locator="Table 3-1 (SMLAD dual 16-bit MAC: 1 cycle); Table 7-1 (FPU: "
              "VADD.F32/VMUL.F32 1 cycle, VMLA/VFMA.F32 3 cycles); Section 2.3 "
              "(32-bit AHB-Lite bus interfaces)",
              url="https://developer.arm.com/documentation/ddi0439/b/"),
    # --- Wafer scale --------------------------------------------------------------------
    Reference(key="cerebras-wse2-2021", title="Cerebras Systems Smashes the 2.5 Trillion "
              "Transistor Mark with New Second Generation Wafer Scale Engine",
              publisher="Cerebras Systems (press release)", year=2021,
              locator="WSE-2 specifications: 850,000 cores, 40 GB on-chip SRAM, 20 PB/s "
              "memory bandwidth",
              url="https://www.cerebras.net/press-release/cerebras-systems-smashes-the-2-"
                  "5-trillion-transistor-mark-with-new-second-generation-wafer-scale-engine"),
    Reference(key="cerebras-memoryx-2021", title="Cerebras Systems Announces World's First "
              "Brain-Scale Artificial Intelligence Solution", publisher="Cerebras Systems "
              "(press release)", year=2021,
              locator="MemoryX: up to 2.4 PB of off-wafer weight storage (120-trillion-"
              "parameter models)",
              url="https://www.cerebras.net/press-release/cerebras-systems-announces-"
                  "worlds-first-brain-scale-artificial-intelligence-solution"),
    Reference(key="lie2022-cerebras-deep-dive", title="Cerebras Architecture Deep Dive: "
              "First Look Inside the HW/SW Co-Design for Deep Learning",
              publisher="Sean Lie, Cerebras Systems; Hot Chips 34 (IEEE Micro 43(3), 2023)",
              year=2022, locator="Core architecture: 1.1 GHz core clock, 48 kB SRAM per "
              "core, SIMD datapath",
              url="https://www.cerebras.net/blog/cerebras-architecture-deep-dive-first-"
                  "look-inside-the-hw/sw-co-design-for-deep-learning"),
    Reference(key="nextplatform2024-cerebras-wse3", title="Cerebras Goes Hyperscale With "
              "Third Gen Waferscale Supercomputers", publisher="The Next Platform",
              year=2024, locator="WSE-3 has an eight-wide FP16 SIMD unit, up from the "
              "four-wide SIMD engine of WSE-1 and WSE-2",
              url="https://www.nextplatform.com/2024/03/14/cerebras-goes-hyperscale-with-"
                  "third-gen-waferscale-supercomputers/"),
    Reference(key="alcf-cerebras-overview", title="AI accelerators tutorial (SC24): "
              "Cerebras system overview", publisher="Argonne Leadership Computing Facility",
              year=2024, locator="Overview: each CS system provides 1.2 Tbps I/O to and "
              "from the wafer; weights are streamed layer by layer",
              url="https://github.com/argonne-lcf/AIaccelerators-SC24-tutorial"),
)


# ======================================================================================
# NVIDIA datacenter GPUs, by generation
# ======================================================================================

V100_SXM2_32GB = Accelerator(
    id="v100-sxm2-32gb", name="NVIDIA V100 SXM2 32GB", aliases=("v100",),
    vendor="NVIDIA", kind="gpu", year=2018,
    peak_flops={
        "fp32": 15.7 * TFLOPS,
        "fp16": 125 * TFLOPS,   # "Deep Learning" tensor-core peak (FP16 in, FP32 acc.)
    },
    memory_capacity=32 * GB, memory_bandwidth=900 * GB, memory_type="HBM2",
    tdp=300, scale_up_bandwidth=150 * GB, scale_up_link="NVLink 2",
    sources={"peak_flops": "nvidia-v100-datasheet", "memory_capacity": "nvidia-v100-datasheet",
             "memory_bandwidth": "nvidia-v100-datasheet", "tdp": "nvidia-v100-datasheet",
             "scale_up_bandwidth": "nvidia-v100-datasheet"},
    notes="Volta has no sparsity, so datasheet peaks are dense. The 125 TFLOPS "
          "'Deep Learning' figure is the FP16 tensor-core peak (FP32 accumulate); Volta "
          "has no TF32, BF16 or INT8 tensor-core peak, so none is listed. NVLink 2 is "
          "quoted as 300 GB/s total bidirectional (6 links); stored as 150 GB/s per "
          "direction.")

A100_40GB_SXM = Accelerator(
    id="a100-40gb-sxm", name="NVIDIA A100 40GB SXM", aliases=("a100-40gb",),
    vendor="NVIDIA", kind="gpu", year=2020,
    peak_flops={
        "fp32": 19.5 * TFLOPS,
        "tf32": 156 * TFLOPS,
        "fp16": 312 * TFLOPS,
        "bf16": 312 * TFLOPS,
        "int8": 624 * TFLOPS,    # TOPS
        "int4": 1248 * TFLOPS,   # TOPS
    },
    memory_capacity=40 * GB, memory_bandwidth=1555 * GB, memory_type="HBM2",
    tdp=400, scale_up_bandwidth=300 * GB, scale_up_link="NVLink 3",
    sources={"peak_flops": "nvidia-a100-whitepaper", "memory_capacity": "nvidia-a100-datasheet",
             "memory_bandwidth": "nvidia-a100-datasheet", "tdp": "nvidia-a100-datasheet",
             "scale_up_bandwidth": "nvidia-a100-datasheet"},
    notes="Peaks are the dense column of the Ampere whitepaper's Table 1 (the sparse "
          "column is exactly 2x and is not used); the whitepaper also gives the INT4 "
          "tensor-core peak, which the datasheet omits. Integer peaks are OP/s. NVLink 3 "
          "is quoted as 600 GB/s total bidirectional (12 links); stored as 300 GB/s per "
          "direction.")

A100_80GB_SXM = Accelerator(
    id="a100-80gb-sxm", name="NVIDIA A100 80GB SXM", aliases=("a100", "a100-80gb"),
    vendor="NVIDIA", kind="gpu", year=2020,
    peak_flops=dict(A100_40GB_SXM.peak_flops),
    memory_capacity=80 * GB, memory_bandwidth=2039 * GB, memory_type="HBM2e",
    tdp=400, scale_up_bandwidth=300 * GB, scale_up_link="NVLink 3",
    sources={"peak_flops": "nvidia-a100-whitepaper", "memory_capacity": "nvidia-a100-datasheet",
             "memory_bandwidth": "nvidia-a100-datasheet", "tdp": "nvidia-a100-datasheet",
             "scale_up_bandwidth": "nvidia-a100-datasheet"},
    notes="Same GA100 compute as the 40GB part (dense peaks from the Ampere whitepaper "
          "Table 1, which the datasheet repeats for both SXM parts); only the HBM2e "
          "memory differs. NVLink 3 is quoted as 600 GB/s total bidirectional; stored as "
          "300 GB/s per direction.")

H100_SXM = Accelerator(
    id="h100-sxm", name="NVIDIA H100 SXM", aliases=("h100", "h100-sxm5"),
    vendor="NVIDIA", kind="gpu", year=2022,
    peak_flops={
        "fp32": 67 * TFLOPS,
        "tf32": 0.5 * 989 * TFLOPS,     # datasheet: 989* (with sparsity)
        "fp16": 0.5 * 1979 * TFLOPS,    # datasheet: 1,979*
        "bf16": 0.5 * 1979 * TFLOPS,    # datasheet: 1,979*
        "fp8": 0.5 * 3958 * TFLOPS,     # datasheet: 3,958*
        "int8": 0.5 * 3958 * TFLOPS,    # datasheet: 3,958* TOPS
    },
    memory_capacity=80 * GB, memory_bandwidth=3.35 * TB, memory_type="HBM3",
    tdp=700, scale_up_bandwidth=450 * GB, scale_up_link="NVLink 4",
    sources={"peak_flops": "nvidia-h100-datasheet", "memory_capacity": "nvidia-h100-datasheet",
             "memory_bandwidth": "nvidia-h100-datasheet", "tdp": "nvidia-h100-datasheet",
             "scale_up_bandwidth": "nvidia-h100-datasheet"},
    notes="The datasheet prints TF32/FP16/BF16/FP8/INT8 tensor-core peaks with "
          "sparsity (asterisked); the dense peaks stored here are half of them (e.g. "
          "BF16 989.5 TFLOP/s; the Hopper whitepaper prints 989.4). FP32 is the non-tensor "
          "peak. Hopper has no INT4 tensor-core peak. NVLink 4 is quoted as 900 GB/s total "
          "bidirectional (18 links); stored as 450 GB/s per direction. Max TDP is "
          "'up to 700 W (configurable)'.")

H100_PCIE = Accelerator(
    id="h100-pcie", name="NVIDIA H100 PCIe", aliases=(),
    vendor="NVIDIA", kind="gpu", year=2022,
    peak_flops={
        "fp32": 51 * TFLOPS,
        "tf32": 0.5 * 756 * TFLOPS,     # datasheet: 756* (with sparsity)
        "fp16": 0.5 * 1513 * TFLOPS,    # datasheet: 1,513*
        "bf16": 0.5 * 1513 * TFLOPS,    # datasheet: 1,513*
        "fp8": 0.5 * 3026 * TFLOPS,     # datasheet: 3,026*
        "int8": 0.5 * 3026 * TFLOPS,    # datasheet: 3,026* TOPS
    },
    memory_capacity=80 * GB, memory_bandwidth=2 * TB, memory_type="HBM2e",
    tdp=350, scale_up_bandwidth=64 * GB, scale_up_link="PCIe Gen5 x16",
    sources={"peak_flops": "nvidia-h100-datasheet", "memory_capacity": "nvidia-h100-datasheet",
             "memory_bandwidth": "nvidia-h100-datasheet", "tdp": "nvidia-h100-datasheet",
             "scale_up_bandwidth": "nvidia-h100-datasheet"},
    notes="Tensor-core peaks are half of the datasheet's with-sparsity figures. Max TDP "
          "is printed as 300-350 W (configurable); the upper bound is stored. The scale-up "
          "link stored is PCIe Gen5 x16, printed as 128 GB/s total, i.e. 64 GB/s per "
          "direction: an optional NVLink bridge joins only pairs of cards (600 GB/s total, "
          "300 GB/s per direction), so PCIe is the path for collectives across a server.")

H200_SXM = Accelerator(
    id="h200-sxm", name="NVIDIA H200 SXM", aliases=("h200",),
    vendor="NVIDIA", kind="gpu", year=2024,
    peak_flops={
        "fp32": 67 * TFLOPS,
        "tf32": 0.5 * 989 * TFLOPS,     # spec page: 989* (with sparsity)
        "fp16": 0.5 * 1979 * TFLOPS,    # 1,979*
        "bf16": 0.5 * 1979 * TFLOPS,    # 1,979*
        "fp8": 0.5 * 3958 * TFLOPS,     # 3,958*
        "int8": 0.5 * 3958 * TFLOPS,    # 3,958* TOPS
    },
    memory_capacity=141 * GB, memory_bandwidth=4.8 * TB, memory_type="HBM3e",
    tdp=700, scale_up_bandwidth=450 * GB, scale_up_link="NVLink 4",
    sources={"peak_flops": "nvidia-h200-product-page",
             "memory_capacity": "nvidia-h200-product-page",
             "memory_bandwidth": "nvidia-h200-product-page",
             "tdp": "nvidia-h200-product-page",
             "scale_up_bandwidth": "nvidia-h200-product-page"},
    notes="Same Hopper compute as the H100 SXM (tensor-core peaks printed with sparsity, "
          "halved here); more and faster HBM3e. Max TDP is 'up to 700 W (configurable)'. "
          "NVLink 4 is quoted as 900 GB/s total bidirectional; stored as 450 GB/s per "
          "direction.")

B200 = Accelerator(
    id="b200", name="NVIDIA B200 (HGX B200, per GPU)", aliases=("hgx-b200",),
    vendor="NVIDIA", kind="gpu", year=2024,
    peak_flops={
        "fp32": 600 / 8 * TFLOPS,              # HGX B200 8-GPU: 600 TFLOPS
        "tf32": 0.5 * 18 / 8 * PFLOPS,         # 8-GPU: 18 PFLOPS (sparse)
        "fp16": 0.5 * 36 / 8 * PFLOPS,         # 8-GPU: 36 PFLOPS (sparse)
        "bf16": 0.5 * 36 / 8 * PFLOPS,         # 8-GPU: 36 PFLOPS (sparse)
        "fp8": 0.5 * 72 / 8 * PFLOPS,          # 8-GPU: 72 PFLOPS (sparse)
        "int8": 0.5 * 72 / 8 * PFLOPS,         # 8-GPU: 72 POPS (sparse)
        "fp4": 0.5 * 144 / 8 * PFLOPS,         # 8-GPU: 144 PFLOPS (sparse)
    },
    memory_capacity=1440 / 8 * GB, memory_bandwidth=64 / 8 * TB, memory_type="HBM3e",
    tdp=1000, scale_up_bandwidth=900 * GB, scale_up_link="NVLink 5",
    sources={"peak_flops": "nvidia-hgx-platform",
             "memory_capacity": "nvidia-dgx-b200-datasheet",
             "memory_bandwidth": "nvidia-dgx-b200-datasheet",
             "tdp": "nvidia-blackwell-datasheet",
             "scale_up_bandwidth": "nvidia-hgx-platform"},
    notes="Per-GPU figures of the 8-GPU HGX B200 board: the vendor prints 8-GPU totals, "
          "entered here as total / 8. FP4, FP8, INT8, FP16/BF16 and TF32 totals are "
          "printed with sparsity and halved (dense per GPU: FP16/BF16 2.25 PFLOP/s, FP8 "
          "4.5 PFLOP/s, FP4 9 PFLOP/s). The earlier Blackwell datasheet printed slightly "
          "higher per-GPU FP32 (80 TFLOP/s) and TF32 (2.2 PFLOP/s sparse); the current "
          "HGX page is used. Memory is the DGX B200 total (1,440 GB, 64 TB/s) / 8: the "
          "part carries 192 GB of HBM3e of which 180 GB is exposed in HGX/DGX systems. "
          "NVLink 5 is quoted as 1.8 TB/s total bidirectional per GPU; stored as 900 GB/s "
          "per direction. TDP is the 1,000 W HGX B200 configuration.")


# ======================================================================================
# AMD
# ======================================================================================

MI300X = Accelerator(
    id="mi300x", name="AMD Instinct MI300X", aliases=("mi300",),
    vendor="AMD", kind="gpu", year=2023,
    peak_flops={
        "fp32": 163.4 * TFLOPS,
        "tf32": 653.7 * TFLOPS,
        "fp16": 1307.4 * TFLOPS,
        "bf16": 1307.4 * TFLOPS,
        "fp8": 2614.9 * TFLOPS,
        "int8": 2614.9 * TFLOPS,   # TOPS
    },
    memory_capacity=192 * GB, memory_bandwidth=5.3 * TB, memory_type="HBM3",
    tdp=750, scale_up_bandwidth=448 * GB, scale_up_link="Infinity Fabric (7 links)",
    sources={"peak_flops": "amd-mi300x-datasheet", "memory_capacity": "amd-mi300x-datasheet",
             "memory_bandwidth": "amd-mi300x-datasheet", "tdp": "amd-mi300x-datasheet",
             "scale_up_bandwidth": "amd-mi300x-datasheet"},
    notes="AMD prints dense and with-sparsity peaks as separate rows; the dense ones are "
          "used (e.g. FP16 1,307.4 dense vs 2,614.9 with sparsity). FP32 is the vector/"
          "matrix FP32 peak (both 163.4). TDP is the 750 W typical board power. Each of the "
          "7 GPU-to-GPU Infinity Fabric links is quoted as 128 GB/s (bidirectional), "
          "896 GB/s aggregate; stored as 7 x 64 = 448 GB/s per direction.")


# ======================================================================================
# Google TPUs
# ======================================================================================

TPU_V4 = Accelerator(
    id="tpu-v4", name="Google Cloud TPU v4 (per chip)", aliases=("v4",),
    vendor="Google", kind="tpu", year=2021,
    peak_flops={
        "bf16": 275 * TFLOPS,
        "int8": 275 * TFLOPS,   # TOPS
    },
    memory_capacity=32 * GiB, memory_bandwidth=1200 * GB, memory_type="HBM2",
    tdp=192.0, scale_up_bandwidth=None, scale_up_link="ICI (3D torus, 6 ports)",
    sources={"peak_flops": "google-tpu-v4-docs", "memory_capacity": "google-tpu-v4-docs",
             "memory_bandwidth": "google-tpu-v4-docs", "tdp": "google-tpu-v4-docs"},
    notes="Two TensorCores per chip; the chip PaLM was trained on (6,144 chips). The docs "
          "print 275 teraflops for bf16 and int8 alike. Capacity is printed as 32 GiB and "
          "recorded as such (34.4 x 10^9 bytes). tdp holds the MEASURED maximum power, 192 W "
          "(mean 170 W, minimum 90 W): Google publishes no rated TDP. The docs give pod-level "
          "ICI figures only, so the per-chip scale-up bandwidth is unset.")

TPU_V5E = Accelerator(
    id="tpu-v5e", name="Google Cloud TPU v5e (per chip)", aliases=("v5e",),
    vendor="Google", kind="tpu", year=2023,
    peak_flops={
        "bf16": 197 * TFLOPS,
        "int8": 393 * TFLOPS,   # TOPS
    },
    memory_capacity=16 * GB, memory_bandwidth=819 * GB, memory_type="HBM2",
    tdp=None, scale_up_bandwidth=200 * GB, scale_up_link="ICI (2D torus, 4 ports)",
    sources={"peak_flops": "google-tpu-v5e-docs", "memory_capacity": "google-tpu-v5e-docs",
             "memory_bandwidth": "google-tpu-v5e-docs",
             "scale_up_bandwidth": "google-tpu-v5e-docs"},
    notes="One TensorCore per chip. The docs table prints Int8 as 393 TOPs (the 2023 "
          "launch announcement said 394). Google publishes no per-chip power, so tdp is "
          "unset. Capacity is recorded as printed, 16 GB (the current English table; "
          "one revision prints the bandwidth as 800 GiBps). ICI is printed as 400 GBps "
          "bidirectional per chip (older page: 1,600 "
          "Gbps); stored as 200 GB/s per direction. Cloud prices are per chip-hour, not a "
          "list price.")

TPU_V5P = Accelerator(
    id="tpu-v5p", name="Google Cloud TPU v5p (per chip)", aliases=("v5p",),
    vendor="Google", kind="tpu", year=2023,
    peak_flops={
        "bf16": 459 * TFLOPS,
        "int8": 918 * TFLOPS,   # TOPS
    },
    memory_capacity=95 * GiB, memory_bandwidth=2765 * GB, memory_type="HBM2e",
    tdp=None, scale_up_bandwidth=600 * GB, scale_up_link="ICI (3D torus)",
    sources={"peak_flops": "google-tpu-v5p-blog", "memory_capacity": "google-tpu-v5p-docs",
             "memory_bandwidth": "google-tpu-v5p-docs",
             "scale_up_bandwidth": "google-tpu-v5p-docs"},
    notes="Two TensorCores per chip. Peaks from the launch post (459 TFLOPs bf16, 918 "
          "TOPs int8); the current docs table lists bf16 and FP8 at 459 and no int8. "
          "Capacity: the current table prints 95 GiB (an older revision printed 95 GB); "
          "recorded as printed now, 95 GiB = 102 x 10^9 bytes. ICI "
          "is 4,800 Gbps = 1,200 GBps bidirectional per chip; stored as 600 GB/s per "
          "direction. No per-chip power is published, so tdp is unset.")


# ======================================================================================
# Inference and edge
# ======================================================================================

L4 = Accelerator(
    id="l4", name="NVIDIA L4", aliases=("nvidia-l4",),
    vendor="NVIDIA", kind="gpu", year=2023,
    peak_flops={
        "fp32": 30.3 * TFLOPS,
        "tf32": 0.5 * 120 * TFLOPS,     # printed: 120* (with sparsity)
        "fp16": 0.5 * 242 * TFLOPS,     # 242*
        "bf16": 0.5 * 242 * TFLOPS,     # 242*
        "fp8": 0.5 * 485 * TFLOPS,      # 485*
        "int8": 0.5 * 485 * TFLOPS,     # 485* TOPS
    },
    memory_capacity=24 * GB, memory_bandwidth=300 * GB, memory_type="GDDR6",
    tdp=72, scale_up_bandwidth=32 * GB, scale_up_link="PCIe Gen4 x16",
    sources={"peak_flops": "nvidia-l4-product-page",
             "memory_capacity": "nvidia-l4-product-page",
             "memory_bandwidth": "nvidia-l4-product-page", "tdp": "nvidia-l4-product-page",
             "scale_up_bandwidth": "nvidia-l4-product-page"},
    notes="Tensor-core peaks are printed with sparsity and halved here (FP16/BF16 121, "
          "FP8/INT8 242.5 dense). PCIe-only card: PCIe Gen4 x16 is printed as 64 GB/s "
          "total, stored as 32 GB/s per direction.")

T4 = Accelerator(
    id="t4", name="NVIDIA T4", aliases=("tesla-t4",),
    vendor="NVIDIA", kind="gpu", year=2018,
    peak_flops={
        "fp32": 8.1 * TFLOPS,
        "fp16": 65 * TFLOPS,    # "Mixed precision (FP16/FP32)" tensor-core peak
        "int8": 130 * TFLOPS,   # TOPS
        "int4": 260 * TFLOPS,   # TOPS
    },
    memory_capacity=16 * GB, memory_bandwidth=300 * GB, memory_type="GDDR6",
    tdp=70, scale_up_bandwidth=16 * GB, scale_up_link="PCIe Gen3 x16",
    sources={"peak_flops": "nvidia-t4-datasheet", "memory_capacity": "nvidia-t4-datasheet",
             "memory_bandwidth": "nvidia-t4-datasheet", "tdp": "nvidia-t4-datasheet",
             "scale_up_bandwidth": "nvidia-t4-datasheet"},
    notes="Turing has no structured sparsity, so datasheet peaks are dense. Turing "
          "tensor cores have no TF32 or BF16 mode. Memory bandwidth is the datasheet's "
          "300 GB/s (the board product brief says up to 320 GB/s). PCIe-only card: the "
          "datasheet's 32 GB/s interconnect (PCIe Gen3 x16, both directions) is stored as "
          "16 GB/s per direction.")

JETSON_AGX_ORIN_64GB = Accelerator(
    id="jetson-agx-orin-64gb", name="NVIDIA Jetson AGX Orin 64GB (GPU)",
    aliases=("jetson-orin", "agx-orin"),
    vendor="NVIDIA", kind="edge", year=2022,
    peak_flops={
        "fp32": 5.3 * TFLOPS,
        "fp16": 0.25 * 170 * TFLOPS,    # derived: half the dense INT8 rate (see notes)
        "int8": 0.5 * 170 * TFLOPS,     # printed: 170 sparse INT8 TOPS (GPU only)
    },
    memory_capacity=64 * GB, memory_bandwidth=204.8 * GB, memory_type="LPDDR5",
    tdp=60, scale_up_bandwidth=None, scale_up_link=None,
    sources={"peak_flops": "nvidia-jetson-agx-orin-brief",
             "memory_capacity": "nvidia-jetson-agx-orin-brief",
             "memory_bandwidth": "nvidia-jetson-agx-orin-brief",
             "tdp": "nvidia-jetson-agx-orin-brief"},
    notes="GPU figures only; the two DLA engines are EXCLUDED (the headline 275 TOPS is "
          "GPU ~170 + 2x DLA 105 sparse INT8 TOPS, per NVIDIA's DLA-SW README "
          "[nvidia-dla-sw]). INT8: the printed 170 sparse TOPS halved to 85 dense. FP16 is "
          "not printed as a dense figure; 42.5 TFLOP/s is derived as half the dense INT8 "
          "rate, the Ampere tensor-core ratio (cf. A100: INT8 624 TOPS, FP16 312 TFLOPS). "
          "FP32 is the CUDA-core peak (2048 cores x 2 x 1.3 GHz). The 64 GB LPDDR5 is "
          "shared by CPU and GPU. TDP is the top of the 15-60 W configurable range (MAXN).")


# ======================================================================================
# Microcontroller
# ======================================================================================

NANO_33_BLE_SENSE = Accelerator(
    id="arduino-nano-33-ble-sense", name="Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F)",
    aliases=("nano-33-ble-sense", "nrf52840"),
    vendor="Arduino / Nordic Semiconductor", kind="mcu", year=2019,
    peak_flops={
        "fp32": 64 * MFLOPS,     # 64 MHz x 1 FLOP/cycle (single-issue VADD/VMUL.F32)
        "int8": 256 * MFLOPS,    # 64 MHz x 4 OP/cycle (SMLAD: two 16-bit MACs)
    },
    memory_capacity=256 * KB, memory_bandwidth=256 * MB, memory_type="SRAM",
    tdp=None, scale_up_bandwidth=None, scale_up_link=None,
    sources={"peak_flops": "arm-cortex-m4-trm", "memory_capacity": "nordic-nrf52840-ps",
             "memory_bandwidth": "arm-cortex-m4-trm"},
    notes="No vendor publishes a FLOP/s figure for a microcontroller; the peaks are "
          "derived. Clock: 64 MHz Cortex-M4 with single-precision FPU (nRF52840 PS). FP32: "
          "VADD.F32 and VMUL.F32 issue one per cycle while VFMA/VMLA.F32 take 3 cycles for "
          "2 FLOPs (Cortex-M4 TRM Table 7-1), so the peak is 1 FLOP/cycle = 64 MFLOP/s; "
          "there is no FP16 arithmetic. INT8: the DSP extension's SMLAD does two 16x16 "
          "multiply-accumulates in 1 cycle (TRM Table 3-1) = 4 OP/cycle = 256 MOP/s; int8 "
          "kernels (CMSIS-NN) widen int8 to 16-bit lanes first, so sustained rates are "
          "lower. Memory is the 256 KB on-chip SRAM (stored as 256e3 B per the capacity "
          "rule; physically 256 KiB = 262,144 B), holding activations; weights usually sit "
          "in the 1 MB flash. Bandwidth: one 32-bit load per cycle on the AHB-Lite data bus "
          "= 4 B x 64 MHz = 256 MB/s. No TDP is published (the chip draws a few mW).")


# ======================================================================================
# Wafer scale
# ======================================================================================

CEREBRAS_CS2 = WaferScaleSystem(
    id="cerebras-cs2", name="Cerebras CS-2 (WSE-2)", aliases=("cs-2", "wse-2"),
    vendor="Cerebras", kind="wafer", year=2021,
    peak_flops={
        # derived: 850,000 cores x 4-wide FP16 SIMD x 2 FLOP/FMAC x 1.1 GHz
        "fp16": 850_000 * 4 * 2 * 1100 * MFLOPS,
    },
    memory_capacity=40 * GB, memory_bandwidth=20 * PB, memory_type="SRAM (on-wafer)",
    tdp=None, scale_up_bandwidth=None, scale_up_link=None,
    external_memory_capacity=2.4 * PB, injection_bandwidth=12 * 100 / 8 * GB,
    sources={"peak_flops": "lie2022-cerebras-deep-dive",
             "memory_capacity": "cerebras-wse2-2021",
             "memory_bandwidth": "cerebras-wse2-2021",
             "external_memory_capacity": "cerebras-memoryx-2021",
             "injection_bandwidth": "alcf-cerebras-overview"},
    notes="Cerebras publishes no dense FLOP/s figure for WSE-2 (its 'peak AI' figures "
          "assume unstructured sparsity). The dense FP16 peak is derived: 850,000 cores "
          "[cerebras-wse2-2021] x 1.1 GHz [lie2022-cerebras-deep-dive] x a four-wide FP16 "
          "SIMD FMAC per core [nextplatform2024-cerebras-wse3] x 2 FLOP = 7.48 PFLOP/s. "
          "Memory is the 40 GB of on-wafer SRAM at 20 PB/s. External memory is MemoryX "
          "(up to 2.4 PB), which streams weights in layer by layer. Injection bandwidth is "
          "the system's 12 x 100 GbE I/O = 1.2 Tb/s = 150 GB/s into the wafer. No "
          "scale-up link: CS-2s scale out through SwarmX over the same Ethernet. System "
          "power is not stated in the sources used, so tdp is unset.")


HARDWARE: tuple[Accelerator, ...] = (
    V100_SXM2_32GB,
    A100_40GB_SXM,
    A100_80GB_SXM,
    H100_SXM,
    H100_PCIE,
    H200_SXM,
    B200,
    MI300X,
    TPU_V4,
    TPU_V5E,
    TPU_V5P,
    L4,
    T4,
    JETSON_AGX_ORIN_64GB,
    NANO_33_BLE_SENSE,
    CEREBRAS_CS2,
)
