"""The package's rooms and the one direction of their imports (DESIGN.md): the solver
core never reaches up into grading, the course tooling or the widgets, and never
loads the teaching stack's third-party packages."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mlsysim_lab"

#: Each room and the level it sits at: a module imports only from its level or below.
LEVELS = {
    "units": 0, "precision": 0, "_vector": 0, "formatting": 0, "settings": 0, "resources": 0,
    "config_files": 0,
    "catalog": 1,
    "walls": 2,
    "taxonomy": 3, "explore": 3, "explain": 3, "pipeline": 3, "audit": 3, "validation": 3,
    "grading": 4,
    "course": 5,
    "widgets": 6, "cli": 6, "__main__": 6, "__init__": 6,
}
CORE_LEVEL = 3
NOT_IN_THE_CORE = ("mlsysim_lab.grading", "mlsysim_lab.course", "mlsysim_lab.widgets",
                   "ipywidgets", "nbgrader", "nbclient", "IPython", "matplotlib", "hypothesis")


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        yield name, path


def _imports(name: str, path: Path) -> set[str]:
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def test_every_room_has_a_level():
    rooms = {_room(name) for name, _ in _modules() if name != "mlsysim_lab"}
    assert rooms <= set(LEVELS) | {"_bundled"}, rooms - set(LEVELS)


@pytest.mark.parametrize("name, path", list(_modules()), ids=lambda v: str(v))
def test_imports_point_down(name, path):
    if name == "mlsysim_lab":
        return
    level = LEVELS[_room(name)]
    for target in _imports(name, path):
        if target.startswith("mlsysim_lab.") and _room(target) in LEVELS:
            assert LEVELS[_room(target)] <= level or _room(target) == _room(name), \
                f"{name} (level {level}) imports {target} (level {LEVELS[_room(target)]})"
        if level <= CORE_LEVEL:
            assert not target.startswith(NOT_IN_THE_CORE), f"the solver core's {name} imports {target}"


def test_importing_the_solver_core_loads_nothing_of_the_teaching_stack():
    code = ("import sys\n"
            "import mlsysim_lab.walls, mlsysim_lab.audit, mlsysim_lab.explore, mlsysim_lab.explain\n"
            "import mlsysim_lab.pipeline, mlsysim_lab.taxonomy, mlsysim_lab.catalog\n"
            "from mlsysim_lab.walls.node import decode_step\n"
            "decode_step('llama-3-8b', 'h100', batch=1, context=128)\n"
            f"print([m for m in sys.modules if m.startswith({NOT_IN_THE_CORE!r})])")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
