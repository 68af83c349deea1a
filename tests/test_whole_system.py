"""Whole-system tools: taxonomy, exploration, the explainer, pipelines, the audit."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlsysim_lab import taxonomy
from mlsysim_lab.audit import AuditConfig, audit
from mlsysim_lab.cli import main
from mlsysim_lab.explain import explain
from mlsysim_lab.explore import Constraint, explore, training_evaluator
from mlsysim_lab.pipeline import (CSVCallback, FunctionStage, LogCallback, PipelineError,
                                  training_pipeline)
from mlsysim_lab.walls.node.serving import decode_step


# --- taxonomy ----------------------------------------------------------------------------
def test_22_walls_in_six_domains_each_with_a_documented_solver():
    assert [w.number for w in taxonomy.WALLS] == list(range(1, 23))
    assert {w.domain for w in taxonomy.WALLS} == set(taxonomy.DOMAINS)
    for wall in taxonomy.WALLS:
        for dotted in wall.solvers:
            solver = taxonomy.resolve_solver(dotted)
            assert callable(solver) and (solver.__doc__ or "").strip(), dotted
        assert wall.references and wall.equation


def test_register_a_custom_solver():
    def my_solver(x: float) -> float:
        """t = x / 2 (a test solver)."""
        return x / 2

    wall = taxonomy.register_solver(1, my_solver)
    try:
        assert any(s.endswith("my_solver") for s in wall.as_dict()["solvers"])
        with pytest.raises(ValueError, match="docstring"):
            taxonomy.register_solver(1, lambda x: x)
        with pytest.raises(ValueError, match="1 to 22"):
            taxonomy.register_solver(23, my_solver)
    finally:
        wall.extra_solvers.remove(my_solver)


def test_walls_command(capsys):
    assert main(["walls", "--json"]) == 0
    walls = json.loads(capsys.readouterr().out)
    assert len(walls) == 22 and walls[6]["name"] == "tail latency"


# --- exploration -------------------------------------------------------------------------
def test_explore_finds_the_best_feasible_point_and_respects_constraints():
    def evaluate(p):
        return {"cost": (p["x"] - 3) ** 2 + p["y"], "feasible": p["y"] >= 1}

    result = explore(evaluate, {"x": range(10), "y": range(5)}, objectives={"cost": "min"},
                     constraints=[Constraint("cost", "<=", 20)])
    assert result.best == {"x": 3, "y": 1, "cost": 1, "feasible": True}
    assert not result.feasible[(result.points["y"] == 0)].any()
    assert np.all(result.metrics["cost"][result.feasible] <= 20)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)),
                min_size=1, max_size=40), st.integers(2, 3))
def test_pareto_front_equals_brute_force(rows, k):
    data = np.array(rows, dtype=float)[:, :k]
    objectives = {f"m{i}": "min" for i in range(k)}

    def evaluate(p):
        return {f"m{i}": data[p["i"], i] for i in range(k)}

    result = explore(evaluate, {"i": range(len(data))}, objectives=objectives)
    front = {tuple(r[f"m{i}"] for i in range(k)) for r in result.pareto_front}
    expected = {tuple(row) for row in data
                if not any(np.all(o <= row) and np.any(o < row) for o in data)}
    assert front == expected


def test_training_space_exploration_ranks_only_feasible_configurations():
    space = {"tp": [1, 2, 4, 8], "pp": [1, 2, 4, 8], "dp": [4, 8, 16, 32],
             "micro_batch": [1, 2, 4]}
    result = explore(training_evaluator("llama-3-70b", "dgx-h100", global_batch=512), space,
                     objectives={"step_s": "min", "cost_per_step_usd": "min"})
    assert result.size == 4 * 4 * 4 * 3 and 0 < result.feasible.sum() < result.size
    assert result.best["feasible"] and result.best["memory_bytes"] <= 80e9
    assert all(row["feasible"] for row in result.pareto_front)
    steps = [row["step_s"] for row in result.pareto_front]
    costs = [row["cost_per_step_usd"] for row in result.pareto_front]
    assert steps == sorted(steps) and costs == sorted(costs, reverse=True)


def test_exploration_errors_are_clear():
    with pytest.raises(KeyError, match="latency"):
        explore(lambda p: {"cost": p["x"]}, {"x": [1]}, objectives={"latency": "min"})
    with pytest.raises(ValueError, match="objective"):
        explore(lambda p: {"cost": p["x"]}, {"x": [1]}, objectives={"cost": "smallest"})


# --- explainer ---------------------------------------------------------------------------
def test_same_wall_upgrade_tracks_bandwidth_and_the_text_quotes_it():
    a = decode_step("llama-3-8b", "a100", batch=1, context=1024)
    b = decode_step("llama-3-8b", "h100", batch=1, context=1024)
    why = explain(a, b, label_a="A100", label_b="H100")
    assert not why.regime_shift and why.wall_a == why.wall_b == "memory bandwidth"
    assert why.speedup == pytest.approx(why.memory_ratio, rel=1e-3)
    assert f"{why.speedup:.2f}x faster" in why.text and "memory bandwidth" in why.text


def test_a_regime_shift_is_named_and_the_speedup_lies_between_the_ratios():
    a = decode_step("llama-3-8b", "a100", batch=224, context=128)
    b = decode_step("llama-3-8b", "h100", batch=224, context=128)
    why = explain(a, b)
    assert why.regime_shift and why.wall_a == "compute throughput"
    assert why.wall_b == "memory bandwidth"
    assert min(why.compute_ratio, why.memory_ratio) <= why.speedup <= max(
        why.compute_ratio, why.memory_ratio)
    assert "shifts" in why.text and f"{why.speedup:.2f}x" in why.text


def test_no_speed_comparison_when_one_side_does_not_fit():
    why = explain(decode_step("llama-3-70b", "h100"), decode_step("llama-3-70b", "h200"))
    assert not why.comparable and math.isnan(why.speedup) and "does not fit" in why.text


# --- pipelines ---------------------------------------------------------------------------
RUN = dict(model="llama-3-70b", tokens=1.4e12, hardware="h100", devices=1024,
           region="quebec", node="dgx-h100")


def test_training_pipeline_runs_every_stage_with_callbacks(tmp_path):
    log = LogCallback()
    csv_path = tmp_path / "stages.csv"
    result = training_pipeline([log, CSVCallback(csv_path)]).run(**RUN)
    assert [h["stage"] for h in result.history] == ["training_time", "energy", "carbon", "cost"]
    assert result["energy_mwh"] > 0 and result["co2e_t"] > 0 and result["cost_usd"] > 0
    assert len(log.lines) == 4 and log.lines[0].startswith("training_time:")
    rows = csv_path.read_text().splitlines()
    assert rows[0] == "stage,key,value" and any(r.startswith("carbon,co2e_t,") for r in rows)


def test_a_custom_stage_reads_earlier_results():
    pipeline = training_pipeline()
    pipeline.insert(FunctionStage("carbon_price", lambda c: {"carbon_usd": c["co2e_t"] * 190.0},
                                  ("co2e_t",)), after="carbon")
    result = pipeline.run(**RUN)
    assert pipeline.names().index("carbon_price") == 3
    assert result["carbon_usd"] == pytest.approx(result["co2e_t"] * 190.0)


def test_pipeline_errors_name_the_stage():
    with pytest.raises(PipelineError, match="training_time.*tokens"):
        training_pipeline().run(model="llama-3-70b", hardware="h100", devices=8, region="quebec")
    clash = training_pipeline()
    clash.insert(FunctionStage("bad", lambda c: {"energy_mwh": 0.0}), after="energy")
    with pytest.raises(PipelineError, match="overwrite energy_mwh"):
        clash.run(**RUN)
    with pytest.raises(ValueError, match="already"):
        training_pipeline().add(FunctionStage("energy", lambda c: {}))


# --- audit ------------------------------------------------------------------------------
def test_audit_covers_every_domain_and_its_knobs_move_it():
    report = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024,
                               region="quebec"))
    figures = report.figures
    for key in ("days", "gpu_hours", "energy_mwh", "co2e_t", "cost_usd", "cluster_mtbf_hours",
                "checkpoint_interval_hours"):
        assert figures[key] > 0, key
    assert set(report.binding_walls) == {"node", "data", "algorithm", "fleet", "ops", "analysis"}
    assert report.most_valuable_upgrade in report.elasticities
    assert figures["tokens_per_param"] == pytest.approx(20.0)
    half = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024,
                             region="quebec", mfu=figures["mfu"] / 2))
    assert half.figures["days"] == pytest.approx(2 * figures["days"])
    poland = audit(AuditConfig(model="llama-3-70b", hardware="h100", devices=1024, region="poland"))
    assert poland.figures["operational_co2e_t"] > 10 * figures["operational_co2e_t"]


def test_audit_command_json_and_config_files(capsys, tmp_path):
    assert main(["audit", "--model", "llama-3-70b", "--tokens", "1e12", "--hardware", "h100",
                 "--devices", "512", "--region", "norway", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("days", "gpu_hours", "energy_mwh", "co2e_t", "cost_usd", "cluster_mtbf_hours",
                "checkpoint_interval_hours", "binding_wall"):
        assert key in data
    toml = tmp_path / "run.toml"
    toml.write_text('model = "llama-3-70b"\ntokens = 1e12\nhardware = "h100"\ndevices = 512\n'
                    'region = "norway"\n')
    assert main(["audit", "--config", str(toml), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["days"] == pytest.approx(data["days"])
    yaml_file = tmp_path / "run.yaml"
    yaml_file.write_text("model: llama-3-70b\ntokens: 1.0e12\nhardware: h100\ndevices: 512\n"
                         "region: norway\n")
    assert main(["audit", "--config", str(yaml_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["days"] == pytest.approx(data["days"])


@pytest.mark.parametrize("args, message", [
    (["audit", "--model", "llama-3-70b", "--hardware", "h100"], "--devices"),
    (["audit", "--model", "llama-3-70b", "--hardware", "h100", "--devices", "0"], "devices"),
    (["audit", "--model", "llama-3-70b", "--hardware", "t4", "--devices", "8"], "no node"),
])
def test_audit_bad_input_is_one_line(capsys, args, message):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_audit_config_with_an_unknown_key(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('model = "llama-3-70b"\ngpus = 8\n')
    assert main(["audit", "--config", str(bad)]) == 2
    assert "gpus" in capsys.readouterr().err


def test_audit_of_a_zoo_cluster_uses_its_size_and_network(capsys):
    assert main(["audit", "--model", "llama-3-70b", "--cluster", "dgx-h100-256", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["devices"] == 256 and data["node"] == "dgx-h100"
    assert main(["audit", "--model", "llama-3-70b", "--cluster", "dgx-h100-256",
                 "--devices", "512"]) == 2
    assert "256" in capsys.readouterr().err


def test_network_oversubscription_slows_data_parallel_communication():
    from mlsysim_lab.walls.fleet.parallelism import training_step

    fair = training_step("llama-3-70b", "dgx-h100", tp=8, pp=2, dp=64, global_batch=512)
    tight = training_step("llama-3-70b", "dgx-h100", tp=8, pp=2, dp=64, global_batch=512,
                          oversubscription=4.0)
    assert tight.dp_comm_s > fair.dp_comm_s and tight.step_s > fair.step_s
