"""Every answer key comes from the solver core: the reference of each implement-the-formula
item calls a function imported from ``mlsysim_lab`` (it is not the formula typed again), and
no prediction's key is a constant."""

import ast
import functools
import inspect
import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest

from mlsysim_lab.grading import FunctionItem
from mlsysim_lab.grading.specs import all_labs, spec_path
from mlsysim_lab.resources import graders_dir

#: The grading framework is part of the package but computes no key.
GRADING = "mlsysim_lab.grading"

LABS = [lab for lab in all_labs() if spec_path(lab.id).parent == graders_dir().resolve()]
FUNCTION_ITEMS = [(lab.id, item) for lab in LABS for item in lab.items
                  if isinstance(item, FunctionItem)]
PREDICTIONS = [(lab.id, item) for lab in LABS for item in lab.items if item.predictable]


def _ids(pairs: list[tuple[str, Any]]) -> list[str]:
    return [f"{lab}.{item.name}" for lab, item in pairs]


def _from_solver(module: str) -> bool:
    inside = module == "mlsysim_lab" or module.startswith("mlsysim_lab.")
    return inside and not (module == GRADING or module.startswith(GRADING + "."))


@functools.lru_cache(maxsize=None)
def solver_names(path: Path) -> frozenset[str]:
    """The names a spec module imports from ``mlsysim_lab``, the grading framework aside."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and _from_solver(node.module):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names
                      if _from_solver(alias.name)}
    return frozenset(names)


def _root(expression: ast.expr) -> str | None:
    """The name a call starts from: ``roofline`` in ``roofline(...)``, ``catalog`` in
    ``catalog.get_hardware(...)``."""
    while isinstance(expression, (ast.Attribute, ast.Subscript, ast.Call)):
        expression = expression.func if isinstance(expression, ast.Call) else expression.value
    return expression.id if isinstance(expression, ast.Name) else None


def called_names(function: Callable[..., Any]) -> set[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return {_root(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)} - {None}


def _literal(node: ast.expr | None) -> tuple[bool, Any]:
    """(True, value) when ``node`` is a literal (``None`` for a bare ``return``)."""
    try:
        return True, None if node is None else ast.literal_eval(node)
    except ValueError:
        return False, None


def _returns(function: ast.FunctionDef) -> list[ast.expr | None]:
    """What the function's own return statements give (nested functions aside)."""
    found, stack = [], list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            found.append(node.value)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                   ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _lambda_node(key: Callable[..., Any]) -> ast.Lambda:
    """The lambda expression of ``key`` in its module: the innermost lambda starting on its
    first line whose body spans where its code sits."""
    lines, _ = inspect.findsource(key)
    code = key.__code__
    spans = [(line, col, end_line, end_col) for line, end_line, col, end_col
             in code.co_positions() if line is not None and end_col]
    start = min((line, col) for line, col, _, _ in spans)
    end = max((end_line, end_col) for _, _, end_line, end_col in spans)
    found = [node for node in ast.walk(ast.parse("".join(lines)))
             if isinstance(node, ast.Lambda) and node.lineno == code.co_firstlineno
             and (node.body.lineno, node.body.col_offset) <= start
             and end <= (node.body.end_lineno, node.body.end_col_offset)]
    assert found, f"no lambda found for {key} on line {code.co_firstlineno}"
    return found[-1]


def is_constant(key: Callable[..., Any]) -> bool:
    """A lambda whose body is a literal, or a def whose every return gives one and the
    same literal: the same key whatever the scenario."""
    if key.__name__ == "<lambda>":
        return _literal(_lambda_node(key).body)[0]
    function = ast.parse(textwrap.dedent(inspect.getsource(key))).body[0]
    assert isinstance(function, ast.FunctionDef), key
    literals = [_literal(value) for value in _returns(function)]
    return all(ok for ok, _ in literals) and len({repr(value) for _, value in literals}) <= 1


def test_the_labs_have_items_to_check():
    assert FUNCTION_ITEMS and PREDICTIONS


@pytest.mark.parametrize("lab, item", FUNCTION_ITEMS, ids=_ids(FUNCTION_ITEMS))
def test_every_reference_calls_the_solver(lab: str, item: FunctionItem):
    reference = item.reference
    if _from_solver(reference.__module__):      # a solver function used as it is
        return
    called = called_names(reference)
    assert called & solver_names(spec_path(lab)), (
        f"{lab}.{item.name}: the reference {reference.__name__}() calls no function imported "
        f"from mlsysim_lab (it calls {sorted(called) or 'nothing'}); call the solver core "
        "instead of typing the formula again")


@pytest.mark.parametrize("lab, item", PREDICTIONS, ids=_ids(PREDICTIONS))
def test_no_key_is_a_constant(lab: str, item: Any):
    assert inspect.isfunction(item.key), f"{lab}.{item.name}: the key is not a function"
    assert not is_constant(item.key), (
        f"{lab}.{item.name}: the key returns a constant; compute it from the solver")
