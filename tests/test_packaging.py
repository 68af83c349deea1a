"""The wheel carries the package, the student labs and the answer specs, never the
instructor solutions, and declares the console script."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("mlsysim_lab-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_bundles_labs_and_graders_but_not_solutions(wheel):
    names = wheel.namelist()
    assert "mlsysim_lab/_bundled/labs/README.md" in names
    assert "mlsysim_lab/_bundled/graders/README.md" in names
    assert "mlsysim_lab/catalog/zoo/hardware.py" in names
    assert not any("solutions" in name for name in names)


def test_wheel_declares_the_console_script(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "mlsysim-lab = mlsysim_lab.cli:main" in wheel.read(entry_points).decode()
