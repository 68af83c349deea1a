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
    widget = card.widget
    card._input.value = "lots"
    card._button.click()
    assert not card.committed and "Not committed" in card._status.value
    assert not card._button.disabled
    card._input.value = "3.5 ms"
    card._button.click()
    assert card.committed and lab.predictions["decode_ms"] == 3.5
    assert card._input.disabled and card._button.disabled and "Locked" in card._status.value
    assert widget is card.widget


def test_choice_card_offers_the_options(lab):
    card = PredictionCard(lab, "regime")
    card.widget
    assert [value for _, value in card._input.options] == ["memory", "compute"]
    card._input.value = "compute"
    card._button.click()
    assert lab.predictions["regime"] == "compute"


def test_reveal_card_refuses_before_the_commit_and_shows_the_gap_after(lab):
    reveal = RevealCard(lab, "decode_ms")
    reveal.widget  # built on first access
    reveal._button.click()
    assert "commit your prediction first" in reveal._output.value
    assert "model says" not in reveal._output.value
    PredictionCard(lab, "decode_ms").commit("2 ms")
    reveal._button.click()
    assert "You predicted 2 ms" in reveal._output.value and "off by" in reveal._output.value


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


def test_failure_banner_says_it_in_words_with_an_alert_role():
    banner = FailureBanner("OUT OF MEMORY", "needs 141 GB, has 80 GB")
    assert banner.text.startswith("FAILURE: OUT OF MEMORY")
    assert 'role="alert"' in banner.widget.value and "needs 141 GB" in banner.widget.value


def test_plain_mode_outside_a_kernel_and_on_request(monkeypatch):
    assert plain_mode()  # pytest is not a Jupyter kernel
    monkeypatch.setenv("MLSYSIM_PLAIN", "1")
    assert plain_mode()
