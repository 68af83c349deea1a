"""A student in JupyterLab, in a real browser (Chromium driven by Playwright): fetch a
lab with their id, open it, write a prediction, Run All, read the commit and the reveal,
save, reopen, and still see what was committed and what the model said.

Needs Debian's chromium (``.ci/run`` installs it). Where it is missing the test is
skipped, unless ``MLSYSIM_BROWSER_REQUIRED=1`` (set by CI), where it fails.
Screenshots land in ``$MLSYSIM_SCREENSHOTS`` (default: the test's temporary folder)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mlsysim_lab.cli import main
from mlsysim_lab.grading.ledger import Ledger

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("MLSYSIM_BROWSER_REQUIRED") == "1"
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - playwright is a test dependency
    sync_playwright = None

pytestmark = pytest.mark.skipif(
    not REQUIRED and (CHROMIUM is None or sync_playwright is None),
    reason="needs Debian's chromium and playwright (CI installs both)")

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    work = tmp_path / "work"
    for lab in ("lab00", "lab14"):
        assert main(["labs", "fetch", lab, str(work), "--student", "alice"]) == 0
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)   # every cell in the page, none virtualised away
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)       # no news pop-up over the cells
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    widgets = tmp_path / "settings" / "@jupyter-widgets" / "jupyterlab-manager"
    widgets.mkdir(parents=True)    # the README's hub set-up: sliders come back after a reopen
    (widgets / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}))
    port, token = _free_port(), "mlsysim-test-token"
    env = {**os.environ, "HOME": str(tmp_path), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    for variable in ("MLSYSIM_STUDENT_ID", "MLSYSIM_PLAIN", "JUPYTERHUB_USER", "NBGRADER_EXECUTION"):
        env.pop(variable, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start")
            time.sleep(0.5)
    yield url, token, work
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def _cell(page, source_text):
    return page.locator(".jp-CodeCell", has_text=source_text).first


def _answer_and_run_all(page, answers):
    """Type each answer under its stub, as a student would, then Run All."""
    for name, value in answers.items():
        _cell(page, f"{name} = ...").locator(".cm-content").click()
        page.keyboard.press("Control+End")
        page.keyboard.type(f"\n{name} = {value}")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()


def _open(page, url, token, lab="lab00"):
    page.goto(f"{url}/lab/tree/{lab}.ipynb?token={token}")
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=60_000)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=60_000)


def test_a_student_predicts_reveals_saves_and_reopens(jupyterlab, tmp_path):
    url, token, work = jupyterlab
    shots = Path(os.environ.get("MLSYSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open(page, url, token)

        _answer_and_run_all(page, {"ridge": "150", "decode_regime": "'compute'"})

        commit = _cell(page, "commit(lab, 'ridge'")
        expect(commit.locator(".jp-OutputArea")).to_contain_text("Committed: 150 FLOP/B. Locked.",
                                                                 timeout=120_000)
        reveal = _cell(page, "reveal(lab, 'ridge')")
        expect(reveal.locator(".jp-OutputArea")).to_contain_text("You predicted 150 FLOP/B",
                                                                 timeout=60_000)
        choice = _cell(page, "reveal(lab, 'decode_regime')")
        expect(choice.locator(".jp-OutputArea")).to_contain_text(
            "You predicted 'compute'; the model says 'memory'")
        expect(choice.locator(".jp-OutputArea")).to_contain_text("misconception")
        empty = _cell(page, "commit(lab, 'decode_intensity'")
        expect(empty.locator(".jp-OutputArea")).to_contain_text("No prediction yet")
        unrevealed = _cell(page, "reveal(lab, 'decode_intensity')")
        expect(unrevealed.locator(".jp-OutputArea")).to_contain_text("commit your prediction first")
        expect(unrevealed.locator(".jp-OutputArea")).not_to_contain_text("the model says")
        expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
            1, timeout=120_000)
        expect(page.locator(".jp-OutputArea")).not_to_contain_text(["Traceback"])
        expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
               ).to_have_count(0)
        reveal.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "lab00-after-run-all.png"))
        choice.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "lab00-choice-reveal.png"))
        page.keyboard.press("Control+s")
        expect(page.locator(".jp-mod-dirty")).to_have_count(0, timeout=30_000)

        page.reload()                                    # close and reopen
        _open(page, url, token)
        commit = _cell(page, "commit(lab, 'ridge'")
        expect(commit.locator(".jp-OutputArea")).to_contain_text("Committed: 150 FLOP/B. Locked.")
        reveal = _cell(page, "reveal(lab, 'ridge')")
        expect(reveal.locator(".jp-OutputArea")).to_contain_text("the model says")
        choice = _cell(page, "reveal(lab, 'decode_regime')")
        expect(choice.locator(".jp-OutputArea")).to_contain_text("You predicted 'compute'")
        for cell in (commit, reveal, choice, _cell(page, "commit(lab, 'decode_regime'")):
            expect(cell.locator(".jp-OutputArea")).not_to_contain_text("Error displaying widget")
        reveal.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "lab00-reopened.png"))
        browser.close()

    report = (work / "lab00-report.html").read_text()   # written by the lab's last cell
    assert "150 FLOP/B" in report and "student alice" in report
    ledger = Ledger.read("lab00", work)
    assert ledger.student == "alice" and {"ridge", "decode_regime"} <= set(ledger.commits())
    assert "ridge" in ledger.revealed() and "decode_intensity" not in ledger.commits()


def test_an_explore_panel_comes_back_after_a_reopen(jupyterlab, tmp_path):
    """Commit lab14's predictions, Run All, save, reopen: the explore panel (which waits
    for the commits above it) shows its controls, they return after the reopen (widget
    state saved, as the README's hub set-up configures) and nothing says "Error
    displaying widget"; the summary opens once every prediction is committed."""
    url, token, work = jupyterlab
    shots = Path(os.environ.get("MLSYSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open(page, url, token, "lab14")
        _answer_and_run_all(page, {"energy_mwh": "500", "co2e_t": "200",
                                   "missing_input": "'zero'", "overwrite": "'kept'"})
        panel = _cell(page, "show(ParameterPanel(")
        expect(panel.locator(".widget-dropdown")).to_have_count(2, timeout=180_000)
        expect(_cell(page, "summary(lab,").locator(".jp-OutputArea")).to_contain_text(
            "compute wall", timeout=60_000)     # every prediction committed: it opens
        expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
            1, timeout=120_000)
        expect(page.locator(".jp-OutputArea")).not_to_contain_text(["Traceback"])
        panel.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "lab14-panel.png"))
        page.keyboard.press("Control+s")
        expect(page.locator(".jp-mod-dirty")).to_have_count(0, timeout=30_000)

        page.reload()
        _open(page, url, token, "lab14")
        panel = _cell(page, "show(ParameterPanel(")
        expect(panel.locator(".widget-dropdown")).to_have_count(2, timeout=60_000)
        expect(page.locator(".jp-OutputArea")).not_to_contain_text(["Error displaying widget"])
        panel.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "lab14-panel-reopened.png"))
        browser.close()
