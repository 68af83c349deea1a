"""Parameter panels: controls that re-run the solver and redraw on every change.

In a live kernel the panel is an ipywidgets box (sliders, dropdowns and the result). Its
output also carries a static fallback (the settings and the result as HTML, and as text)
that follows every change, so a saved notebook still reads in a viewer without widgets;
JupyterLab shows the controls again after a reopen when it saves widget state (the
README's hub set-up turns that on).
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any, Callable, Mapping

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class ParameterPanel:
    """``ParameterPanel({"batch": (1, 256, 1, 8)}, update)`` where ``update(**values)``
    returns a matplotlib Figure or a string. A tuple is (min, max, step, value) for an
    integer slider; a list is a dropdown. ``set(name, value)`` drives it in code."""

    def __init__(self, controls: Mapping[str, Any], update: Callable[..., Any]) -> None:
        self.update = update
        self.values = {name: self._initial(spec) for name, spec in controls.items()}
        self.controls = dict(controls)
        self.calls = 0
        self.last: Any = None
        self._widget: Any = None
        self._handle: Any = None
        self._run()

    @staticmethod
    def _initial(spec: Any) -> Any:
        if isinstance(spec, tuple):
            return spec[3]
        if isinstance(spec, list):
            return spec[0]
        raise TypeError(f"a control is a (min, max, step, value) tuple or a list, got {spec!r}")

    def set(self, name: str, value: Any) -> Any:
        if name not in self.values:
            raise KeyError(f"no control {name!r}; controls: {', '.join(self.values)}")
        if self._widget is not None:
            self._sliders[name].value = value   # the observer re-runs
        else:
            self.values[name] = value
            self._run()
        return self.last

    def _run(self) -> None:
        import matplotlib.pyplot as plt

        if self.last is not None and hasattr(self.last, "savefig"):
            plt.close(self.last)
        self.last = self.update(**self.values)
        self.calls += 1
        if self._widget is not None:
            self._draw()
        if self._handle is not None:
            self._handle.update(self.bundle(), raw=True)

    @property
    def text(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.values.items())
        result = self.last if isinstance(self.last, str) else getattr(
            self.last, "alt_text", "figure drawn")
        return f"[{settings}] {result}"

    @property
    def static_html(self) -> str:
        """The settings and the result as static HTML (a figure as an inline PNG)."""
        settings = html.escape(", ".join(f"{k} = {v}" for k, v in self.values.items()))
        if isinstance(self.last, str) or not hasattr(self.last, "savefig"):
            result = f"<pre>{html.escape(str(self.last))}</pre>"
        else:
            image = io.BytesIO()
            self.last.savefig(image, format="png", dpi=72)
            alt = html.escape(getattr(self.last, "alt_text", "figure"))
            result = (f'<img alt="{alt}" src="data:image/png;base64,'
                      f'{base64.b64encode(image.getvalue()).decode()}">')
        return f"<div><i>Explored with {settings}:</i>{result}</div>"

    def bundle(self) -> dict[str, Any]:
        """The live widget with its static fallbacks (HTML, then text)."""
        return {WIDGET_VIEW: {"version_major": 2, "version_minor": 0,
                              "model_id": self.widget.model_id},
                "text/html": self.static_html, "text/plain": self.text}

    def display(self) -> None:
        """Show the live panel, keeping its fallbacks in step with the controls."""
        from IPython.display import display

        self._handle = display(self.bundle(), raw=True, display_id=True)

    @property
    def widget(self) -> Any:
        if self._widget is None:
            import ipywidgets as widgets

            self._sliders = {}
            for name, spec in self.controls.items():
                if isinstance(spec, tuple):
                    control = widgets.IntSlider(min=spec[0], max=spec[1], step=spec[2],
                                                value=spec[3], description=name,
                                                continuous_update=False,
                                                layout={"width": "36em"},
                                                style={"description_width": "initial"})
                else:
                    control = widgets.Dropdown(options=spec, value=self.values[name],
                                               description=name,
                                               style={"description_width": "initial"})
                control.observe(self._changed(name), names="value")
                self._sliders[name] = control
            self._output = widgets.Output()
            self._widget = widgets.VBox([*self._sliders.values(), self._output])
            self._draw()
        return self._widget

    def _changed(self, name: str) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            self.values[name] = change["new"]
            self._run()
        return handler

    def _draw(self) -> None:
        from IPython.display import display

        self._output.clear_output(wait=True)
        with self._output:
            if isinstance(self.last, str):
                print(self.last)           # words, not a quoted string
            else:
                display(self.last)
