"""The widget kit, driven in code: type, click, read what is displayed."""

import pytest

from mlsysim_lab.grading import open_lab
from mlsysim_lab.widgets import FailureBanner, ParameterPanel, PredictionCard, RevealCard
from mlsysim_lab.widgets.mode import plain_mode


@pytest.fixture
def lab():
    return open_lab("sample")


def test_prediction_card_commits_then_locks(lab):
    card = PredictionCard(lab, "decode_ms")
    assert not card.commit("lots") and "Not committed" in card.html
    assert card.commit("3.5 ms") and lab.predictions["decode_ms"] == 3.5
    assert "Committed: 3.5 ms. Locked." in card.html
    assert not card.commit("4 ms") and "final" in card.status


def test_choice_card_names_the_committed_option(lab):
    card = PredictionCard(lab, "regime")
    assert "one of &#x27;memory&#x27; or &#x27;compute&#x27;" in card.html
    card.commit("compute")
    assert lab.predictions["regime"] == "compute"


def test_reveal_card_refuses_before_the_commit_and_shows_the_gap_after(lab):
    reveal = RevealCard(lab, "decode_ms")
    assert "commit your prediction first" in reveal.reveal()
    assert "model says" not in reveal.html
    PredictionCard(lab, "decode_ms").commit("2 ms")
    reveal.reveal()
    assert "You predicted 2 ms" in reveal.html and "off by" in reveal.html


def test_committed_and_revealed_cards_are_static_html_that_survives_a_reopen(lab):
    card = PredictionCard(lab, "regime")
    card.commit("compute")
    assert "Committed: &#x27;compute&#x27; (compute throughput)" in card.html
    reopened = PredictionCard(open_lab("sample"), "regime")     # a new kernel
    assert "Locked" in reopened.html
    wrong = RevealCard(lab, "regime")
    wrong.reveal()
    assert "misconception: decode is compute-bound like training" in wrong.text


def test_parameter_panel_reruns_on_every_change():
    seen = []

    def update(batch, device):
        seen.append((batch, device))
        return f"{device} at batch {batch}"

    panel = ParameterPanel({"batch": (1, 64, 1, 8), "device": ["a100", "h100"]}, update)
    assert panel.last == "a100 at batch 8"
    panel.set("batch", 16)
    assert panel.last == "a100 at batch 16" and panel.calls == 2
    panel.widget
    panel._sliders["device"].value = "h100"
    assert panel.last == "h100 at batch 16" and seen[-1] == (16, "h100")
    with pytest.raises(KeyError, match="no control"):
        panel.set("precision", "fp8")


def test_a_panels_output_carries_static_fallbacks_that_follow_the_controls():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panel = ParameterPanel({"batch": (1, 64, 1, 8)}, lambda batch: f"batch {batch}: memory")
    bundle = panel.bundle()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == panel.widget.model_id
    assert "batch = 8" in bundle["text/html"] and "batch 8: memory" in bundle["text/plain"]
    panel._sliders["batch"].value = 32
    assert "batch = 32" in panel.bundle()["text/html"] and "batch 32" in panel.bundle()["text/plain"]

    def figure(batch):
        fig, ax = plt.subplots()
        ax.plot([1, batch])
        fig.alt_text = f"a line to {batch}"
        return fig
    drawn = ParameterPanel({"batch": (1, 64, 1, 8)}, figure)
    assert 'alt="a line to 8"' in drawn.static_html and "data:image/png;base64," in drawn.static_html


def test_failure_banner_says_it_in_words_with_an_alert_role():
    banner = FailureBanner("OUT OF MEMORY", "needs 141 GB, has 80 GB")
    assert banner.text.startswith("FAILURE: OUT OF MEMORY")
    assert 'role="alert"' in banner.html and "needs 141 GB" in banner.html


def test_plain_mode_outside_a_kernel_and_on_request(monkeypatch):
    assert plain_mode()  # pytest is not a Jupyter kernel
    monkeypatch.setenv("MLSYSIM_PLAIN", "1")
    assert plain_mode()


def test_tables_are_html_in_a_notebook_and_aligned_text_in_plain_mode():
    from mlsysim_lab.widgets import Table

    table = Table(("quantity", "audit"), [("days", "42.0"), ("carbon", "1,234 tCO2e")])
    assert "<th style='text-align:left'>quantity</th>" in table.html and "|" not in table.html
    lines = table.text.splitlines()
    assert lines[0].startswith("quantity  audit") and lines[3] == "carbon    1,234 tCO2e"


def test_figures_carry_a_text_alternative(monkeypatch, capsys):
    from mlsysim_lab.widgets.plots import roofline_figure

    monkeypatch.setenv("MLSYSIM_PLAIN", "1")
    figure = roofline_figure("a100", points=[("decode", 1.0)])
    assert "ridge at 153 FLOP/B" in figure.alt_text and "decode at 1 FLOP/B, memory-bound" in \
        figure.alt_text
    assert "[figure] Roofline of" in capsys.readouterr().out


def test_a_reveal_draws_the_gap_and_says_how_the_model_got_there(lab):
    card = PredictionCard(lab, "decode_ms")
    card.commit("2 ms")
    reveal = RevealCard(lab, "decode_ms")
    assert "<svg" not in reveal.html.split("</b>")[0]
    reveal.reveal()
    assert "<svg role=\"img\"" in reveal.html and ">you<" in reveal.html and ">model<" in reveal.html
    assert "How the model got there" in reveal.html and "hardware = " in reveal.html
    step = lab.spec.item("decode_ms").key(lab.scenario)
    assert f"= {step:.3g} ms" in reveal.html and f"= {step:.3g} ms" in reveal.text
    hidden = RevealCard(lab, "intensity")
    hidden.reveal()
    assert "<svg" not in hidden.html and "How the model" not in hidden.html


def test_the_summary_opens_only_once_every_prediction_is_committed(lab, capsys):
    from mlsysim_lab.widgets import summary

    summary(lab, "Decode binds on **memory bandwidth**.")
    shut = capsys.readouterr().out
    assert "memory bandwidth" not in shut and "still open" in shut
    for item in lab.spec.items:
        if item.predictable:
            lab.predict(item.name, item.key_value(lab.scenario))
    summary(lab, "Decode binds on **memory bandwidth**.")
    assert "memory bandwidth" in capsys.readouterr().out
