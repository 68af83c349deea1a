"""The model zoo: architectures from the papers and model cards, counts derived.

``published_params`` is the figure the source prints; tests check that the count
derived from the architecture agrees with it within 2 %.
"""

from __future__ import annotations

from mlsysim_lab.catalog import references
from mlsysim_lab.catalog.convnets import mobilenet_v2_layers, resnet50_layers
from mlsysim_lab.catalog.models import BILLION, MILLION, ConvNetSpec, ModelSpec, TransformerSpec
from mlsysim_lab.catalog.references import Reference

references.register(
    Reference(key="he2016-resnet", title="Deep Residual Learning for Image Recognition",
              publisher="He, Zhang, Ren, Sun; CVPR", year=2016, locator="Table 1",
              url="https://arxiv.org/abs/1512.03385"),
    Reference(key="torchvision-models", title="torchvision pre-trained model weights "
              "(num_params, GFLOPS per weight entry)", publisher="PyTorch / torchvision "
              "documentation", year=2023, locator="ResNet50_Weights.IMAGENET1K_V1, "
              "MobileNet_V2_Weights.IMAGENET1K_V1",
              url="https://pytorch.org/vision/stable/models.html"),
    Reference(key="sandler2018-mobilenetv2", title="MobileNetV2: Inverted Residuals and "
              "Linear Bottlenecks", publisher="Sandler, Howard, Zhu, Zhmoginov, Chen; CVPR",
              year=2018, locator="Table 2 (architecture), Table 4 (300M MAdds)",
              url="https://arxiv.org/abs/1801.04381"),
    Reference(key="devlin2019-bert", title="BERT: Pre-training of Deep Bidirectional "
              "Transformers for Language Understanding", publisher="Devlin, Chang, Lee, "
              "Toutanova; NAACL", year=2019, locator="Section 3 (BERT-base: L=12, H=768, "
              "A=12, 110M parameters)", url="https://arxiv.org/abs/1810.04805"),
    Reference(key="radford2019-gpt2", title="Language Models are Unsupervised Multitask "
              "Learners", publisher="Radford et al.; OpenAI", year=2019,
              locator="Table 2 (1542M parameters, 48 layers, d_model 1600)",
              url="https://cdn.openai.com/better-language-models/language_models_are_"
                  "unsupervised_multitask_learners.pdf"),
    Reference(key="brown2020-gpt3", title="Language Models are Few-Shot Learners",
              publisher="Brown et al.; NeurIPS", year=2020, locator="Table 2.1",
              url="https://arxiv.org/abs/2005.14165"),
    Reference(key="touvron2023-llama2", title="Llama 2: Open Foundation and Fine-Tuned Chat "
              "Models", publisher="Touvron et al.; Meta AI", year=2023,
              locator="Table 1, Section 2.2 (GQA for 70B)",
              url="https://arxiv.org/abs/2307.09288"),
    Reference(key="hf-llama2-configs", title="meta-llama/Llama-2-7b-hf and Llama-2-70b-hf: "
              "config.json and model card (model size 6.74B / 69.0B params)",
              publisher="Meta on Hugging Face", year=2023,
              url="https://huggingface.co/meta-llama/Llama-2-7b-hf"),
    Reference(key="dubey2024-llama3", title="The Llama 3 Herd of Models",
              publisher="Llama Team, AI @ Meta", year=2024,
              locator="Table 3 (layers, model dim, FFN dim, heads, KV heads, vocabulary)",
              url="https://arxiv.org/abs/2407.21783"),
    Reference(key="hf-llama3-configs", title="meta-llama/Meta-Llama-3-8B, Meta-Llama-3-70B, "
              "Llama-3.1-405B: config.json (vocab_size 128256) and model size",
              publisher="Meta on Hugging Face", year=2024,
              url="https://huggingface.co/meta-llama/Meta-Llama-3-8B"),
    Reference(key="bigscience2022-bloom", title="BLOOM: A 176B-Parameter Open-Access "
              "Multilingual Language Model", publisher="BigScience Workshop; "
              "arXiv:2211.05100", year=2022,
              locator="Table 3 (176B: 70 layers, hidden 14,336, 112 heads, sequence length "
                      "2,048, 176,247M parameters); Section 3.2 (ALiBi, embedding LayerNorm, "
                      "tied embeddings, vocabulary 250,680); Section 3.4, Engineering (384 "
                      "A100 80GB in 48 nodes, 3D parallelism TP 4 x PP 12 x DP 8 with ZeRO "
                      "stage 1, 3.5 months)",
              url="https://arxiv.org/abs/2211.05100"),
    Reference(key="hf-bloom-config", title="bigscience/bloom: config.json",
              publisher="BigScience on Hugging Face", year=2022,
              locator="vocab_size 250880 (the tokenizer's 250,680 padded for tensor "
                      "parallelism), n_layer 70, n_head 112, hidden_size 14336",
              url="https://huggingface.co/bigscience/bloom/blob/main/config.json"),
    Reference(key="zhang2022-opt", title="OPT: Open Pre-trained Transformer Language "
              "Models", publisher="Zhang et al.; Meta AI; arXiv:2205.01068", year=2022,
              locator="Table 1 (175B: 96 layers, 96 heads, embedding size 12,288, batch 2M "
                      "tokens); Section 2.1 (GPT-2 BPE tokenizer, 2,048-token context, "
                      "ReLU); Section 2.4 (992 80GB A100, Fully Sharded Data Parallel with "
                      "Megatron-LM tensor parallelism, up to 147 TFLOP/s per GPU); Section "
                      "2.5 (at least 35 manual restarts and over 100 hosts cycled in 2 "
                      "months); Section 7 (75 tCO2eq)",
              url="https://arxiv.org/abs/2205.01068"),
    Reference(key="hf-opt-config", title="facebook/opt-66b and metaseq OPT-175B "
              "configuration: vocab_size 50272, max_position_embeddings 2048 (+2 offset "
              "rows), ffn_dim 4 x hidden, tied input/output embeddings, biases",
              publisher="Meta on Hugging Face", year=2022,
              url="https://huggingface.co/facebook/opt-66b/blob/main/config.json"),
    Reference(key="jiang2024-mixtral", title="Mixtral of Experts", publisher="Jiang et al.; "
              "Mistral AI", year=2024, locator="Table 1 (architecture); Section 2 (47B "
              "total, 13B active parameters)", url="https://arxiv.org/abs/2401.04088"),
)


def _llama_like(**fields: object) -> TransformerSpec:
    """Llama-family defaults: RMSNorm, no biases, SwiGLU MLP, untied embeddings."""
    return TransformerSpec(gated_mlp=True, bias=False, tied_embeddings=False, **fields)


RESNET50 = ConvNetSpec(
    id="resnet-50", name="ResNet-50", aliases=("resnet50",), family="ResNet", year=2016,
    input_size=224, conv_layers=resnet50_layers(), published_params=25.557032 * MILLION,
    published_macs=4.09 * BILLION,
    sources={"architecture": "he2016-resnet", "published_params": "torchvision-models",
             "published_macs": "torchvision-models"})

MOBILENET_V2 = ConvNetSpec(
    id="mobilenet-v2", name="MobileNetV2", aliases=("mobilenetv2",), family="MobileNet",
    year=2018, input_size=224, conv_layers=mobilenet_v2_layers(),
    published_params=3.504872 * MILLION, published_macs=300 * MILLION,
    sources={"architecture": "sandler2018-mobilenetv2",
             "published_params": "torchvision-models",
             "published_macs": "sandler2018-mobilenetv2"})

BERT_BASE = TransformerSpec(
    id="bert-base", name="BERT-base (uncased)", family="BERT", year=2019, kind="encoder",
    layers=12, hidden=768, heads=12, kv_heads=12, ffn=3072, vocab=30522, gated_mlp=False,
    learned_positions=512, token_types=2, bias=True, pooler=True, max_context=512,
    published_params=110 * MILLION,
    sources={"architecture": "devlin2019-bert", "published_params": "devlin2019-bert"})

GPT2_XL = TransformerSpec(
    id="gpt2-xl", name="GPT-2 XL", aliases=("gpt-2-xl",), family="GPT-2", year=2019,
    layers=48, hidden=1600, heads=25, kv_heads=25, ffn=6400, vocab=50257, gated_mlp=False,
    tied_embeddings=True, learned_positions=1024, bias=True, max_context=1024,
    published_params=1542 * MILLION,
    sources={"architecture": "radford2019-gpt2", "published_params": "radford2019-gpt2"})

GPT3_175B = TransformerSpec(
    id="gpt3-175b", name="GPT-3 175B", aliases=("gpt-3", "gpt3"), family="GPT-3", year=2020,
    layers=96, hidden=12288, heads=96, kv_heads=96, ffn=4 * 12288, vocab=50257,
    gated_mlp=False, tied_embeddings=True, learned_positions=2048, bias=True,
    max_context=2048, published_params=175 * BILLION,
    notes="Vocabulary and learned positions follow GPT-2 (the paper reuses its tokenizer).",
    sources={"architecture": "brown2020-gpt3", "published_params": "brown2020-gpt3"})

LLAMA2_7B = _llama_like(
    id="llama-2-7b", name="Llama 2 7B", family="Llama 2", year=2023, layers=32, hidden=4096,
    heads=32, kv_heads=32, ffn=11008, vocab=32000, max_context=4096,
    published_params=6.74 * BILLION,
    sources={"architecture": "touvron2023-llama2", "published_params": "hf-llama2-configs"})

LLAMA2_70B = _llama_like(
    id="llama-2-70b", name="Llama 2 70B", family="Llama 2", year=2023, layers=80,
    hidden=8192, heads=64, kv_heads=8, ffn=28672, vocab=32000, max_context=4096,
    published_params=70 * BILLION,
    sources={"architecture": "touvron2023-llama2", "published_params": "touvron2023-llama2"})

LLAMA3_8B = _llama_like(
    id="llama-3-8b", name="Llama 3 8B", aliases=("llama3-8b", "meta-llama-3-8b"),
    notes="The April 2024 release, 8K context; Llama 3.1 8B is the 128K-context one.",
    family="Llama 3", year=2024, layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    vocab=128256, max_context=8192, published_params=8.03 * BILLION,
    sources={"architecture": "dubey2024-llama3", "published_params": "hf-llama3-configs"})

LLAMA3_70B = _llama_like(
    id="llama-3-70b", name="Llama 3 70B", aliases=("llama3-70b", "meta-llama-3-70b"),
    family="Llama 3", year=2024, layers=80, hidden=8192, heads=64, kv_heads=8, ffn=28672,
    vocab=128256, max_context=8192, published_params=70.6 * BILLION,
    sources={"architecture": "dubey2024-llama3", "published_params": "hf-llama3-configs"})

LLAMA31_8B = _llama_like(
    id="llama-3.1-8b", name="Llama 3.1 8B", aliases=("llama3.1-8b",), family="Llama 3",
    year=2024, layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=128256,
    max_context=131072, published_params=8 * BILLION,
    notes="Llama 3 8B's architecture with the context window extended to 128K tokens.",
    sources={"architecture": "dubey2024-llama3", "published_params": "dubey2024-llama3"})

LLAMA31_70B = _llama_like(
    id="llama-3.1-70b", name="Llama 3.1 70B", aliases=("llama3.1-70b",), family="Llama 3",
    year=2024, layers=80, hidden=8192, heads=64, kv_heads=8, ffn=28672, vocab=128256,
    max_context=131072, published_params=70 * BILLION,
    notes="Llama 3 70B's architecture with the context window extended to 128K tokens.",
    sources={"architecture": "dubey2024-llama3", "published_params": "dubey2024-llama3"})

LLAMA3_405B = _llama_like(
    id="llama-3.1-405b", name="Llama 3.1 405B", aliases=("llama-3-405b", "llama3-405b"),
    family="Llama 3", year=2024, layers=126, hidden=16384, heads=128, kv_heads=8,
    ffn=53248, vocab=128256, max_context=131072, published_params=405 * BILLION,
    sources={"architecture": "dubey2024-llama3", "published_params": "dubey2024-llama3"})

MIXTRAL_8X7B = _llama_like(
    id="mixtral-8x7b", name="Mixtral 8x7B", aliases=("mixtral",), family="Mixtral",
    year=2024, layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=32000,
    experts=8, experts_per_token=2, max_context=32768, published_params=47 * BILLION,
    published_active_params=13 * BILLION,
    sources={"architecture": "jiang2024-mixtral", "published_params": "jiang2024-mixtral",
             "published_active_params": "jiang2024-mixtral"})

BLOOM_176B = TransformerSpec(
    id="bloom-176b", name="BLOOM 176B", aliases=("bloom",), family="BLOOM", year=2022,
    layers=70, hidden=14336, heads=112, kv_heads=112, ffn=4 * 14336, vocab=250880,
    gated_mlp=False, tied_embeddings=True, bias=True, max_context=2048,
    published_params=176.247 * BILLION,
    notes="ALiBi position biases (no position table); the embedding LayerNorm (2 x 14,336 "
          "parameters) is not modelled. Vocabulary: the 250,880 rows of the released "
          "embedding (250,680 tokens padded).",
    sources={"architecture": "bigscience2022-bloom", "published_params": "bigscience2022-bloom"})

OPT_175B = TransformerSpec(
    id="opt-175b", name="OPT-175B", aliases=("opt",), family="OPT", year=2022,
    layers=96, hidden=12288, heads=96, kv_heads=96, ffn=4 * 12288, vocab=50272,
    gated_mlp=False, tied_embeddings=True, learned_positions=2050, bias=True,
    max_context=2048, published_params=175 * BILLION,
    notes="GPT-3 175B's shape with OPT's padded vocabulary and the learned position table "
          "of the metaseq release (2,048 positions + 2 offset rows).",
    sources={"architecture": "zhang2022-opt", "published_params": "zhang2022-opt"})

MODELS: tuple[ModelSpec, ...] = (
    RESNET50, MOBILENET_V2, BERT_BASE, GPT2_XL, GPT3_175B, LLAMA2_7B, LLAMA2_70B,
    LLAMA3_8B, LLAMA3_70B, LLAMA31_8B, LLAMA31_70B, LLAMA3_405B, MIXTRAL_8X7B, BLOOM_176B,
    OPT_175B)
