"""The infrastructure zoo: fabrics, nodes, storage tiers, clusters and regions.

Conventions (see :mod:`mlsysim_lab.catalog.infrastructure`): every figure is entered in
the unit its source prints and stored in base units. Link bandwidths are stored per
direction: a figure quoted as a bidirectional total is halved, and a line rate printed in
Gb/s is divided by 8. Latencies are the per-message, per-step *alpha* of the alpha-beta
collective model, taken from the hardware-latency tables of the NCCL / RCCL cost models
(what the libraries themselves assume per ring step for small messages), not from switch
port-to-port figures, which are an order of magnitude smaller. Grid intensities are
life-cycle gCO2e per kWh generated (one scope and year for every region, see the Regions
section), water in litres/kWh, electricity prices in USD/kWh. A figure that could not be
sourced is left ``None``; where a required field had no region-specific source the notes
say which cited fallback was used.
"""

from __future__ import annotations

# Imported for their side effect: they register the reference keys reused below
# (nvidia-a100-datasheet, nvidia-h100-datasheet, nvidia-hgx-platform, amd-mi300x-datasheet, ...).
from mlsysim_lab.catalog.zoo import hardware as _hardware_zoo  # noqa: F401
from mlsysim_lab.catalog import references
from mlsysim_lab.catalog.hardware import GB, MB, TB
from mlsysim_lab.catalog.infrastructure import Cluster, Fabric, Node, Region, StorageTier
from mlsysim_lab.catalog.references import Reference

#: Units used when entering figures as printed.
Gbps = 1e9 / 8            # one gigabit per second, in bytes/s
US = 1e-6                 # microsecond, in s
MS = 1e-3                 # millisecond, in s
CENTS = 0.01              # USD per cent (US or Canadian, as printed)
CAD_PER_USD_2022 = 1.3013  # Bank of Canada, 2022 annual average

references.register(
    # --- Collective-library cost models (per-step latency) -----------------------------
    Reference(key="nccl-tuning-2.20", title="NCCL 2.20.3 source, src/graph/tuning.cc: "
              "hardware latency table hwLat used by the collective cost model",
              publisher="NVIDIA (NCCL on GitHub)", year=2024,
              locator="hwLat[NVLINK|PCI|NET][Ring][LL] = 0.6 / 1.0 / 2.7 us (Simple "
              "protocol: 3.4 / 5.7 / 14.0 us); baseLat Ring LL 6.6 us per collective",
              url="https://github.com/NVIDIA/nccl/blob/v2.20.3-1/src/graph/tuning.cc"),
    Reference(key="rccl-tuning", title="RCCL source, src/graph/tuning.cc: rcclTuningModel "
              "hardware latency tables", publisher="AMD (ROCm RCCL on GitHub)", year=2025,
              locator="tuning_model_0/3/4/5/6 hwLat[NVLINK(=xGMI)][Ring][LL] = 0.8 us; "
              "tuning_model_1/2 = 1.5 us",
              url="https://github.com/ROCm/rccl/blob/develop/src/graph/tuning.cc"),
    # --- Interconnect standards and system datasheets -----------------------------------
    Reference(key="ieee-802.3ba-2010", title="IEEE Std 802.3ba-2010: Media Access Control "
              "Parameters, Physical Layers and Management Parameters for 40 Gb/s and "
              "100 Gb/s Operation", publisher="IEEE", year=2010,
              locator="100GBASE-* MAC data rate 100 Gb/s",
              url="https://standards.ieee.org/ieee/802.3ba/4571/"),
    Reference(key="ieee-802.3bs-2017", title="IEEE Std 802.3bs-2017: Media Access Control "
              "Parameters, Physical Layers and Management Parameters for 200 Gb/s and "
              "400 Gb/s Operation", publisher="IEEE", year=2017,
              locator="400GBASE-* MAC data rate 400 Gb/s",
              url="https://standards.ieee.org/ieee/802.3bs/6157/"),
    Reference(key="nvidia-dgx-a100-datasheet", title="NVIDIA DGX A100 datasheet: The "
              "Universal System for AI Infrastructure", publisher="NVIDIA", year=2020,
              locator="System specifications: 8x A100 80GB, system power usage 6.5 kW max, "
              "networking 8x single-port ConnectX-6 VPI 200 Gb/s HDR InfiniBand, internal "
              "storage 15 TB (4x 3.84 TB) U.2 NVMe",
              url="https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/"
                  "nvidia-dgx-a100-datasheet.pdf"),
    Reference(key="nvidia-dgx-h100-datasheet", title="NVIDIA DGX H100 datasheet",
              publisher="NVIDIA", year=2023,
              locator="System specifications: 8x H100 SXM, system power usage ~10.2 kW max, "
              "networking 4x OSFP ports serving 8x single-port ConnectX-7 VPI (400 Gb/s "
              "InfiniBand/Ethernet), internal storage 8x 3.84 TB NVMe U.2",
              url="https://resources.nvidia.com/en-us-dgx-systems/ai-enterprise-dgx"),
    Reference(key="nvidia-dgx-a100-launch-2020", title="NVIDIA Ships World's Most Advanced "
              "AI System - NVIDIA DGX A100 - to Fight COVID-19 (press release)",
              publisher="NVIDIA Newsroom", year=2020,
              locator="Availability: NVIDIA DGX A100 systems start at $199,000",
              url="https://nvidianews.nvidia.com/news/nvidia-ships-worlds-most-advanced-ai-"
                  "system-nvidia-dgx-a100-to-fight-covid-19-third-generation-dgx-packs-"
                  "record-5-petaflops-of-ai-performance"),
    Reference(key="azure-nd-mi300x-v5", title="ND MI300X v5 sizes series (Azure virtual "
              "machines documentation)", publisher="Microsoft Learn", year=2024,
              locator="8x AMD Instinct MI300X per VM; one 400 Gb/s back-end NIC per GPU "
              "(3.2 Tb/s per VM)",
              url="https://learn.microsoft.com/en-us/azure/virtual-machines/sizes/"
                  "gpu-accelerated/ndmi300xv5-series"),
    Reference(key="aws-p4d-launch-2020", title="Amazon EC2 P4d instances: p4d.24xlarge "
              "on-demand price (launch announcement and EC2 pricing page)",
              publisher="Amazon Web Services", year=2020,
              locator="p4d.24xlarge (8x A100 40GB, 400 Gb/s EFA): $32.7726 per hour "
              "on-demand, US East (N. Virginia), Linux",
              url="https://aws.amazon.com/ec2/instance-types/p4/"),
    Reference(key="nextplatform-p5-pricing-2023", title="H100 GPU Instance Pricing On AWS: "
              "Grin And Bear It", publisher="The Next Platform (T. Prickett Morgan)",
              year=2023, locator="p5.48xlarge (8x H100) on-demand price at launch, "
              "$98.32 per hour, US East",
              url="https://www.nextplatform.com/2023/07/27/h100-gpu-instance-pricing-on-aws-"
                  "grin-and-bear-it/"),
    Reference(key="aws-capacity-blocks-2024", title="Amazon EC2 Capacity Blocks for ML "
              "pricing", publisher="Amazon Web Services", year=2024,
              locator="Reservation rates table (prices scheduled to be updated on January 1, "
                      "2025): p5.48xlarge (8x H100, 640 GB HBM3), US East (N. Virginia) and "
                      "US East (Ohio), effective instance hourly rate $39.33 ($4.916 per "
                      "accelerator-hour); p4d.24xlarge (8x A100 40GB), US East (Ohio) and US "
                      "West (Oregon), $14.75 (read from a copy of the page)",
              url="https://aws.amazon.com/ec2/capacityblocks/pricing/"),
    # --- Storage ---------------------------------------------------------------------------
    Reference(key="dubey2024-llama3-storage", title="The Llama 3 Herd of Models",
              publisher="Llama Team, AI @ Meta (Dubey et al.); arXiv:2407.21783", year=2024,
              url="https://arxiv.org/abs/2407.21783",
              locator="Section 3.3.1 (training infrastructure), Storage: Tectonic "
                      "distributed file system, 240 PB on 7,500 SSD servers, 2 TB/s "
                      "sustainable and 7 TB/s peak throughput"),
    Reference(key="micron-9200-datasheet", title="Micron 9200 NVMe SSDs product flyer / "
              "datasheet (MTFDHAL3T8TCT, 3.84 TB 9200 PRO)", publisher="Micron Technology",
              year=2017, locator="Steady-state performance: sequential 128 KB read up to "
              "3.50 GB/s; latency to media, typical (QD=1): READ 92-150 us",
              url="https://www.micron.com/products/storage/ssd/data-center-ssd/9200-ssd"),
    Reference(key="nvidia-superpod-h100-ra", title="NVIDIA DGX SuperPOD: Next Generation "
              "Scalable Infrastructure for AI Leadership. Reference Architecture featuring "
              "NVIDIA DGX H100 systems (RA-11333-001)", publisher="NVIDIA", year=2023,
              locator="SU of 32 DGX H100; RA focused on 4 SUs (128 node slots, 127 DGX + "
              "UFM in Table 7); rail-optimized full fat-tree NDR 400 Gb/s compute fabric; "
              "storage fabric: a GDS-enabled application should read at over 40 GBps",
              url="https://docs.nvidia.com/dgx-superpod/reference-architecture-scalable-"
                  "infrastructure-h100/latest/"),
    Reference(key="nvidia-superpod-a100-ra", title="NVIDIA DGX SuperPOD: Scalable "
              "Infrastructure for AI Leadership. NVIDIA DGX A100 System Reference "
              "Architecture (RA-09950-001)", publisher="NVIDIA", year=2020,
              locator="Scalable units of 20 DGX A100; compute fabric: full fat-tree, "
              "rail-optimized, one 200 Gb/s HDR InfiniBand port per GPU",
              url="https://images.nvidia.com/aem-dam/Solutions/Data-Center/gated-resources/"
                  "nvidia-dgx-superpod-a100.pdf"),
    Reference(key="aws-fsx-lustre-docs", title="What is Amazon FSx for Lustre? (FSx for "
              "Lustre user guide)", publisher="Amazon Web Services", year=2024,
              locator="Overview: up to terabytes per second of throughput, millions of "
              "IOPS, sub-millisecond latencies",
              url="https://docs.aws.amazon.com/fsx/latest/LustreGuide/what-is.html"),
    Reference(key="aws-s3-performance-guidelines", title="Best practices design patterns: "
              "optimizing Amazon S3 performance", publisher="Amazon Web Services (Amazon S3 "
              "user guide)", year=2024,
              locator="Performance guidelines: at least 3,500 PUT/COPY/POST/DELETE or 5,500 "
              "GET/HEAD requests/s per partitioned prefix; latency-sensitive applications: "
              "first-byte latency of roughly 100-200 ms",
              url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                  "optimizing-performance.html"),
    Reference(key="vassallo2019-s3-benchmark", title="s3-benchmark: measure Amazon S3's "
              "performance from any location (README results for all EC2 instance types)",
              publisher="D. Vassallo (GitHub)", year=2019,
              locator="Maximum download throughput per instance: c5n.18xlarge 8,003 MB/s; "
                      "p3dn.24xlarge 6,269 MB/s",
              url="https://github.com/dvassallo/s3-benchmark"),
    # --- Grid carbon: one scope for every region ------------------------------------------
    # Scope used throughout: average life-cycle emissions of electricity GENERATED in the
    # region (production-based, imports excluded), gCO2e per kWh, calendar year 2024. Ember
    # computes it from generation by fuel x IPCC AR5 median life-cycle factors (coal 820,
    # gas 490, bioenergy 230, hydro 24, nuclear 12, wind 11, solar 48 gCO2e/kWh).
    Reference(key="ember-yearly-electricity-2026", title="Yearly Electricity Data (global "
              "and Europe datasets): power-sector emissions intensity, gCO2e/kWh, as "
              "republished in Our World in Data's 'Carbon intensity of electricity "
              "generation' grapher (Ember 2026 release)", publisher="Ember (CC BY 4.0)",
              year=2026,
              locator="Calendar year 2024, life-cycle gCO2e/kWh of generation: Norway 29.66, "
                      "France 40.48, Germany 336.38, Poland 608.18, India 705.40, Singapore "
                      "498.74, United States 383.78 (2023: 30.46, 53.26, 362.92, 650.68, "
                      "713.36, 500.87, 392.89); read from the OWID grapher CSV (copy in "
                      "github.com/pluginsGLPI/carbon), not from Ember's own download",
              url="https://ember-energy.org/data/yearly-electricity-data/"),
    Reference(key="ember-us-electricity-2026", title="US Electricity Data (state-level "
              "yearly data): power-sector emissions intensity, gCO2e/kWh",
              publisher="Ember (CC BY 4.0)", year=2026,
              locator="Calendar year 2024: Iowa 243.43, Texas 356.02, California 199.57 "
                      "gCO2e/kWh (2023: 271.50, 367.37, 216.73); same method as Ember's "
                      "yearly country data; read from a CC BY redistribution (github.com/"
                      "DigitalPebble/spruce, ember_co2_intensity.csv, Azure centralus / "
                      "southcentralus / westus rows), not from Ember's own download",
              url="https://ember-energy.org/data/us-electricity-data/"),
    Reference(key="electricitymaps-2024-ca-qc", title="Electricity Maps yearly carbon "
              "intensity 2024, zone CA-QC (Quebec), as compiled in the Green Software "
              "Foundation Cloud Region Metadata (Cloud_Region_Metadata.csv, 2024 rows for "
              "AWS ca-central-1 and Google northamerica-northeast1)",
              publisher="Electricity Maps; Green Software Foundation (real-time-cloud)",
              year=2025,
              locator="grid-carbon-intensity-average-production-annual 28.68 gCO2e/kWh "
                      "(life-cycle, production-based); consumption-based 30.51",
              url="https://github.com/Green-Software-Foundation/real-time-cloud"),
    Reference(key="electricitymaps-2024-us-miso", title="Electricity Maps yearly carbon "
              "intensity 2024, zone US-MIDW-MISO, as compiled in the Green Software "
              "Foundation Cloud Region Metadata (Cloud_Region_Metadata.csv, 2024 row for "
              "Google us-central1, Iowa)",
              publisher="Electricity Maps; Green Software Foundation (real-time-cloud)",
              year=2025,
              locator="us-central1 (Iowa, zone US-MIDW-MISO): grid-carbon-intensity-average-"
                      "production-annual 518.84 gCO2e/kWh (life-cycle, production-based); "
                      "average-consumption-annual 412.72; PUE 1.1",
              url="https://github.com/Green-Software-Foundation/real-time-cloud"),
    # --- US electricity prices ---------------------------------------------------------------
    Reference(key="eia-electric-power-annual-2023", title="Electric Power Annual 2023",
              publisher="U.S. Energy Information Administration", year=2024,
              locator="Average revenue per kWh by state and sector, 2023 (industrial: "
              "California 18.64, Iowa 6.91, Texas 6.60 cents/kWh); Table 9.5 CO2 by state "
              "(Iowa 2022: 26,163 thousand t)",
              url="https://www.eia.gov/electricity/annual/"),
    Reference(key="eia-state-data-iowa", title="Iowa State Profile and Energy Estimates: "
              "profile data (electricity prices)", publisher="U.S. Energy Information "
              "Administration", year=2025,
              locator="Electricity, industrial: Iowa 6.43 cents/kWh, U.S. average 8.21 "
                      "cents/kWh, October 2024",
              url="https://www.eia.gov/state/data.php?sid=IA"),
    # --- Data-centre overheads and water -----------------------------------------------------
    Reference(key="uptime-survey-2024", title="Uptime Institute Global Data Center Survey "
              "2024", publisher="Uptime Institute", year=2024,
              locator="Average annual PUE of respondents' largest data centre: 1.56 (2023: "
                      "1.58; 1.55-1.59 since 2020)",
              url="https://uptimeinstitute.com/resources/research-and-reports/"
                  "uptime-institute-global-data-center-survey-results-2024"),
    Reference(key="aws-region-pue-wue", title="AWS Cloud sustainability: power usage "
              "effectiveness (PUE) and water usage effectiveness (WUE) by AWS Region",
              publisher="Amazon Web Services (Amazon Sustainability)", year=2025,
              locator="Region tables, 2024: Canada (Central, Montreal) PUE 1.19, WUE 0.04 "
                      "L/kWh; Europe (Frankfurt) 1.35, 0.01; Europe (Stockholm) 1.10, 0.02; "
                      "US West (N. California) 1.18, 0.51; Asia Pacific (Singapore) 1.32, "
                      "1.68; Asia Pacific (Mumbai) PUE 1.42, no WUE published; North "
                      "America 1.14, 0.13; global 1.15, 0.15 (as transcribed in the GSF "
                      "Cloud Region Metadata and DigitalPebble SPRUCE aws-pue-wue.csv, "
                      "which agree; the AWS page itself was not opened)",
              url="https://sustainability.aboutamazon.com/products-services/aws-cloud"),
    Reference(key="google-environmental-report-2025", title="Google 2025 Environmental "
              "Report: data centre power usage effectiveness by campus (calendar year "
              "2024)", publisher="Google", year=2025,
              locator="Per-campus annual PUE, 2024: Council Bluffs, Iowa 1.10; Midlothian "
                      "(Dallas), Texas 1.12; Singapore 1.16; Hamina, Finland 1.09; fleet "
                      "average 1.09. Water is reported in gallons per site, not as L/kWh WUE "
                      "(per-campus values as transcribed in the GSF Cloud Region Metadata, "
                      "2024 rows)",
              url="https://sustainability.google/reports/"),
    Reference(key="shehabi2016-lbnl", title="United States Data Center Energy Usage Report "
              "(LBNL-1005775)", publisher="Shehabi et al.; Lawrence Berkeley National "
              "Laboratory", year=2016,
              locator="Water: on average 1.8 L of water consumed on site per kWh used by a "
                      "data centre; 7.6 L per kWh consumed in generating the electricity "
                      "(US averages, 2014)",
              url="https://eta.lbl.gov/publications/united-states-data-center-energy"),
    Reference(key="wri-2020-water-in-electricity", title="Guidance for Calculating Water "
              "Use Embedded in Purchased Electricity (Technical Note, appendices 1-7)",
              publisher="Reig, Luo, Christensen, Sinistore; World Resources Institute",
              year=2020,
              locator="Water CONSUMPTION factors, gal/kWh: Appendix 2 (countries) France "
                      "0.9705, Germany 0.5143, Poland 0.6640, Norway 1.7603, India 0.9079; "
                      "Appendix 1 (eGRID subregions) MROW (Iowa) 0.8194, ERCT (Texas) "
                      "0.3354, CAMX (California) 1.3709 (back-converted from the L/kWh "
                      "values of DigitalPebble SPRUCE wcf.csv; the WRI workbook itself was "
                      "not opened)",
              url="https://www.wri.org/research/guidance-calculating-water-use-embedded-"
                  "purchased-electricity"),
    # --- Electricity prices ------------------------------------------------------------------
    Reference(key="hydro-quebec-price-comparison-2022", title="Comparison of Electricity "
              "Prices in Major North American Cities (rates in effect April 1, 2022)",
              publisher="Hydro-Quebec", year=2022,
              locator="Average prices excluding taxes, CAD: consumption 3,060,000 kWh/month, "
                      "power demand 5,000 kW, 25 kV (Rate L): Montreal 5.33 cents/kWh",
              url="https://www.hydroquebec.com/business/customer-space/rates/"
                  "comparison-electricity-prices.html"),
    Reference(key="bank-of-canada-fx-2022", title="Annual Exchange Rates: 2022",
              publisher="Bank of Canada", year=2023,
              locator="US dollar, 2022 annual average: 1.3013 CAD per USD",
              url="https://www.bankofcanada.ca/rates/exchange/annual-average-exchange-rates/"),
)


# ======================================================================================
# Fabrics
# ======================================================================================

_NVLINK_LATENCY_NOTE = (
    "Latency is NCCL's per-step hardware latency for a ring step over NVLink with the "
    "low-latency (LL) protocol, 0.6 us (NCCL 2.20.3 tuning.cc hwLat); it covers the "
    "GPU-to-GPU flag/data handshake of one pipeline step, not the ~6.6 us per-collective "
    "base launch latency (baseLat), which NCCL adds once per call. The Simple protocol "
    "used for large messages models 3.4 us per step. NCCL does not distinguish NVLink "
    "generations, so NVLink 3/4/5 share this figure.")

NVLINK3 = Fabric(
    id="nvlink3", name="NVLink 3 (A100, via NVSwitch)", aliases=("nvlink-a100",),
    scope="scale-up", bandwidth=600 * GB / 2, latency=0.6 * US,
    sources={"bandwidth": "nvidia-a100-datasheet", "latency": "nccl-tuning-2.20"},
    notes="A100 SXM NVLink is quoted as 600 GB/s total bidirectional per GPU (12 links); "
          "stored as 300 GB/s per direction. " + _NVLINK_LATENCY_NOTE)

NVLINK4 = Fabric(
    id="nvlink4", name="NVLink 4 (H100, via NVSwitch)", aliases=("nvlink-h100",),
    scope="scale-up", bandwidth=900 * GB / 2, latency=0.6 * US,
    sources={"bandwidth": "nvidia-h100-datasheet", "latency": "nccl-tuning-2.20"},
    notes="H100 SXM NVLink is quoted as 900 GB/s total bidirectional per GPU (18 links); "
          "stored as 450 GB/s per direction. " + _NVLINK_LATENCY_NOTE)

NVLINK5 = Fabric(
    id="nvlink5", name="NVLink 5 (B200, via NVSwitch)", aliases=("nvlink-b200",),
    scope="scale-up", bandwidth=1.8 * TB / 2, latency=0.6 * US,
    sources={"bandwidth": "nvidia-hgx-platform", "latency": "nccl-tuning-2.20"},
    notes="HGX B200 NVLink GPU-to-GPU bandwidth is quoted as 1.8 TB/s total bidirectional "
          "per GPU; stored as 900 GB/s per direction. " + _NVLINK_LATENCY_NOTE)

INFINITY_FABRIC_MI300X = Fabric(
    id="infinity-fabric-mi300x", name="AMD Infinity Fabric (MI300X, 7 xGMI links, "
    "fully connected)", aliases=("xgmi-mi300x",),
    scope="scale-up", bandwidth=7 * 128 * GB / 2, latency=0.8 * US,
    sources={"bandwidth": "amd-mi300x-datasheet", "latency": "rccl-tuning"},
    notes="Each of the 7 GPU-to-GPU Infinity Fabric links is quoted at 128 GB/s "
          "(bidirectional), 896 GB/s aggregate per GPU; stored as 7 x 64 = 448 GB/s per "
          "direction. Unlike NVSwitch systems the 8 GPUs are directly connected, so one GPU "
          "reaches any single peer at only 64 GB/s per direction; the figure is the "
          "aggregate a ring/all-to-all can use. Latency is RCCL's per-step hardware latency "
          "for a ring step over xGMI with the LL protocol (0.8 us in most rcclTuningModel "
          "tables; 1.5 us in two of them). Which table applies to MI300X (gfx942) is set "
          "per platform model and was not pinned down; 0.8 us is the common value.")

PCIE_GEN4_X16 = Fabric(
    id="pcie-gen4-x16", name="PCI Express 4.0 x16", aliases=("pcie4", "pcie-gen4"),
    scope="host", bandwidth=64 * GB / 2, latency=1.0 * US,
    sources={"bandwidth": "nvidia-l4-product-page", "latency": "nccl-tuning-2.20"},
    notes="Printed by NVIDIA as 64 GB/s for PCIe Gen4 x16 (both directions); stored as "
          "32 GB/s per direction (16 GT/s x 16 lanes with 128b/130b encoding, before TLP "
          "overhead). Latency is NCCL's per-step ring LL hardware latency over PCI, 1.0 us "
          "(Simple protocol: 5.7 us).")

PCIE_GEN5_X16 = Fabric(
    id="pcie-gen5-x16", name="PCI Express 5.0 x16", aliases=("pcie5", "pcie-gen5"),
    scope="host", bandwidth=128 * GB / 2, latency=1.0 * US,
    sources={"bandwidth": "nvidia-h100-datasheet", "latency": "nccl-tuning-2.20"},
    notes="Printed in the H100 datasheet as 'PCIe Gen5: 128 GB/s' (both directions); "
          "stored as 64 GB/s per direction. Latency as for Gen4 (NCCL does not model PCIe "
          "generations separately): 1.0 us per ring LL step.")

_NET_LATENCY_NOTE = (
    "Latency is NCCL's per-step hardware latency for an inter-node ring step with the LL "
    "protocol, 2.7 us (NCCL 2.20.3 tuning.cc hwLat NET; Simple protocol 14 us). It covers "
    "the NIC-to-NIC round of one pipeline step including proxy-thread and RDMA posting "
    "overheads and a few switch hops (a switch port-to-port hop alone is ~0.1-0.3 us). NCCL "
    "uses the same NET figure for InfiniBand and RoCE, so all scale-out fabrics share it.")

INFINIBAND_HDR = Fabric(
    id="infiniband-hdr", name="InfiniBand HDR (200 Gb/s per port)", aliases=("hdr", "ib-hdr"),
    scope="scale-out", bandwidth=200 * Gbps, latency=2.7 * US,
    sources={"bandwidth": "nvidia-dgx-a100-datasheet", "latency": "nccl-tuning-2.20"},
    notes="HDR line rate 200 Gb/s per port per direction (ConnectX-6 VPI in the DGX A100) "
          "= 25 GB/s. " + _NET_LATENCY_NOTE)

INFINIBAND_NDR = Fabric(
    id="infiniband-ndr", name="InfiniBand NDR (400 Gb/s per port)", aliases=("ndr", "ib-ndr"),
    scope="scale-out", bandwidth=400 * Gbps, latency=2.7 * US,
    sources={"bandwidth": "nvidia-dgx-h100-datasheet", "latency": "nccl-tuning-2.20"},
    notes="NDR line rate 400 Gb/s per port per direction (ConnectX-7 in the DGX H100) = "
          "50 GB/s. " + _NET_LATENCY_NOTE)

ETHERNET_100G = Fabric(
    id="ethernet-100g", name="100 Gigabit Ethernet (RoCE v2)", aliases=("100gbe",),
    scope="scale-out", bandwidth=100 * Gbps, latency=2.7 * US,
    sources={"bandwidth": "ieee-802.3ba-2010", "latency": "nccl-tuning-2.20"},
    notes="MAC data rate 100 Gb/s per direction = 12.5 GB/s; Ethernet/IP/UDP/RoCE headers "
          "leave roughly 95% of it for payload at 4 KiB MTU. " + _NET_LATENCY_NOTE)

ETHERNET_400G = Fabric(
    id="ethernet-400g", name="400 Gigabit Ethernet (RoCE v2)", aliases=("400gbe",),
    scope="scale-out", bandwidth=400 * Gbps, latency=2.7 * US,
    sources={"bandwidth": "ieee-802.3bs-2017", "latency": "nccl-tuning-2.20"},
    notes="MAC data rate 400 Gb/s per direction = 50 GB/s. " + _NET_LATENCY_NOTE)

FABRICS: tuple[Fabric, ...] = (
    NVLINK3, NVLINK4, NVLINK5, INFINITY_FABRIC_MI300X, PCIE_GEN4_X16, PCIE_GEN5_X16,
    INFINIBAND_HDR, INFINIBAND_NDR, ETHERNET_100G, ETHERNET_400G,
)


# ======================================================================================
# Nodes
# ======================================================================================

DGX_A100 = Node(
    id="dgx-a100", name="NVIDIA DGX A100 (8x A100 80GB)", aliases=("dgx-a100-80gb",),
    accelerator="a100-80gb-sxm", accelerators=8,
    scale_up_fabric="nvlink3", scale_out_fabric="infiniband-hdr", scale_out_ports=8,
    max_power=6.5e3, price=None, cloud_price_per_hour=None, cloud_instance=None,
    sources={"accelerators": "nvidia-dgx-a100-datasheet",
             "max_power": "nvidia-dgx-a100-datasheet",
             "scale_out_ports": "nvidia-dgx-a100-datasheet"},
    notes="8 single-port ConnectX-6 200 Gb/s HDR compute ports (one per GPU); the two "
          "dual-port storage/in-band NICs are not counted. Max power 6.5 kW (datasheet). "
          "Prices: unset, so costs of this node are 'unknown'. The figures earlier attached "
          "to it were for the 40 GB part (the $199,000 launch price and the p4d.24xlarge "
          "instance) and now sit on dgx-a100-40gb; no citable price of an 8x A100 80GB "
          "system or instance (e.g. AWS p4de.24xlarge) was sourced.")

DGX_A100_40GB = Node(
    id="dgx-a100-40gb", name="NVIDIA DGX A100 (8x A100 40GB)", aliases=("dgx-a100-320gb",),
    accelerator="a100-40gb-sxm", accelerators=8,
    scale_up_fabric="nvlink3", scale_out_fabric="infiniband-hdr", scale_out_ports=8,
    max_power=6.5e3, price=199_000, cloud_price_per_hour=14.75,
    cloud_instance="AWS p4d.24xlarge (Capacity Block)", cloud_price_date="2024-12",
    sources={"accelerators": "nvidia-dgx-a100-datasheet",
             "max_power": "nvidia-dgx-a100-datasheet",
             "scale_out_ports": "nvidia-dgx-a100-datasheet",
             "price": "nvidia-dgx-a100-launch-2020",
             "cloud_price_per_hour": "aws-capacity-blocks-2024"},
    notes="The launch configuration (320 GB of GPU memory). Price: 'DGX A100 systems start "
          "at $199,000' (launch press release, May 2020). Cloud price: AWS EC2 Capacity "
          "Blocks for ML, p4d.24xlarge (8x A100 40GB, 4x 100 Gb/s EFA), $14.75 per "
          "instance-hour, rates in effect until 2025-01-01 (a reserved block, not on-demand; "
          "the on-demand price at launch, November 2020, was $32.7726, source "
          "aws-p4d-launch-2020). Power and fabrics as the DGX A100 datasheet.")

DGX_H100 = Node(
    id="dgx-h100", name="NVIDIA DGX H100 (8x H100 SXM)", aliases=("dgx-h100-640gb",),
    accelerator="h100-sxm", accelerators=8,
    scale_up_fabric="nvlink4", scale_out_fabric="infiniband-ndr", scale_out_ports=8,
    max_power=10.2e3, price=None, cloud_price_per_hour=39.33,
    cloud_instance="AWS p5.48xlarge (Capacity Block)", cloud_price_date="2024-12",
    sources={"accelerators": "nvidia-dgx-h100-datasheet",
             "max_power": "nvidia-dgx-h100-datasheet",
             "scale_out_ports": "nvidia-dgx-h100-datasheet",
             "cloud_price_per_hour": "aws-capacity-blocks-2024"},
    notes="4 OSFP ports serve 8 single-port ConnectX-7 VPI at 400 Gb/s (one per GPU); the "
          "BlueField-3 storage/in-band DPUs are not counted. Max power ~10.2 kW (datasheet; "
          "measured training peaks are lower, see the training-power-fraction assumption). "
          "NVIDIA publishes no list price for the DGX H100, so price is unset. Cloud price: "
          "AWS EC2 Capacity Blocks for ML, p5.48xlarge, US East, $39.33 per instance-hour, "
          "rates in effect until 2025-01-01 (a reserved block, the most recent AWS list rate "
          "sourced; on-demand at the July 2023 launch was $98.32/h as reported by The Next "
          "Platform, source nextplatform-p5-pricing-2023, and AWS has cut P5 on-demand "
          "prices since). Cloud prices change; check the pricing page before relying on it.")

DGX_B200 = Node(
    id="dgx-b200", name="NVIDIA DGX B200 (8x B200)", aliases=(),
    accelerator="b200", accelerators=8,
    scale_up_fabric="nvlink5", scale_out_fabric="infiniband-ndr", scale_out_ports=8,
    max_power=14.3e3, price=None, cloud_price_per_hour=None, cloud_instance=None,
    sources={"accelerators": "nvidia-dgx-b200-datasheet",
             "max_power": "nvidia-dgx-b200-datasheet",
             "scale_out_ports": "nvidia-dgx-b200-datasheet"},
    notes="Datasheet: 8x Blackwell GPUs; system power ~14.3 kW max; 4 OSFP ports serving "
          "8 single-port ConnectX-7 VPI at up to 400 Gb/s InfiniBand/Ethernet (one per "
          "GPU), modelled as NDR InfiniBand. No public list price or citable on-demand "
          "cloud price was found, so both are unset.")

MI300X_PLATFORM = Node(
    id="mi300x-platform", name="AMD Instinct MI300X Platform (8x MI300X OAM)",
    aliases=("mi300x-8",),
    accelerator="mi300x", accelerators=8,
    scale_up_fabric="infinity-fabric-mi300x", scale_out_fabric="ethernet-400g",
    scale_out_ports=8, max_power=8 * 750.0, price=None, cloud_price_per_hour=None,
    cloud_instance=None,
    sources={"accelerators": "amd-mi300x-datasheet", "max_power": "amd-mi300x-datasheet",
             "scale_out_ports": "azure-nd-mi300x-v5"},
    notes="Eight MI300X OAMs fully connected by Infinity Fabric. max_power is a LOWER "
          "BOUND: 8 x the 750 W typical board power of the AMD datasheet, i.e. the GPUs "
          "only; AMD publishes no whole-platform figure and host CPUs, NICs, memory and "
          "fans add several kW (OEM MI300X servers ship 6 x ~3 kW power supplies). Scale-"
          "out: one 400 Gb/s NIC per GPU as deployed in Azure ND MI300X v5 (which uses "
          "InfiniBand there); it is modelled here as 400 GbE RoCE, as in AMD's Ethernet-"
          "based reference designs. No list or citable on-demand price.")

NODES: tuple[Node, ...] = (DGX_A100, DGX_A100_40GB, DGX_H100, DGX_B200, MI300X_PLATFORM)


# ======================================================================================
# Storage tiers
# ======================================================================================

LOCAL_NVME = StorageTier(
    id="local-nvme", name="Local datacenter NVMe SSD (one U.2 drive)",
    aliases=("nvme", "local-ssd"),
    remote=False, read_bandwidth=3.50 * GB, latency=92 * US,
    sources={"read_bandwidth": "micron-9200-datasheet", "latency": "micron-9200-datasheet"},
    notes="One 3.84 TB datacenter NVMe drive (Micron 9200 PRO, PCIe Gen3 x4): sequential "
          "128 KB read up to 3.50 GB/s; typical QD1 read latency 92-150 us, the low end is "
          "used. This is a single drive, not the node: a DGX A100 has 4 and a DGX H100 8 "
          "such U.2 drives in a RAID-0 cache, and PCIe Gen4 drives roughly double the "
          "per-drive bandwidth, so a node's local cache can read several times faster than "
          "this figure.")

PARALLEL_FS = StorageTier(
    id="parallel-fs", name="Parallel file system (Lustre-class, per node)",
    aliases=("lustre", "pfs"),
    remote=True, read_bandwidth=40 * GB, latency=1 * MS,
    sources={"read_bandwidth": "nvidia-superpod-h100-ra", "latency": "aws-fsx-lustre-docs"},
    notes="Read bandwidth: the DGX SuperPOD H100 reference architecture states that, over "
          "the storage fabric, a GPUDirect-Storage-enabled application should read at over "
          "40 GBps per DGX node (the RA's top storage tier; the aggregate is shared by all "
          "nodes and capped by the file system). Latency: Lustre-class file systems such as "
          "Amazon FSx for Lustre advertise 'sub-millisecond latencies'; 1 ms is used as the "
          "upper bound of that claim.")

OBJECT_STORE = StorageTier(
    id="object-store", name="Object store (Amazon S3, per client instance)",
    aliases=("s3",),
    remote=True, read_bandwidth=6269 * MB, latency=100 * MS,
    sources={"read_bandwidth": "vassallo2019-s3-benchmark",
             "latency": "aws-s3-performance-guidelines"},
    notes="Read bandwidth: maximum measured S3 download throughput of one p3dn.24xlarge "
          "(8x V100, 100 Gb/s network) GPU instance, 6,269 MB/s, with many parallel "
          "connections (best instance in the same benchmark: c5n.18xlarge, 8,003 MB/s). A "
          "single connection is far slower, and per-prefix request limits (5,500 GET/s per "
          "partitioned prefix) bound small-object reads. Latency: AWS documents first-byte "
          "latencies of roughly 100-200 ms for latency-sensitive applications; the low end "
          "is used.")

_LLAMA3_NODES = 16_384 // 8

CHECKPOINT_STORE = StorageTier(
    id="checkpoint-store", name="Shared checkpoint store sized to the cluster (Llama 3's "
    "Tectonic, per-node share)", aliases=("tectonic",),
    remote=True, read_bandwidth=2 * TB / _LLAMA3_NODES, latency=1 * MS,
    write_bandwidth=2 * TB / _LLAMA3_NODES, aggregate_write_bandwidth=7 * TB,
    sources={"read_bandwidth": "dubey2024-llama3-storage", "latency": "aws-fsx-lustre-docs",
             "write_bandwidth": "dubey2024-llama3-storage",
             "aggregate_write_bandwidth": "dubey2024-llama3-storage"},
    notes="The Llama 3 paper's storage (Section 3.3.1): Tectonic, 240 PB on 7,500 SSD "
          "servers, 2 TB/s sustainable and 7 TB/s peak, serving the 16,384-GPU (2,048-node) "
          "cluster. A store built for a cluster is sized with it, so the tier gives each "
          "node its share of the sustained figure, 2 TB/s / 2,048 = 0.98 GB/s, and caps the "
          "cluster at the 7 TB/s peak: a 128-node run writes at 125 GB/s, the full cluster "
          "at 2 TB/s. Checkpoints are bursty writes that saturate the store (Section "
          "3.3.1). Latency as for the parallel file system.")

STORAGE_TIERS: tuple[StorageTier, ...] = (LOCAL_NVME, PARALLEL_FS, OBJECT_STORE,
                                          CHECKPOINT_STORE)


# ======================================================================================
# Clusters
# ======================================================================================

DGX_H100_1024 = Cluster(
    id="dgx-h100-1024", name="DGX SuperPOD H100, 4 scalable units (1,024 GPUs)",
    aliases=("superpod-h100",),
    node="dgx-h100", nodes=128, oversubscription=1.0,
    sources={"nodes": "nvidia-superpod-h100-ra", "oversubscription": "nvidia-superpod-h100-ra"},
    notes="The SuperPOD H100 RA is built from scalable units of 32 DGX H100 and focuses on "
          "4 SUs = 128 node slots (its component table lists 127 DGX H100 plus UFM "
          "appliances in the fourth SU); 128 is used so the cluster has exactly 1,024 GPUs. "
          "Compute fabric: rail-optimized, full (non-blocking) fat tree of NDR 400 Gb/s "
          "InfiniBand, one port per GPU.")

DGX_H100_256 = Cluster(
    id="dgx-h100-256", name="DGX SuperPOD H100, 1 scalable unit (256 GPUs)",
    aliases=("superpod-h100-su",),
    node="dgx-h100", nodes=32, oversubscription=1.0,
    sources={"nodes": "nvidia-superpod-h100-ra", "oversubscription": "nvidia-superpod-h100-ra"},
    notes="One SuperPOD scalable unit: 32 DGX H100 on a rail-optimized non-blocking NDR "
          "fat tree.")

DGX_A100_256 = Cluster(
    id="dgx-a100-256", name="DGX A100 cluster on HDR InfiniBand (256 GPUs)", aliases=(),
    node="dgx-a100", nodes=32, oversubscription=1.0,
    sources={"nodes": "nvidia-superpod-a100-ra", "oversubscription": "nvidia-superpod-a100-ra"},
    notes="Topology per the DGX SuperPOD A100 RA: rail-optimized full fat tree of HDR "
          "200 Gb/s InfiniBand, one port per GPU. The A100 RA's scalable unit is 20 DGX "
          "A100 (SuperPODs of 20-140 nodes), so 32 nodes (1.6 SUs) is a lab size chosen to "
          "match the 256-GPU H100 unit, not an RA configuration.")

CLUSTERS: tuple[Cluster, ...] = (DGX_H100_1024, DGX_H100_256, DGX_A100_256)


# ======================================================================================
# Regions
# ======================================================================================
#
# Grid carbon: ONE scope for all regions - average life-cycle emissions of the
# electricity generated in the region (production-based, imports excluded), gCO2e/kWh,
# calendar year 2024, from Ember (countries and US states). Ember publishes no Canadian
# provinces, so Quebec uses Electricity Maps' 2024 production-based life-cycle figure, the
# same scope from a different compiler. The region is what is drawn: a US state's own
# generation ("iowa") is not the grid its data centres draw from, which is the balancing
# zone's ("iowa-miso", Electricity Maps' MISO zone, same production-based scope).
# Direct-combustion-only figures (Hydro-Quebec, eGRID, national inventories) are NOT
# comparable with these and are not used.
#
# PUE: a region-specific figure where an operator publishes one for a site or Region there
# (AWS per-Region tables, Google per-campus tables, 2024); otherwise the Uptime global
# average. Hyperscale sites run far below the 1.56 survey average, so a region with a
# hyperscaler figure is not directly comparable with one on the survey fallback.
#
# Water: wue is on-site L per kWh of IT energy (paired with the PUE's operator where it
# publishes one); grid_water_intensity is water CONSUMED generating the electricity
# (WRI 2020 factors, which include hydro-reservoir evaporation).

_UPTIME_PUE = 1.56
GAL = 3.785411784            # litres per US gallon (WRI prints gal/kWh)

_GRID_SCOPE = ("Grid: life-cycle gCO2e per kWh generated (production-based, IPCC AR5 "
               "factors), calendar year 2024")
_UPTIME_NOTE = ("PUE: no region- or climate-specific operator figure was sourced, so the "
                "Uptime Institute 2024 global survey average (1.56) is used.")
_LBNL_WUE_NOTE = ("On-site WUE: LBNL (Shehabi et al. 2016) US average 1.8 L/kWh (2014 data, "
                  "typical not hyperscale; Google, whose PUE is used, publishes site water "
                  "in gallons, not L/kWh).")
_WRI_NOTE = ("Grid water: WRI 2020 water-consumption factor for the generation mix "
             "(includes hydro-reservoir evaporation), printed in gal/kWh and stored in "
             "L/kWh.")

QUEBEC = Region(
    id="quebec", name="Quebec, Canada (Hydro-Quebec grid)", aliases=("qc",),
    country="Canada", year=2024, grid_intensity=28.68,
    pue=1.19, wue=0.04, grid_water_intensity=None,
    electricity_price=5.33 * CENTS / CAD_PER_USD_2022,
    sources={"grid_intensity": "electricitymaps-2024-ca-qc", "pue": "aws-region-pue-wue",
             "wue": "aws-region-pue-wue",
             "electricity_price": "hydro-quebec-price-comparison-2022"},
    notes="Grid: life-cycle gCO2e per kWh generated (production-based), calendar year 2024: "
          "Electricity Maps zone CA-QC, 28.68 (Ember publishes no provincial "
          "data). Electricity Maps' emission factors are not identical to Ember's: with Ember's "
          "IPCC median factors (hydro 24, wind 11) a >99%-renewable, mostly hydro mix comes "
          "out at ~23-28 g, so ~5 g of the Quebec figure is method uncertainty. "
          "Direct-combustion "
          "rates (Hydro-Quebec 0.36 g/kWh in 2016, Canada's NIR provincial intensity of a "
          "few g/kWh) have a different scope and are not used. PUE and WUE: AWS Canada "
          "(Central) Region, Montreal, 2024: 1.19 and 0.04 L/kWh. Grid water: unset - WRI "
          "gives only a Canada-wide factor (2.157 gal = 8.17 L/kWh), and Quebec's far higher "
          "hydro share makes that a poor proxy. Price: Hydro-Quebec's price comparison, "
          "rates in effect April 1 2022, large-power customer on Rate L (3,060,000 kWh/month, "
          "5,000 kW, 25 kV), 5.33 CAD cents/kWh excluding taxes, converted at the Bank of "
          "Canada 2022 annual average of 1.3013 CAD/USD (source bank-of-canada-fx-2022) = "
          "4.10 US cents/kWh. This is a 2022 price, not 2024.")

NORWAY = Region(
    id="norway", name="Norway", aliases=("no",),
    country="Norway", year=2024, grid_intensity=29.66,
    pue=1.10, wue=0.02, grid_water_intensity=1.7603 * GAL, electricity_price=None,
    sources={"grid_intensity": "ember-yearly-electricity-2026", "pue": "aws-region-pue-wue",
             "wue": "aws-region-pue-wue",
             "grid_water_intensity": "wri-2020-water-in-electricity"},
    notes=_GRID_SCOPE + ": Ember, Norway 29.66 (2023: 30.46). (NVE's 15 g/kWh climate "
          "declaration is a different scope - delivered electricity incl. imports.) PUE and "
          "WUE: NORDIC-CLIMATE PROXY - no operator publishes a Norwegian site figure, so AWS "
          "Europe (Stockholm) Region, 2024, 1.10 and 0.02 L/kWh is used (Google Hamina, "
          "Finland: PUE 1.09). " + _WRI_NOTE + " Norway 1.7603 gal/kWh = 6.66 L/kWh. Price: "
          "unset - Statistics Norway publishes energy-only prices excluding grid rent (e.g. "
          "services 33.1 ore/kWh in Q3 2024, 54.5 in Q4 2024), not comparable with the "
          "all-in industrial prices used elsewhere, and no Eurostat figure was retrieved.")

FRANCE = Region(
    id="france", name="France", aliases=("fr",),
    country="France", year=2024, grid_intensity=40.48,
    pue=_UPTIME_PUE, wue=None, grid_water_intensity=0.9705 * GAL, electricity_price=None,
    sources={"grid_intensity": "ember-yearly-electricity-2026", "pue": "uptime-survey-2024",
             "grid_water_intensity": "wri-2020-water-in-electricity"},
    notes=_GRID_SCOPE + ": Ember, France 40.48 (2023: 53.26). (RTE's 32 g/kWh for 2023 is "
          "direct emissions only.) " + _UPTIME_NOTE + " On-site WUE: unset (no French "
          "operator figure found). " + _WRI_NOTE + " France 0.9705 gal/kWh = 3.67 L/kWh. "
          "Price: unset - the Eurostat non-household price (nrg_pc_205) could not be "
          "retrieved for this edit.")

US_AVERAGE = Region(
    id="us-average", name="United States (average)", aliases=("us", "usa"),
    country="United States", year=2024, grid_intensity=383.78,
    pue=_UPTIME_PUE, wue=1.8, grid_water_intensity=7.6, electricity_price=8.21 * CENTS,
    sources={"grid_intensity": "ember-yearly-electricity-2026", "pue": "uptime-survey-2024",
             "wue": "shehabi2016-lbnl", "grid_water_intensity": "shehabi2016-lbnl",
             "electricity_price": "eia-state-data-iowa"},
    notes=_GRID_SCOPE + ": Ember, United States 383.78 (2023: 392.89). (EIA's 0.81 lb "
          "CO2/kWh = 367 g for 2023 is direct CO2 only.) " + _UPTIME_NOTE + " (A national "
          "average is the right place for a survey average; AWS's North America figure is "
          "1.14.) Water: LBNL (Shehabi et al. 2016) US averages, 1.8 L/kWh on site and 7.6 "
          "L/kWh consumed generating the electricity (2014 data). Price: EIA US average "
          "industrial price, 8.21 cents/kWh for October 2024 (a single month).")

IOWA = Region(
    id="iowa", name="Iowa, USA", aliases=("ia", "us-iowa"),
    country="United States", year=2024, grid_intensity=243.43,
    pue=1.10, wue=1.8, grid_water_intensity=0.8194 * GAL, electricity_price=6.91 * CENTS,
    sources={"grid_intensity": "ember-us-electricity-2026",
             "pue": "google-environmental-report-2025", "wue": "shehabi2016-lbnl",
             "grid_water_intensity": "wri-2020-water-in-electricity",
             "electricity_price": "eia-electric-power-annual-2023"},
    notes=_GRID_SCOPE + ": Ember state data, Iowa 243.43 (2023: 271.50); Iowa generation "
          "is ~60% wind. Scope: IN-STATE GENERATION. Iowa's data centres draw on the MISO "
          "balancing zone, 518.84 g/kWh in the same production-based scope (2.1x), which "
          "is region 'iowa-miso'. PUE: Google's Council Bluffs, Iowa campus, 2024, 1.10. "
          + _LBNL_WUE_NOTE + " " + _WRI_NOTE + " eGRID subregion MROW 0.8194 gal/kWh = "
          "3.10 L/kWh. Price: EIA, Iowa industrial average revenue 2023, 6.91 cents/kWh.")

IOWA_MISO = Region(
    id="iowa-miso", name="Iowa data centres on the MISO grid zone", aliases=("us-central1",),
    country="United States", year=2024, grid_intensity=518.84,
    pue=1.10, wue=1.8, grid_water_intensity=0.8194 * GAL, electricity_price=6.91 * CENTS,
    sources={"grid_intensity": "electricitymaps-2024-us-miso",
             "pue": "google-environmental-report-2025", "wue": "shehabi2016-lbnl",
             "grid_water_intensity": "wri-2020-water-in-electricity",
             "electricity_price": "eia-electric-power-annual-2023"},
    notes="Grid: life-cycle gCO2e per kWh generated in the zone the data centres draw from "
          "(production-based), 2024: Electricity Maps zone US-MIDW-MISO, 518.84, as compiled "
          "for Google us-central1 (Iowa); its consumption-based figure is 412.72. The same "
          "scope as 'iowa' but for the balancing zone, not the state's own generation "
          "(243.43): the wind Iowa generates is shared with the whole MISO zone. PUE, water "
          "and price as 'iowa' (Google Council Bluffs 1.10; LBNL on-site water; WRI MROW "
          "grid water; EIA Iowa industrial price).")

CALIFORNIA = Region(
    id="california", name="California, USA", aliases=("ca", "us-california"),
    country="United States", year=2024, grid_intensity=199.57,
    pue=1.18, wue=0.51, grid_water_intensity=1.3709 * GAL, electricity_price=18.64 * CENTS,
    sources={"grid_intensity": "ember-us-electricity-2026", "pue": "aws-region-pue-wue",
             "wue": "aws-region-pue-wue",
             "grid_water_intensity": "wri-2020-water-in-electricity",
             "electricity_price": "eia-electric-power-annual-2023"},
    notes=_GRID_SCOPE + ": Ember state data, California 199.57 (2023: 216.73), in-state "
          "generation only (California imports a substantial share of its electricity). PUE "
          "and WUE: AWS US West (N. California) Region, 2024, 1.18 and 0.51 L/kWh. "
          + _WRI_NOTE + " eGRID subregion CAMX 1.3709 gal/kWh = 5.19 L/kWh. Price: EIA, "
          "California industrial average revenue 2023, 18.64 cents/kWh.")

TEXAS = Region(
    id="texas", name="Texas, USA", aliases=("tx", "us-texas"),
    country="United States", year=2024, grid_intensity=356.02,
    pue=1.12, wue=1.8, grid_water_intensity=0.3354 * GAL, electricity_price=6.60 * CENTS,
    sources={"grid_intensity": "ember-us-electricity-2026",
             "pue": "google-environmental-report-2025", "wue": "shehabi2016-lbnl",
             "grid_water_intensity": "wri-2020-water-in-electricity",
             "electricity_price": "eia-electric-power-annual-2023"},
    notes=_GRID_SCOPE + ": Ember state data, Texas 356.02 (2023: 367.37). PUE: Google's "
          "Midlothian (Dallas), Texas campus, 2024, 1.12 - a hot-summer climate. "
          + _LBNL_WUE_NOTE + " " + _WRI_NOTE + " eGRID subregion ERCT 0.3354 gal/kWh = "
          "1.27 L/kWh. Price: EIA, Texas industrial average revenue 2023, 6.60 cents/kWh.")

GERMANY = Region(
    id="germany", name="Germany", aliases=("de",),
    country="Germany", year=2024, grid_intensity=336.38,
    pue=1.35, wue=0.01, grid_water_intensity=0.5143 * GAL, electricity_price=None,
    sources={"grid_intensity": "ember-yearly-electricity-2026", "pue": "aws-region-pue-wue",
             "wue": "aws-region-pue-wue",
             "grid_water_intensity": "wri-2020-water-in-electricity"},
    notes=_GRID_SCOPE + ": Ember, Germany 336.38 (2023: 362.92). (UBA's 380 g/kWh for 2023 is "
          "CO2 only, a different scope.) PUE and WUE: AWS Europe "
          "(Frankfurt) Region, 2024, 1.35 and 0.01 L/kWh (AWS fleet: 1.15). " + _WRI_NOTE + " Germany 0.5143 gal/kWh = 1.95 "
          "L/kWh. Price: unset - the Eurostat non-household price (nrg_pc_205) could not be "
          "retrieved for this edit.")

POLAND = Region(
    id="poland", name="Poland", aliases=("pl",),
    country="Poland", year=2024, grid_intensity=608.18,
    pue=_UPTIME_PUE, wue=None, grid_water_intensity=0.6640 * GAL, electricity_price=None,
    sources={"grid_intensity": "ember-yearly-electricity-2026", "pue": "uptime-survey-2024",
             "grid_water_intensity": "wri-2020-water-in-electricity"},
    notes=_GRID_SCOPE + ": Ember, Poland 608.18 (2023: 650.68). (KOBiZE's 743 kg/MWh covers "
          "fuel-combustion plants only and overstates the grid average.) " + _UPTIME_NOTE
          + " On-site WUE: unset. " + _WRI_NOTE + " Poland 0.6640 gal/kWh = 2.51 L/kWh. "
          "Price: unset - the Eurostat non-household price (nrg_pc_205) could not be "
          "retrieved for this edit.")

INDIA = Region(
    id="india", name="India (national grid)", aliases=("in",),
    country="India", year=2024, grid_intensity=705.40,
    pue=1.42, wue=None, grid_water_intensity=0.9079 * GAL, electricity_price=None,
    sources={"grid_intensity": "ember-yearly-electricity-2026", "pue": "aws-region-pue-wue",
             "grid_water_intensity": "wri-2020-water-in-electricity"},
    notes=_GRID_SCOPE + ": Ember, India 705.40 (2023: 713.36). (CEA's 0.727 tCO2/MWh for "
          "FY2023-24 is direct CO2.) PUE: AWS Asia Pacific (Mumbai) Region, 2024, 1.42 - a "
          "hot, humid climate (AWS Hyderabad: 1.46). On-site WUE: unset (AWS publishes none "
          "for Mumbai). " + _WRI_NOTE + " India 0.9079 gal/kWh = 3.44 L/kWh. Price: unset - "
          "industrial tariffs are set per state and no national figure was sourced.")

SINGAPORE = Region(
    id="singapore", name="Singapore", aliases=("sg",),
    country="Singapore", year=2024, grid_intensity=498.74,
    pue=1.32, wue=1.68, grid_water_intensity=None, electricity_price=None,
    sources={"grid_intensity": "ember-yearly-electricity-2026", "pue": "aws-region-pue-wue",
             "wue": "aws-region-pue-wue"},
    notes=_GRID_SCOPE + ": Ember, Singapore 498.74 (2023: 500.87); gas-fired generation "
          "dominates. (EMA's ~0.42 kg/kWh grid emission factor is direct CO2 only.) PUE and "
          "WUE: AWS Asia Pacific (Singapore) Region, 2024, 1.32 and 1.68 L/kWh in a tropical "
          "climate (Google's Singapore campus: PUE 1.16). Grid water: "
          "unset (no WRI country factor retrieved for Singapore). Price: unset - large users "
          "buy in the contestable market and no SP Group high-tension tariff was retrieved.")

REGIONS: tuple[Region, ...] = (
    QUEBEC, NORWAY, FRANCE, US_AVERAGE, IOWA, IOWA_MISO, CALIFORNIA, TEXAS, GERMANY, POLAND,
    INDIA,
    SINGAPORE,
)
