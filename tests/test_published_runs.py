"""Issue 14B: the audit finds the published runs, energy in scopes, checkpoints that
scale with the cluster, and the zoo entries the runs need."""

import json

import pytest

from mlsysim_lab import catalog
from mlsysim_lab.audit import AuditConfig, audit, choose_parallelism
from mlsysim_lab.cli import main
from mlsysim_lab.walls.fleet.reliability import checkpoint_time_s, training_reliability
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.walls.ops.sustainability import footprint

#: The published runs: Llama 3 herd paper Table 4 (TP 8, PP 16, DP 128, 8K sequences,
#: 16M-token batches); BLOOM paper Section 3.4 (TP 4, PP 12, DP 8, ZeRO-1, 2,048 x 2,048
#: batches); OPT paper Section 2.4 (FSDP, i.e. ZeRO-3, with Megatron TP 8, 2M tokens).
PUBLISHED = {
    "llama-3.1-405b": dict(hardware="h100", devices=16384, seq_len=8192, tp=8, pp=16,
                           batch_tokens=16 * 2**20, tokens=15.6e12),
    "bloom-176b": dict(hardware="a100", devices=384, tp=4, pp=12, zero_stage=1,
                       micro_batch=2, batch_tokens=2048 * 2048, tokens=366e9),
    "opt-175b": dict(hardware="a100", devices=992, tp=8, pp=1, zero_stage=3,
                     batch_tokens=2**21, tokens=180e9),
}


@pytest.mark.parametrize("model", sorted(PUBLISHED))
def test_published_runs_audit_with_their_published_parallelism(model):
    setting = PUBLISHED[model]
    report = audit(AuditConfig(model=model, **setting))
    plan = report.parallelism
    assert (plan["tp"], plan["pp"]) == (setting["tp"], setting["pp"])
    assert plan["tp"] * plan["pp"] * plan["dp"] == setting["devices"]
    assert report.figures["days"] > 0 and report.figures["days_step_model"] > 0


@pytest.mark.parametrize("model", sorted(PUBLISHED))
def test_the_free_search_also_finds_a_layout_for_the_published_runs(model):
    setting = {k: v for k, v in PUBLISHED[model].items()
               if k in ("hardware", "devices", "seq_len", "tokens")}
    assert audit(AuditConfig(model=model, **setting)).figures["step_model_mfu"] > 0


def test_llama3_405b_needs_an_uneven_pipeline():
    # 126 layers: only PP 1, 2, 3, ... divide them; 16 stages hold 8 layers on the busiest.
    box = catalog.get_node("dgx-h100")
    plan = choose_parallelism("llama-3.1-405b", box, 16384, 8192, tp=8, pp=16,
                              batch_tokens=16 * 2**20)
    assert plan["fits"] and plan["global_batch"] == 2048


def test_a_refusal_names_the_binding_constraint():
    with pytest.raises(ValueError, match="memory capacity binds"):
        audit(AuditConfig(model="llama-3.1-405b", hardware="h100", devices=64))
    with pytest.raises(ValueError, match="no layout"):
        audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024, tp=3))


def test_the_global_batch_follows_dp():
    box = catalog.get_node("dgx-h100")
    small = choose_parallelism("llama-3-8b", box, 64, 4096, tp=1, pp=1, micro_batch=1)
    large = choose_parallelism("llama-3-8b", box, 2048, 4096, tp=1, pp=1, micro_batch=1)
    assert small["global_batch"] == 1024 and large["global_batch"] == 2048
    deep = choose_parallelism("llama-3-70b", box, 1024, 4096, tp=8, pp=16, micro_batch=1)
    assert deep["global_batch"] / deep["dp"] >= 16     # at least one micro-batch per stage


def test_seq_len_defaults_to_4096_or_the_context_and_is_checked():
    gpt3 = audit(AuditConfig(model="gpt3", hardware="a100", devices=1024))
    assert gpt3.figures["seq_len"] == 2048
    assert audit(AuditConfig(model="llama-3-70b", hardware="h100",
                             devices=1024)).figures["seq_len"] == 4096
    with pytest.raises(ValueError, match="context of 2048"):
        audit(AuditConfig(model="gpt3", hardware="a100", devices=1024, seq_len=4096))


def test_audit_reports_days_both_ways_and_why_they_differ():
    figures = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024)).figures
    ratio = figures["days_step_model"] / figures["days_fixed_mfu"]
    assert ratio == pytest.approx(figures["mfu"] / figures["step_model_mfu"], rel=1e-9)


def test_energy_scopes_nest_and_pue_moves_only_the_facility(capsys):
    base = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024, region="iowa"))
    energy, carbon = base.figures["energy_mwh_by_scope"], base.figures["co2e_t_by_scope"]
    assert energy["gpu"] < energy["it"] < energy["facility"] == base.figures["energy_mwh"]
    assert carbon["facility"] == pytest.approx(base.figures["operational_co2e_t"])
    assert "Google" in base.figures["pue_source"]
    worse = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024, region="iowa",
                              pue=1.5)).figures
    assert worse["energy_mwh_by_scope"]["it"] == pytest.approx(energy["it"])
    assert worse["energy_mwh"] == pytest.approx(energy["it"] * 1.5)
    assert main(["audit", "--model", "llama-3-70b", "--hardware", "h100", "--devices", "1024",
                 "--pue", "1.5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    scopes = {"gpu", "it", "facility"}
    assert set(data["energy_mwh_by_scope"]) == set(data["co2e_t_by_scope"]) == scopes
    assert data["pue_source"].startswith("given")


def test_hosts_follow_one_rule_for_every_node():
    ratio = catalog.get_assumption("host-power-ratio").value
    for node in ("dgx-h100", "dgx-a100", "mi300x-platform"):
        energy = run_energy(16, 3600.0, node=node, pue=1.0)
        assert energy.it_energy_j == pytest.approx(energy.gpu_energy_j * (1 + ratio))
    gpu_only = run_energy(16, 3600.0, hardware="h100", pue=1.0)
    assert gpu_only.it_energy_j == gpu_only.gpu_energy_j


def test_embodied_carbon_is_amortised_over_the_busy_share_of_the_life():
    energy = run_energy(384, 3600.0, node="dgx-a100")
    full = footprint(energy, "france", utilisation=1.0).embodied_t
    assert footprint(energy, "france", utilisation=0.5).embodied_t == pytest.approx(2 * full)
    with pytest.raises(ValueError, match="utilisation"):
        footprint(energy, "france", utilisation=0.0)


def test_checkpoint_writes_scale_with_the_cluster_up_to_the_tier_aggregate():
    tier = catalog.get_storage("checkpoint-store")
    one = checkpoint_time_s("llama-3-70b", nodes=16)
    many = checkpoint_time_s("llama-3-70b", nodes=128)
    assert one == pytest.approx(8 * many)
    capped = checkpoint_time_s("llama-3-70b", nodes=100_000)
    assert capped == pytest.approx(70.55e9 * 14 / tier.aggregate_write_bandwidth, rel=0.01)
    assert checkpoint_time_s("llama-3-70b") == pytest.approx(
        checkpoint_time_s("llama-3-70b", storage_bandwidth=2e12))


def test_asynchronous_checkpoints_stall_only_for_the_snapshot():
    sync = training_reliability("llama-3-70b", 1024, storage="checkpoint-store")
    lazy = training_reliability("llama-3-70b", 1024, storage="checkpoint-store", asynchronous=True)
    assert lazy.checkpoint_s < sync.checkpoint_s and lazy.write_s == sync.write_s
    assert lazy.interval_s >= lazy.write_s and lazy.lost_fraction < sync.lost_fraction


def test_the_failure_spread_between_fleets_is_a_documented_range():
    spread = catalog.get_assumption("failure-rate-spread")
    assert spread.low == 1.0 and 3 < spread.high < 4
    figures = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024)).figures
    low, high = figures["cluster_mtbf_hours_range"]
    assert high == pytest.approx(figures["cluster_mtbf_hours"])
    assert low == pytest.approx(high / spread.high)


def test_the_audit_can_checkpoint_asynchronously(capsys):
    sync = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024)).figures
    lazy = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024,
                             async_checkpoint=True)).figures
    assert lazy["checkpoint_s"] < sync["checkpoint_s"] == sync["checkpoint_write_s"]
    assert lazy["lost_fraction"] < sync["lost_fraction"] and lazy["days"] < sync["days"]
    assert main(["audit", "--model", "llama-3-70b", "--hardware", "h100", "--devices", "1024",
                 "--async-checkpoint"]) == 0
    assert "stall" in capsys.readouterr().out


def test_the_calibrated_profile_slows_the_step_model_and_cites_its_figures(capsys):
    setting = dict(model="opt-175b", **PUBLISHED["opt-175b"])
    ideal = audit(AuditConfig(**setting))
    calibrated = audit(AuditConfig(efficiency="calibrated", **setting))
    assert calibrated.figures["step_model_mfu"] < ideal.figures["step_model_mfu"]
    # OPT-175B's own 147 TFLOP/s of 312 is the A100 generation's measured MFU.
    assert calibrated.figures["mfu"] == pytest.approx(147 / 312)
    cited = {a["id"] for a in calibrated.assumptions}
    assert {"calibrated-compute_efficiency", "calibrated-mfu"} <= cited
    assert main(["audit", "--model", "llama-3-70b", "--hardware", "h100", "--devices", "1024",
                 "--efficiency", "calibrated", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["efficiency"] == "calibrated"


def test_a_collective_base_latency_is_paid_per_all_reduce():
    from mlsysim_lab.walls.fleet.parallelism import training_step

    free = training_step("llama-3-70b", "dgx-h100", tp=8, pp=4, dp=8, global_batch=256)
    paid = training_step("llama-3-70b", "dgx-h100", tp=8, pp=4, dp=8, global_batch=256,
                         collective_latency_s=1e-3)
    calls = 4 * free.stage_layers * free.micro_batches       # TP all-reduces per step
    assert paid.tp_comm_s - free.tp_comm_s == pytest.approx(calls * 1e-3)
    assert paid.dp_comm_s - free.dp_comm_s == pytest.approx(1e-3)


def test_every_pinned_knob_moves_the_plan_and_the_step_model():
    base_config = dict(model="llama-3-70b", hardware="h100", devices=1024)
    base = audit(AuditConfig(**base_config))
    plan = base.parallelism
    other = {"tp": 8 if plan["tp"] != 8 else 4, "pp": 4 if plan["pp"] != 4 else 2,
             "zero_stage": 3 if plan["zero_stage"] != 3 else 1,
             "recompute": "full" if plan["recompute"] != "full" else "selective",
             "micro_batch": 2 if plan["micro_batch"] != 2 else 1,
             "virtual_stages": 1 if plan["virtual_stages"] != 1 else 2}
    for key, value in other.items():
        pinned = audit(AuditConfig(**base_config, **{key: value}))
        assert pinned.parallelism[key] == value, key
        assert pinned.figures["days_step_model"] != base.figures["days_step_model"], key
    bigger = audit(AuditConfig(**base_config, batch_tokens=16 * 2**20))
    assert bigger.parallelism["global_batch"] > plan["global_batch"]
    longer = audit(AuditConfig(**base_config, seq_len=8192))
    assert longer.figures["training_flops"] > base.figures["training_flops"]


def test_a_plan_times_the_same_step_as_the_audit():
    from mlsysim_lab.audit import plan_step

    report = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024))
    box = catalog.get_node("dgx-h100")
    plan = choose_parallelism("llama-3-70b", box, 1024, 4096)
    assert float(plan_step("llama-3-70b", "dgx-h100", plan, 4096).step_s) == pytest.approx(
        report.figures["step_s"])
