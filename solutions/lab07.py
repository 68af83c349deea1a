"""Lab 07: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab07.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab07``."""

from mlsysim_lab.course import blocks as L

LAB = "lab07"

RECAP = """
A training run draws power for as long as it runs. Each GPU draws a share of its rated
power (TDP), each server's host (CPUs, memory, NICs, fans) draws its own, and the data
centre adds cooling and power conversion on top, measured by its **PUE** (power usage
effectiveness, facility energy / IT energy; Barroso, Hoelzle & Ranganathan 2018):

$$E = \\big(N_\\text{GPU}\\, P_\\text{GPU} + N_\\text{node}\\, P_\\text{host}\\big)\\; t \\times \\text{PUE}.$$

Where the electricity comes from decides the rest (Patterson et al. 2021; Li et al. 2023):

$$\\text{CO}_2\\text{e} = E \\times I_\\text{grid}, \\qquad
\\text{water} = E_\\text{IT} \\times \\text{WUE} + E \\times W_\\text{grid}, \\qquad
\\text{cost} = \\text{rental} + \\text{CO}_2\\text{e} \\times \\text{carbon price}.$$

$I_\\text{grid}$ is the grid's carbon intensity (gCO2e per kWh), WUE the litres the site's
cooling evaporates per kWh of IT energy, $W_\\text{grid}$ the litres consumed generating a
kWh. A figure the zoo does not have is **unknown**, never zero.
"""

SETUP = """
import math
import numpy as np
from mlsysim_lab import catalog
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.walls.ops.sustainability import footprint
from mlsysim_lab.walls.ops.cost import run_cost
nodes = lab.scenario['nodes']
node = catalog.get_node('dgx-h100')
gpu = catalog.get_hardware(node.accelerator)
devices = nodes * node.accelerators
days = 30
duration_s = days * 86400
clean, dirty = catalog.get_region(lab.scenario['clean']), catalog.get_region(lab.scenario['dirty'])
busy = catalog.get_assumption('training-power-fraction')
carbon_price = catalog.get_assumption('carbon-price')

def known(value, unit, scale=1.0, digits=2):
    return 'unknown' if value is None else f'{value * scale:.{digits}f} {unit}'

print(f"{devices} x {gpu.name} ({nodes} x {node.name}) training for {days} days.")
print(f"  GPU: TDP {gpu.tdp:.0f} W, drawing {busy.value:.0%} of it while training (assumption '{busy.id}')")
print(f"  node: {node.max_power / 1e3:.1f} kW maximum, of which {node.accelerators} x {gpu.tdp:.0f} W are GPUs")
print(f"  cloud: {node.cloud_instance} at {node.cloud_price_per_hour:.2f} USD per node-hour (one price in the zoo, all regions)")
print(f"  carbon price: {carbon_price.value:.0f} {carbon_price.unit} ({carbon_price.name}, a damage estimate, not a market price)")
for role, r in (('clean', clean), ('dirty', dirty)):
    print(f"  your {role} region, {r.name}: grid {r.grid_intensity:.1f} gCO2e/kWh, PUE {r.pue:.2f}, "
          f"WUE {known(r.wue, 'L/kWh')}, grid water {known(r.grid_water_intensity, 'L/kWh')}, "
          f"electricity {known(r.electricity_price, 'USD/kWh', digits=3)}")
"""

ENERGY = ("e_clean = run_energy(devices, duration_s, node=node, pue=clean.pue)\n"
          "energy_clean = e_clean.facility_energy_mwh")

CHANGE = ("e_clean = run_energy(devices, duration_s, node=node, pue=clean.pue)\n"
          "e_dirty = run_energy(devices, duration_s, node=node, pue=dirty.pue)\n"
          "ratio = e_dirty.facility_energy_j / e_clean.facility_energy_j\n"
          "options = {'pue': dirty.pue / clean.pue,\n"
          "           'intensity': dirty.grid_intensity / clean.grid_intensity,\n"
          "           'both': dirty.pue * dirty.grid_intensity / (clean.pue * clean.grid_intensity)}\n"
          "energy_change = min(options, key=lambda k: abs(math.log(ratio / options[k])))")


def _carbon(region: str) -> str:
    return (f"co2_{region} = footprint(run_energy(devices, duration_s, node=node, "
            f"pue={region}.pue), {region}).operational_t")


RATIO = ("fp = {r.id: footprint(run_energy(devices, duration_s, node=node, pue=r.pue), r)\n"
         "      for r in (clean, dirty)}\n"
         "co2_ratio = fp[dirty.id].operational_t / fp[clean.id].operational_t")

WATER = ("water_dirty = footprint(run_energy(devices, duration_s, node=node, pue=dirty.pue), "
         "dirty).water_l")

CARBON_COST = ("e_dirty = run_energy(devices, duration_s, node=node, pue=dirty.pue)\n"
               "bill = run_cost(e_dirty, node, dirty, co2e_t=footprint(e_dirty, dirty).operational_t,\n"
               "                carbon_price_per_t=carbon_price.value)\n"
               "carbon_cost_dirty = bill.carbon_usd")

TOTAL_COST = ("e_dirty = run_energy(devices, duration_s, node=node, pue=dirty.pue)\n"
              "bill = run_cost(e_dirty, node, dirty, co2e_t=footprint(e_dirty, dirty).operational_t,\n"
              "                carbon_price_per_t=carbon_price.value)\n"
              "total_cost_dirty = bill.total_usd")

BARS = """
regions = sorted(catalog.regions, key=lambda r: r.grid_intensity)
fps = [footprint(run_energy(devices, duration_s, node=node, pue=r.pue), r) for r in regions]
labels = [r.id + ('\\n(clean)' if r.id == clean.id else '\\n(dirty)' if r.id == dirty.id else '')
          for r in regions]
operational = np.array([f.operational_t for f in fps])
embodied = np.array([f.embodied_t for f in fps])
fig, ax = plt.subplots(figsize=(8, 4.2), constrained_layout=True)
ax.bar(labels, operational, color='tab:blue', label='operational (grid electricity)')
top = ax.bar(labels, embodied, bottom=operational, color='tab:orange',
             label="embodied (the GPUs' manufacture, this run's share)")
ax.bar_label(top, labels=[f'{o + e:.0f}' for o, e in zip(operational, embodied)], fontsize=8)
ax.set_ylabel('tCO2e')
ax.set_title(f'{devices} x H100 for {days} days: carbon by region (cleanest grid on the left)')
ax.tick_params(axis='x', labelrotation=45, labelsize=8)
ax.legend(fontsize=8)
plt.show()
print(f"Cleanest grid in the zoo: {regions[0].name}, {operational[0]:.1f} tCO2e; dirtiest: "
      f"{regions[-1].name}, {operational[-1]:.1f} tCO2e: {operational[-1] / operational[0]:.0f}x apart. "
      f"The embodied share, {embodied[0]:.1f} tCO2e, is the same everywhere.")
"""

WATER_TABLE = """
for r in sorted(catalog.regions, key=lambda r: r.grid_intensity):
    f = footprint(run_energy(devices, duration_s, node=node, pue=r.pue), r)
    missing = [name for name, value in (('on-site WUE', r.wue),
                                        ('grid water intensity', r.grid_water_intensity))
               if value is None]
    water = (f'{f.water_l / 1e6:6.2f} million L' if not missing else
             'unknown: the zoo has no ' + ' and no '.join(missing))
    print(f'{r.name:40s} {f.operational_t:7.1f} tCO2e   water {water}')
w_clean = footprint(run_energy(devices, duration_s, node=node, pue=clean.pue), clean).water_l
w_dirty = footprint(run_energy(devices, duration_s, node=node, pue=dirty.pue), dirty).water_l
if math.isnan(w_clean):
    print(f'\\nThe water of your clean region, {clean.name}, is unknown: it cannot be compared, '
          'and it is not zero.')
elif w_clean > w_dirty:
    print(f'\\nYour clean region, {clean.name}, consumes {w_clean / w_dirty:.1f}x the water of '
          f'your dirty region, {dirty.name}: a clean grid is not a dry one.')
else:
    print(f'\\nYour clean region, {clean.name}, consumes {w_clean / w_dirty:.2f}x the water of '
          f'your dirty region, {dirty.name}: here the move saves water too, but look at the '
          'table: the water ranking does not follow the carbon ranking.')
"""

COSTS = """
for r in (clean, dirty):
    e = run_energy(devices, duration_s, node=node, pue=r.pue)
    c = run_cost(e, node, r, co2e_t=footprint(e, r).operational_t,
                 carbon_price_per_t=carbon_price.value)
    print(f'{r.name:40s} rental {c.compute_usd / 1e6:.3f} M USD + carbon {c.carbon_usd / 1e3:6.1f} k USD '
          f'= {c.total_usd / 1e6:.3f} M USD (carbon is {c.carbon_usd / c.total_usd:.2%} of the bill)')
owned = run_cost(run_energy(devices, duration_s, node=node, pue=dirty.pue), node, dirty,
                 pricing='owned')
if owned.unknown:
    show(FailureBanner('COST UNKNOWN', 'Owning the nodes in ' + dirty.name + ' instead of renting '
                       'them cannot be priced: ' + '; '.join(owned.unknown) + '. The total is '
                       'unknown, not 0 USD.'))
else:
    print(f'Owning instead of renting: {owned.total_usd / 1e6:.3f} M USD')
"""

PANEL = """
def describe(region, nodes):
    r = catalog.get_region(region)
    e = run_energy(nodes * node.accelerators, duration_s, node=node, pue=r.pue)
    f = footprint(e, r)
    water = 'unknown' if math.isnan(f.water_l) else f'{f.water_l / 1e6:.2f} million L'
    return (f'{nodes} nodes in {r.name}: {e.facility_energy_mwh:.0f} MWh, '
            f'{f.operational_t:.1f} tCO2e operational, water {water}')
choices = [clean.id] + [r.id for r in catalog.regions if r.id != clean.id]
show(ParameterPanel({'region': choices, 'nodes': (1, 128, 1, nodes)}, describe))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Energy\n\nCount the GPUs at their training power, the hosts of the "
                "nodes (a node's maximum power minus its GPUs' TDP, loaded like the GPUs), "
                "the 30 days, and the PUE of your clean region's data centre."),
        *L.predict(LAB, "energy_clean", ENERGY, 2),
        *L.code(LAB, "counted",
                "e = run_energy(devices, duration_s, node=node, pue=clean.pue)\n"
                "print(f'Counted: {e.counted}.')\n"
                "print(f'Per GPU {e.device_power_w:.0f} W, per host {e.host_power_w:.0f} W; '\n"
                "      f'IT energy {e.it_energy_kwh / 1e3:.1f} MWh x PUE {e.pue:.2f} = '\n"
                "      f'{e.facility_energy_mwh:.1f} MWh')"),
        *L.predict(LAB, "energy_change", CHANGE, 2),
        *L.code(LAB, "energy-both",
                "for r in (clean, dirty):\n"
                "    e = run_energy(devices, duration_s, node=node, pue=r.pue)\n"
                "    print(f'{r.name:40s} PUE {r.pue:.2f}: IT {e.it_energy_kwh / 1e3:.1f} MWh, '\n"
                "          f'facility {e.facility_energy_mwh:.1f} MWh, grid {r.grid_intensity:.0f} gCO2e/kWh')"),
        *L.text("The IT energy is the same in both places: the same GPUs do the same work "
                "for the same time. Only the facility overhead (PUE) differs. The grid's "
                "carbon intensity does not change a single kWh; it changes what each kWh "
                "emits."),
        *L.text("## 2. Carbon"),
        *L.implement(LAB, "carbon_fn",
                     "def operational_carbon_t(energy_kwh, grid_intensity):\n"
                     "    return energy_kwh * grid_intensity / 1e6", 2),
        *L.predict(LAB, "co2_clean", _carbon("clean"), 1),
        *L.predict(LAB, "co2_dirty", _carbon("dirty"), 1),
        *L.predict(LAB, "co2_ratio", RATIO, 1),
        *L.text("The ratio is the ratio of the grid intensities times the ratio of the PUEs. "
                "Here is the same run in every region of the zoo:"),
        *L.code(LAB, "carbon-bars", BARS),
        *L.text("## 3. Water\n\nThe site's cooling evaporates water per kWh of IT energy "
                "(WUE), and generating the electricity consumes water too (thermal plants' "
                "cooling towers, evaporation from hydro reservoirs). Your dirty region has "
                "both figures in the zoo."),
        *L.predict(LAB, "water_dirty", WATER, 1),
        *L.code(LAB, "water-table", WATER_TABLE),
        *L.text("## 4. Cost with a carbon price\n\nThe rental price already includes the "
                "electricity. Put the run's operational carbon on the bill at the cited "
                "carbon price."),
        *L.predict(LAB, "carbon_cost_dirty", CARBON_COST, 1),
        *L.predict(LAB, "total_cost_dirty", TOTAL_COST, 1),
        *L.code(LAB, "costs", COSTS),
        *L.text("### Explore\n\nPick a region and a cluster size (in plain mode this prints "
                "one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "move",
                   "Moving your run from the dirty to the clean region cuts its operational "
                   "carbon by the ratio you computed. What does the move *not* change, and "
                   "name two reasons that could still keep the run where it is.",
                   "The move does not change the work, the time, the IT energy or (in this "
                   "model) the rental bill; the facility energy changes only through the "
                   "PUE. The carbon falls because each kWh carries less CO2e. Reasons to "
                   "stay: water (a hydro-heavy grid can consume more water per kWh, and some "
                   "regions have no water figure at all), GPU availability and price in that "
                   "region, data residency and privacy rules, latency to the data or the "
                   "users, and whether the clean region's spare power is real (a new load can "
                   "be met by marginal fossil generation).", 2),
        *L.reflect(LAB, "price",
                   "The carbon term is a small share of the bill even in your dirty region. "
                   "Why, and what would make geography matter more for cost?",
                   "Renting an H100 node-hour costs far more than the electricity it draws, "
                   "and the carbon price multiplies only the tonnes from that electricity, so "
                   "the carbon term is a small share of a bill dominated by the hardware. "
                   "Geography would weigh more on cost with a much higher carbon price, with "
                   "owned hardware where the local electricity price enters the bill, or "
                   "with rental prices that differ by region.", 2),
        *L.summary(LAB, "Energy (wall 17) is set by the hardware, the time and the data centre's "
                   "**PUE**: moving a run changes it only through the PUE. Carbon (wall 18) "
                   "is that energy times the **grid's carbon intensity**, which spans more "
                   "than an order of magnitude between regions: the location is the largest "
                   "lever on a run's emissions, larger than any efficiency gain within a "
                   "data centre. Water follows cooling and generation, not carbon, and is "
                   "unknown where the zoo lacks a figure. Cost (wall 19) of rented GPUs is "
                   "dominated by the rental itself: at the social cost of carbon, the carbon "
                   "term is a small share."),
    ]
    return L.notebook(LAB, blocks)
