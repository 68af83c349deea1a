"""Lab 03: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab03.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab03``."""

from mlsysim_lab.course import blocks as L

LAB = "lab03"

RECAP = """
The **KV cache** keeps every seen token's keys and values: 2 × layers × KV heads × head
dim × bytes per element per token. Grouped-query attention (GQA, Ainslie et al., EMNLP
2023) lets query heads share KV heads. Users = (capacity − weights) / (tokens reserved
per user × KV bytes per token). A **static** allocator reserves the whole window per user;
a **paged** one (Kwon et al., SOSP 2023) hands out 16-token blocks as tokens arrive.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.walls.node.kvcache import kv_bytes_per_token, kv_cache_capacity
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
gpu = catalog.get_hardware(lab.scenario['hardware'])
model = catalog.get_model(lab.scenario['model'])
kv = lab.scenario['kv']
share, whole = (int(part) for part in lab.scenario['fill'].split('/'))
context = model.max_context * share // whole
head_dim = model.head_dim or model.hidden // model.heads
element_bytes = {'fp16': 2, 'int8': 1}[kv]
print(f"{model.name}: {model.layers} layers, {model.heads} query heads sharing "
      f"{model.kv_heads} KV heads of {head_dim} dimensions, a {model.max_context:,}-token "
      f"window, {2 * model.total_params / 1e9:.2f} GB of FP16 weights")
print(f"KV cache in {kv.upper()} ({element_bytes} byte(s) per element); "
      f"{gpu.name}: {gpu.memory_capacity / 1e9:.0f} GB")
print(f"Your users' conversations hold {context:,} tokens each.")
"""

CLAIM = """
llama3 = catalog.get_model('llama-3.1-8b')
gqa = kv_bytes_per_token(llama3, 'fp16') * 128 * 1024
mha = gqa * llama3.heads / llama3.kv_heads
print(f"The tutorial says: at 128K context the KV cache alone fills an 80 GB GPU. "
      f"The model says: {gqa / 1e9:.1f} GB for {llama3.name}, because its {llama3.heads} query "
      f"heads share {llama3.kv_heads} KV heads. With one KV head per query head (multi-head "
      f"attention, as in Llama 2) it would be {mha / 1e9:.1f} GB: with the "
      f"{2 * llama3.total_params / 1e9:.0f} GB of weights, more than the GPU holds.")
"""

SWEEP = """
contexts = np.unique(np.geomspace(16, model.max_context, 80).astype(int))
p = kv_cache_capacity(model, gpu, context=contexts, kv_precision=kv)
fig = sweep_figure(contexts, {'static (reserve the window)': p.max_sequences_static,
                              'paged': p.max_sequences_paged},
                   xlabel='context held per user (tokens)', ylabel='concurrent users',
                   title=f'{model.name} on {gpu.name}, {kv.upper()} KV: users vs context',
                   logx=True, logy=True, marks=[('your context', context)])
plt.show()
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. What one conversation costs"),
        *L.predict(LAB, "kv_per_user",
                   "per_token = 2 * model.layers * model.kv_heads * head_dim * element_bytes   # bytes\n"
                   "kv_per_user = per_token * context / 1e9", 2),
        *L.predict(LAB, "claim",
                   "claim = 'mha'     # 32 query heads over 8 KV heads: 4x the cache; FP32 only 2x", 1),
        *L.code(LAB, "claim-check", CLAIM),
        *L.text("## 2. Users"),
        *L.predict(LAB, "users",
                   "free = gpu.memory_capacity - 2 * model.total_params\n"
                   "users = int(free / (context * per_token))", 2),
        *L.predict(LAB, "allocation",
                   "static = int(free / (model.max_context * per_token))\n"
                   "allocation = 'paged' if users > 2 * static else 'same'", 1),
        *L.code(LAB, "sweep", SWEEP),
        *L.reflect(LAB, "window",
                   "Why do short conversations starve a static allocator, and what does a "
                   "long one cost with pages?",
                   "A static allocator reserves the whole window per user whatever the "
                   "conversation holds, so almost all of it is fragmentation; paging "
                   "reserves only the tokens written, so concurrency rises by about window / "
                   "context. A user who does fill the window still takes as much memory as "
                   "many short ones, and every decode step reads that cache.", 2),
        *L.summary(LAB, "Capacity and the KV cache bind together: the weights take a fixed "
                   "share, the rest is divided by tokens reserved × bytes per token. GQA, "
                   "an INT8 cache and paging each shrink one factor of that product."),
    ]
    return L.notebook(LAB, blocks)
