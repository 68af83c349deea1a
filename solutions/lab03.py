"""Lab 03: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab03.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab03``."""

from mlsysim_lab.course import blocks as L

LAB = "lab03"

RECAP = """
A transformer generating text keeps the keys and values of every token it has seen, so
that the next token can attend to them: the **KV cache**. Each token adds, in every layer,
one key and one value vector per **KV head**:

$$\\text{KV bytes per token} = 2 \\times \\text{layers} \\times \\text{KV heads} \\times
\\text{head dim} \\times \\text{bytes per element}.$$

With grouped-query attention (GQA, Ainslie et al., EMNLP 2023) several query heads share
one KV head, so the cache is smaller than the query heads suggest. The cache lives in the
same device memory as the weights, so the number of users a GPU can serve at once is

$$\\text{users} = \\left\\lfloor \\frac{\\text{capacity} - \\text{weights}}
{\\text{tokens reserved per user} \\times \\text{KV bytes per token}} \\right\\rfloor.$$

How many tokens each user *reserves* depends on the allocator. A **static** allocator
reserves the model's whole context window for every request, whether or not the
conversation ever gets that long. A **paged** allocator (vLLM's PagedAttention, Kwon et
al., SOSP 2023) hands out blocks of 16 tokens as they are written, wasting less than one
block per sequence. The memory reserved but holding no token is **fragmentation**.
Capacity here is the datasheet figure in decimal GB, with no room held back for the
framework (vLLM holds back 10 % by default).
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.walls.node import decode_step
from mlsysim_lab.walls.node.kvcache import (DEFAULT_PAGE_TOKENS, kv_bytes_per_token,
                                            kv_cache_capacity)
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
gpu = catalog.get_hardware(lab.scenario['hardware'])
model = catalog.get_model('llama-3.1-8b')
context = lab.scenario['context']
K8, K32, K128 = 8 * 1024, 32 * 1024, 128 * 1024
head_dim = model.head_dim or model.hidden // model.heads
print(f"{model.name}: {model.layers} layers, {model.heads} query heads sharing "
      f"{model.kv_heads} KV heads of {head_dim} dimensions, a {model.max_context:,}-token "
      f"window, {model.total_params / 1e9:.2f} G parameters")
print(f"{gpu.name}: {gpu.memory_capacity / 1e9:.0f} GB of memory")
print(f"Your users' conversations hold {context:,} tokens each.")
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. What one token costs\n\nUse the architecture printed above; the cache "
                "is FP16 (2 bytes per element). 1 KiB = 1,024 bytes."),
        *L.predict(LAB, "kv_per_token",
                   "kv_per_token = kv_bytes_per_token(model, 'fp16') / 1024", 1),
        *L.implement(LAB, "kv_bytes_fn",
                     "def kv_bytes_per_token_fn(layers, kv_heads, head_dim, bytes_per_element):\n"
                     "    return 2 * layers * kv_heads * head_dim * bytes_per_element", 2),
        *L.code(LAB, "gqa",
                "gqa = kv_bytes_per_token(model, 'fp16')\n"
                "mha = gqa * model.heads / model.kv_heads\n"
                "print(f'With GQA: {gqa / 1024:.0f} KiB per token. Had every one of the '\n"
                "      f'{model.heads} query heads its own KV head (multi-head attention), it '\n"
                "      f'would be {mha / 1024:.0f} KiB: GQA divides the cache by '\n"
                "      f'{model.heads // model.kv_heads}.')\n"
                "print(f'One full {model.max_context:,}-token conversation holds '\n"
                "      f'{gqa * model.max_context / 2**30:.0f} GiB of KV cache.')"),
        *L.text("## 2. Users at 8K, 32K and 128K tokens\n\nThe FP16 weights stay resident; "
                "what is left of your GPU's memory holds the KV cache of every active "
                "user. Assume paged allocation (almost no waste) and that every user holds "
                "the stated context."),
        *L.predict(LAB, "users_8k",
                   "users_8k = kv_cache_capacity(model, gpu, context=K8).max_sequences_paged", 1),
        *L.predict(LAB, "users_32k",
                   "users_32k = kv_cache_capacity(model, gpu, context=K32).max_sequences_paged", 1),
        *L.predict(LAB, "users_128k",
                   "users_128k = kv_cache_capacity(model, gpu, context=K128).max_sequences_paged", 1),
        *L.code(LAB, "budget",
                "plan = kv_cache_capacity(model, gpu, context=K32)\n"
                "print(f'{gpu.memory_capacity / 1e9:.0f} GB - {plan.weight_bytes_per_device / 1e9:.1f} GB '\n"
                "      f'of weights = {plan.budget_bytes / 1e9:.1f} GB for the KV cache.')\n"
                "for c in (K8, K32, K128):\n"
                "    per_user = c * plan.kv_bytes_per_token\n"
                "    users = kv_cache_capacity(model, gpu, context=c).max_sequences_paged\n"
                "    print(f'{c:>7,} tokens: {per_user / 1e9:5.2f} GB per user -> {users:.0f} users')"),
        *L.text("### One user too many\n\nThe KV cache grows by one token per user at every "
                "step. Serve one more user at 32K than fits, and the step has nowhere to put "
                "its cache (the decode step also counts its activations):"),
        *L.code(LAB, "oom",
                "fits = kv_cache_capacity(model, gpu, context=K32).max_sequences_paged\n"
                "batches = np.arange(1, 4 * fits + 1)\n"
                "steps = decode_step(model, gpu, batch=batches, context=K32)\n"
                "too_many = int(batches[~steps.feasible][0])\n"
                "failed = decode_step(model, gpu, batch=too_many, context=K32)\n"
                "if not failed.feasible:\n"
                "    show(FailureBanner('OUT OF MEMORY', f'{too_many} users at {K32:,} tokens '\n"
                "         f'need {failed.memory_bytes / 1e9:.1f} GB (weights, KV cache, '\n"
                "         f'activations); the {gpu.name} has {failed.capacity_bytes / 1e9:.0f} GB. '\n"
                "         f'The solver reports no latency for this step.'))"),
        *L.text("## 3. Static vs paged allocation\n\nA static allocator reserves the whole "
                "128K window for every request. Your users' conversations are much shorter "
                "(your scenario's context, printed in the set-up)."),
        *L.predict(LAB, "static_users",
                   "static_users = kv_cache_capacity(model, gpu, context=context)"
                   ".max_sequences_static", 1),
        *L.predict(LAB, "allocation",
                   "plan = kv_cache_capacity(model, gpu, context=context)\n"
                   "allocation = 'paged' if plan.max_sequences_paged > 2 * plan.max_sequences_static "
                   "else 'same'", 1),
        *L.predict(LAB, "paged_users",
                   "paged_users = kv_cache_capacity(model, gpu, context=context)"
                   ".max_sequences_paged", 1),
        *L.code(LAB, "fragmentation",
                "plan = kv_cache_capacity(model, gpu, context=context)\n"
                "print(f'Static: each request reserves {model.max_context:,} tokens and holds '\n"
                "      f'{context:,}: {plan.fragmentation_static:.1%} of the reserved KV memory '\n"
                "      f'holds no token ({plan.max_sequences_static:.0f} users).')\n"
                "print(f'Paged: {DEFAULT_PAGE_TOKENS}-token pages, the last one partly filled: '\n"
                "      f'{plan.fragmentation_paged:.2%} wasted ({plan.max_sequences_paged:.0f} users, '\n"
                "      f'{plan.max_sequences_paged / plan.max_sequences_static:.0f}x more).')"),
        *L.text("### Concurrency against context\n\nThe static allocator's line is flat: it "
                "pays for the window whatever the conversation holds. The paged line falls "
                "as 1/context and meets it only at the full window."),
        *L.code(LAB, "sweep",
                "contexts = np.arange(512, model.max_context + 1, 512)\n"
                "fp16 = kv_cache_capacity(model, gpu, context=contexts)\n"
                "int8 = kv_cache_capacity(model, gpu, context=contexts, kv_precision='int8')\n"
                "fig = sweep_figure(contexts, {'static (reserve the window), FP16 KV': fp16.max_sequences_static,\n"
                "                              'paged, FP16 KV': fp16.max_sequences_paged,\n"
                "                              'paged, INT8 KV': int8.max_sequences_paged},\n"
                "                   xlabel='context held per user (tokens)', ylabel='concurrent users',\n"
                "                   title=f'{model.name} on {gpu.name}: users vs context',\n"
                "                   logx=True, logy=True, marks=[('your context', context)])\n"
                "fig.axes[0].legend(fontsize=8, loc='center left')\n"
                "plt.show()"),
        *L.text("## 4. An INT8 KV cache\n\nStore the keys and values in 8 bits (1 byte per "
                "element) and keep the weights in FP16."),
        *L.predict(LAB, "int8_users",
                   "int8_users = kv_cache_capacity(model, gpu, context=K32, "
                   "kv_precision='int8').max_sequences_paged", 1),
        *L.code(LAB, "int8-step",
                "users = kv_cache_capacity(model, gpu, context=K32).max_sequences_paged\n"
                "a = decode_step(model, gpu, batch=users, context=K32)\n"
                "b = decode_step(model, gpu, batch=users, context=K32, kv_precision='int8')\n"
                "print(f'Same {users:.0f} users at {K32:,} tokens: one decode step takes '\n"
                "      f'{a.latency_s * 1e3:.1f} ms with an FP16 cache and {b.latency_s * 1e3:.1f} ms '\n"
                "      f'with INT8 ({a.bottleneck}-bound): the cache is read at every step, so '\n"
                "      f'halving it also cuts the bytes each step moves.')"),
        *L.text("### Explore\n\nMove the context and the KV format: the two allocators follow "
                "(in plain mode this prints one line)."),
        *L.code(LAB, "panel",
                "def describe(context_k, kv):\n"
                "    p = kv_cache_capacity(model, gpu, context=context_k * 1024, kv_precision=kv)\n"
                "    return (f'{context_k}K tokens, {kv} KV: static {p.max_sequences_static:.0f} users, '\n"
                "            f'paged {p.max_sequences_paged:.0f} users')\n"
                "show(ParameterPanel({'context_k': (1, 128, 1, 8), 'kv': ['fp16', 'int8']}, describe))"),
        *L.text("## 5. Llama 3.1 70B on 8 x H100\n\nA 70B model does not fit on one 80 GB "
                "GPU at all:"),
        *L.code(LAB, "big-oom",
                "big = catalog.get_model('llama-3.1-70b')\n"
                "h100 = catalog.get_hardware('h100')\n"
                "alone = kv_cache_capacity(big, h100, context=K32)\n"
                "if not alone.feasible:\n"
                "    show(FailureBanner('OUT OF MEMORY', f'{big.name} has '\n"
                "         f'{alone.weight_bytes_per_device / 1e9:.0f} GB of FP16 weights; one '\n"
                "         f'{h100.name} has {h100.memory_capacity / 1e9:.0f} GB, so no room is '\n"
                "         f'left for any KV cache.'))"),
        *L.text("With 8-way tensor parallelism each GPU holds 1/8 of the weights and, because "
                "the model has 8 KV heads, exactly one KV head of every layer (KV heads are "
                "replicated only when there are more GPUs than KV heads)."),
        *L.predict(LAB, "tp_users",
                   "tp_users = kv_cache_capacity('llama-3.1-70b', 'h100', context=K32, "
                   "devices=8).max_sequences_paged", 1),
        *L.code(LAB, "tp-step",
                "plan = kv_cache_capacity(big, h100, context=K32, devices=8)\n"
                "step = decode_step(big, h100, batch=plan.max_sequences_paged, context=K32, devices=8)\n"
                "print(f'Per GPU: {plan.weight_bytes_per_device / 1e9:.1f} GB of weights, '\n"
                "      f'{plan.budget_bytes / 1e9:.1f} GB for KV, {plan.kv_bytes_per_token / min(8, big.kv_heads) / 1024:.0f} KiB '\n"
                "      f'per token (of {plan.kv_bytes_per_token / 1024:.0f} KiB for the whole model).')\n"
                "print(f'A decode step for {plan.max_sequences_paged:.0f} users takes {step.latency_s * 1e3:.1f} ms: '\n"
                "      f'{step.memory_s * 1e3:.1f} ms of memory traffic, {step.compute_s * 1e3:.1f} ms of compute, '\n"
                "      f'{step.communication_s * 1e3:.1f} ms of all-reduces; binding wall: {step.binding_wall}.')"),
        *L.reflect(LAB, "window",
                   "Your service advertises the full 128K window, but most conversations "
                   "hold a few thousand tokens. In three or four sentences: why does a "
                   "static allocator serve so few users, what does paged allocation change, "
                   "and what does the 128K promise still cost once pages are used?",
                   "A static allocator reserves the whole window for every request, so "
                   "concurrency is set by 128K tokens of KV cache per user whatever the "
                   "conversation holds; almost all of that reservation is fragmentation. "
                   "Paged allocation reserves only the tokens written, rounded up to one "
                   "page, so concurrency follows the real context and rises by about "
                   "window / context. The promise still costs when a user does use a long "
                   "context: such a user takes as much memory as dozens of short ones, so "
                   "the scheduler must preempt or queue others (and each decode step reads "
                   "that whole cache).", 2),
        *L.summary(LAB, "Memory **capacity** (wall 2) and the **KV cache** (wall 5) bind: the "
                   "weights take a fixed share of the GPU, and what is left is divided among "
                   "users in proportion to the tokens each one reserves. GQA makes each "
                   "token cheaper, paged allocation stops paying for tokens that never "
                   "arrive, an INT8 cache halves the bytes per token, and tensor parallelism "
                   "spreads weights and KV heads over more memory. None of these changes the "
                   "rule: users = free memory / (tokens reserved x bytes per token)."),
    ]
    return L.notebook(LAB, blocks)
