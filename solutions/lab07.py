"""Lab 07: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab07.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab07``."""

from mlsysim_lab.course import blocks as L

LAB = "lab07"

RECAP = """
A node draws a share $f$ of its rated power while training; the data centre's **PUE**
(facility / IT energy; Barroso et al. 2018) adds cooling and conversion, and the grid's
carbon intensity $I$ says what each kWh emits (Patterson et al. 2021):

$$E = N_\\text{node}\\, P_\\text{node}\\, f\\; t \\times \\text{PUE}, \\qquad
\\text{CO}_2\\text{e} = E \\times I, \\qquad
\\text{cost} = \\text{rental} + \\text{CO}_2\\text{e} \\times \\text{carbon price}.$$
"""

SETUP = """
import numpy as np
from mlsysim_lab import catalog
from mlsysim_lab.walls.ops.cost import run_cost
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.walls.ops.sustainability import footprint
nodes, days = lab.scenario['nodes'], 30
node = catalog.get_node('dgx-h100')
busy = catalog.get_assumption('training-power-fraction')
price = catalog.get_assumption('carbon-price')
clean, dirty = catalog.get_region(lab.scenario['clean']), catalog.get_region(lab.scenario['dirty'])
iowa = catalog.get_region('iowa')
print(f"{nodes} x {node.name} for {days} days: {node.max_power / 1e3:.1f} kW per node, "
      f"drawing f = {busy.value:.0%} of it while training")
print(f"rental {node.cloud_price_per_hour:.2f} USD per node-hour; carbon price {price.value:.0f} USD/t")
for role, r in (('clean', clean), ('dirty', dirty), ("the tutorial's", iowa)):
    print(f"{role} region {r.name}: PUE {r.pue:.2f}, grid {r.grid_intensity:.0f} gCO2e/kWh")
"""

VERIFY = """
for r in (clean, dirty):
    e = run_energy(nodes * node.accelerators, days * 86400, node=node, pue=r.pue)
    print(f'{r.name:28s} IT {e.it_energy_kwh / 1e3:6.1f} MWh x PUE {r.pue:.2f} = '
          f'{e.facility_energy_mwh:6.1f} MWh -> {footprint(e, r).operational_t:6.1f} tCO2e')
regions = sorted(catalog.regions, key=lambda r: r.grid_intensity)
tonnes = [footprint(run_energy(nodes * node.accelerators, days * 86400, node=node, pue=r.pue), r)
          .operational_t for r in regions]
fig, ax = plt.subplots(figsize=(8, 3.5), constrained_layout=True)
ax.bar([r.id for r in regions], tonnes)
ax.set_ylabel('operational tCO2e')
ax.set_title(f'{nodes * node.accelerators} x H100 for {days} days, by region')
ax.tick_params(axis='x', labelrotation=45, labelsize=8)
plt.show()
run = {r.id: footprint(run_energy(256, days * 86400, node=node, pue=r.pue), r).operational_t
       for r in (iowa, catalog.get_region('quebec'))}
print("the tutorial's run (256 GPUs): 412 t in Iowa and 10 t in Quebec; the model: "
      + ' and '.join(f'{t:.0f} t in {catalog.get_region(name).name}' for name, t in run.items()))
for r in (clean, dirty):
    e = run_energy(nodes * node.accelerators, days * 86400, node=node, pue=r.pue)
    bill = run_cost(e, node, r, pricing='cloud', co2e_t=footprint(e, r).operational_t,
                    carbon_price_per_t=price.value)
    print(f'{r.name}: bill {bill.total_usd:,.0f} USD, of which carbon {bill.carbon_usd:,.0f} USD '
          f'({100 * bill.carbon_usd / bill.total_usd:.1f} %)')
"""

def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.predict(LAB, "energy_clean",
                   "energy_clean = nodes * node.max_power * busy.value * days * 24 * clean.pue / 1e6", 2),
        *L.predict(LAB, "energy_change",
                   "energy_change = ('more' if dirty.pue > clean.pue else\n"
                   "                 'less' if dirty.pue < clean.pue else 'same')", 1),
        *L.predict(LAB, "co2_ratio",
                   "co2_ratio = dirty.pue * dirty.grid_intensity / (clean.pue * clean.grid_intensity)", 2),
        *L.text("## A headline to check\n\nA public tutorial says a run of 256 H100 for 30 days "
                "emits 412 t of CO2 in Iowa and 10 t in Quebec."),
        *L.predict(LAB, "catalog_intensity",
                   "e_iowa = 256 / node.accelerators * node.max_power * busy.value * days * 24 * iowa.pue / 1e3  # kWh\n"
                   "catalog_intensity = 412e6 / e_iowa", 2),
        *L.code(LAB, "verify", VERIFY),
        *L.text("The IT energy is the same everywhere: the PUE moves the kWh, the grid what "
                "each kWh emits. The 412 t needs a grid dirtier than any this package cites."),
        *L.reflect(LAB, "carbon-price",
                   "What share of your dirty region's bill is carbon at the cited price "
                   "(printed above)? Would that price alone move your run, and what would?",
                   "Carbon adds only a few percent to the bill at the cited price, less than "
                   "rental prices differ between providers and regions, so the price alone "
                   "rarely moves a run. A price several times higher, a cap on emissions, a "
                   "customer or regulator reporting requirement, or cheaper clean capacity "
                   "would; the carbon ratio between the grids is tens of times, so the move "
                   "itself is the largest lever.", 2),
        *L.summary(LAB, "Energy (wall 17) follows the hardware, the time and the PUE: moving "
                   "a run changes it only through the PUE. Carbon (wall 18) is that energy "
                   "times the grid's intensity, which spans over an order of magnitude between "
                   "regions: location is the largest lever. The bill (wall 19) is mostly "
                   "rental; at the cited carbon price, carbon is a small share."),
    ]
    return L.notebook(LAB, blocks)
