"""Parameter panels: controls that re-run the solver and redraw on every change."""

from __future__ import annotations

from typing import Any, Callable, Mapping


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

    @property
    def text(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.values.items())
        result = self.last if isinstance(self.last, str) else getattr(
            self.last, "alt_text", "figure drawn")
        return f"[{settings}] {result}"

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
