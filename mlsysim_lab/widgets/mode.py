"""Plain (text) or rich (widgets) output."""

from __future__ import annotations

from typing import Any

from mlsysim_lab.settings import nbgrader_mode, plain_requested


def plain_mode() -> bool:
    """Text instead of widgets: under nbgrader, outside a Jupyter kernel, or when the
    reader asks for it with ``MLSYSIM_PLAIN=1``."""
    if plain_requested() or nbgrader_mode():
        return True
    try:
        from IPython import get_ipython
    except ImportError:
        return True
    shell = get_ipython()
    return shell is None or not hasattr(shell, "kernel")


def show(item: Any) -> None:
    """Display a widget (rich mode) or print its text (plain mode)."""
    if plain_mode():
        print(item.text if hasattr(item, "text") else item)
        return
    from IPython.display import display

    if hasattr(item, "html"):   # static, with a text alternative: survives a reopen
        display({"text/html": item.html, "text/plain": getattr(item, "text", "")}, raw=True)
    elif hasattr(item, "bundle"):   # live, with static fallbacks kept in step
        item.display()
    else:
        display(item.widget if hasattr(item, "widget") else item)
