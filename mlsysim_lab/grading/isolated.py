"""Property checks of function and code items, isolated from the student's kernel.

The grader does not trust an object handed over by the kernel: the student may have
patched the checks it would run against. Instead a fresh process
(``python -m mlsysim_lab.grading.isolated``, or a fork of a warm process that has never run
anyone's code, see ``launcher``; with a time limit and a CPU-time limit) runs the lab's
locked set-up cell and then only the item's own answer cell, as recorded in the notebook,
and checks the object it defines with the item's hypothesis properties. Nothing from the
kernel's memory reaches it.

Two more guards, for code that aims at the checks themselves: an answer cell that
reaches into the interpreter or the grader (``sys.modules``, ``setattr``, frames,
``gc``, ``hypothesis``, ``mlsysim_lab.grading`` ...) is refused with a message; and the
attributes of every loaded ``mlsysim_lab`` and ``hypothesis`` module, class and function
are compared before and after, so a patch made at definition time voids the verdict.
"""

from __future__ import annotations

import ast
import json
import math
import os
import subprocess
import sys
from typing import Any, Callable, Mapping, Sequence

#: Names an answer cell may not use: each reaches past the student's own object.
FORBIDDEN_NAMES = frozenset({
    "setattr", "delattr", "exec", "eval", "compile", "globals", "__import__", "vars",
    "_getframe", "_current_frames", "settrace", "setprofile", "modules", "builtins",
    "__builtins__", "__code__", "__globals__", "__dict__", "__closure__", "gc", "ctypes",
    "importlib", "inspect", "hypothesis", "_exit", "grading", "environ", "putenv",
})
_MARK = "MLSYSIM-LAB-VERDICT"


def forbidden_use(source: str) -> str | None:
    """The first name in ``source`` that reaches into the interpreter or the grader."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None   # it fails on its own when it runs
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [alias.name for alias in node.names]
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.append(node.module)
            names = [part for module in modules for part in module.split(".")]
        hit = next((name for name in names if name in FORBIDDEN_NAMES), None)
        if hit:
            return hit
    return None


def check_in_isolation(lab_id: str, setup: str, cells: Sequence[Mapping[str, str]], *,
                       folder: str | os.PathLike[str], env: Mapping[str, str],
                       timeout: float = 120.0,
                       launcher: Callable[[list[str]], list[str]] | None = None,
                       ) -> dict[str, tuple[float, str]]:
    """Run the checks of ``cells`` (each: item, variable, source) in a fresh process
    whose working folder is ``folder`` and environment ``env``; returns item -> (credit,
    message). ``launcher`` turns the command ``python -m mlsysim_lab.grading.isolated``
    into the one to run (a grading worker forks it from its zygote); it must give the
    process this one's standard streams, ``folder`` and ``env``."""
    verdicts: dict[str, tuple[float, str]] = {}
    pending = []
    for cell in cells:
        hit = forbidden_use(cell["source"])
        if hit:
            verdicts[cell["item"]] = (0.0, f"not graded: your answer cell uses {hit!r}, which "
                                      "reaches into the interpreter or the grader; define "
                                      "only your own function or object there")
        else:
            pending.append(dict(cell))
    if not pending:
        return verdicts
    nonce = os.urandom(16).hex()
    job = json.dumps({"lab": lab_id, "setup": setup, "cells": pending, "nonce": nonce,
                      "cpu_s": math.ceil(timeout)})
    command = [sys.executable, "-m", "mlsysim_lab.grading.isolated"]
    try:
        run = subprocess.run(launcher(command) if launcher else command, input=job,
                             capture_output=True, text=True, cwd=folder, env=dict(env),
                             timeout=timeout)
        output = run.stdout
    except subprocess.TimeoutExpired:
        output = ""
        reason = f"the checks did not finish within {timeout:g} s"
    else:
        status = f" (exit status {run.returncode})" if run.returncode else ""
        reason = f"the checks stopped before giving a verdict{status}"
    found = _verdict_line(output, nonce)
    for cell in pending:
        item = cell["item"]
        if found is not None and item in found:
            credit, message = found[item]
            verdicts[item] = (float(credit), str(message))
        else:
            verdicts[item] = (0.0, f"not graded: {reason}")
    return verdicts


def _verdict_line(output: str, nonce: str) -> dict[str, Any] | None:
    for line in output.splitlines():
        if line.startswith(f"{_MARK} {nonce} "):
            try:
                return json.loads(line.split(" ", 2)[2])
            except json.JSONDecodeError:
                return None
    return None


# ----- the isolated process -----------------------------------------------------------

def _snapshot() -> dict[tuple[str, str], int]:
    """Identity of every function, class and module that the grading stack's modules
    hold (data such as counters and caches may change while checks run)."""
    state: dict[tuple[str, str], int] = {}
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(("mlsysim_lab", "hypothesis", "builtins")):
            continue
        for attribute, value in list(vars(module).items()):
            if not (callable(value) or isinstance(value, type(sys))):
                continue
            state[(name, attribute)] = id(value)
            owner = getattr(value, "__module__", None)
            if isinstance(value, type) and owner == name:
                for member, inner in list(vars(value).items()):
                    state[(f"{name}.{attribute}", member)] = id(inner)
            elif callable(value) and owner == name and hasattr(value, "__code__"):
                state[(f"{name}.{attribute}", "__code__")] = id(value.__code__)
    return state


def _changed(before: Mapping[tuple[str, str], int]) -> list[str]:
    after = _snapshot()
    return [f"{owner}.{attribute}" for (owner, attribute), ident in before.items()
            if after.get((owner, attribute)) != ident]


def _run_job(job: Mapping[str, Any]) -> dict[str, tuple[float, str]]:
    import contextlib
    import io

    from mlsysim_lab.grading.grade import grade_item
    from mlsysim_lab.grading.specs import load_lab

    spec = load_lab(job["lab"])
    items = {cell["item"]: spec.item(cell["item"]) for cell in job["cells"]}
    namespace: dict[str, Any] = {"__name__": "__main__"}
    sink = io.StringIO()
    verdicts: dict[str, tuple[float, str]] = {}
    with contextlib.redirect_stdout(sink):
        try:
            exec(compile(job["setup"], "<set-up cell>", "exec"), namespace)
        except BaseException as error:  # the lab's own cell: report, grade nothing
            return {item: (0.0, f"not graded: the set-up cell failed ({type(error).__name__})")
                    for item in items}
        before = _snapshot()
        environment = dict(os.environ)   # the grader's: what a check may read (lab15 does)
        for cell in job["cells"]:
            try:
                exec(compile(cell["source"], "<answer cell>", "exec"), namespace)
            except BaseException as error:  # the student's cell: zero for this item
                verdicts[cell["item"]] = (0.0, f"your answer cell raised "
                                          f"{type(error).__name__}: {error}")
                continue
            answer = namespace.get(cell["variable"])
            os.environ.clear()
            os.environ.update(environment)   # whatever the cell set, the checks see the grader's
            result = grade_item(spec, items[cell["item"]], answer, {})
            verdicts[cell["item"]] = (result.credit, result.message)
        patched = _changed(before)
    if patched:
        shown = ", ".join(patched[:3])
        return {item: (0.0, f"not graded: your code changed the grading stack ({shown})")
                for item in items}
    return verdicts


def _limit_cpu(seconds: int) -> None:
    """At most ``seconds`` of CPU time: the system ends a loop that never yields (one
    that holds the interpreter lock would outlive a killed launcher)."""
    try:
        import resource
    except ImportError:   # not POSIX: the wall-clock limit alone
        return
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def main() -> None:
    job = json.loads(sys.stdin.read())
    nonce = job.pop("nonce")
    _limit_cpu(int(job.pop("cpu_s", 120)))
    stdout = sys.stdout
    verdicts = _run_job(job)
    stdout.write(f"{_MARK} {nonce} {json.dumps(verdicts)}\n")
    stdout.flush()
    os._exit(0)   # no exit handlers of the student's code run after the verdict


if __name__ == "__main__":
    main()
