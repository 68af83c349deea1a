"""Prediction and reveal cards. A prediction is committed (then locked) before the
reveal card will show the model's answer; the reveal refuses until then."""

from __future__ import annotations

import html
from typing import Any

from mlsysim_lab.grading.predict import Lab, RevealBeforePrediction


class PredictionCard:
    """An input (value with unit, or the options) and a commit button."""

    def __init__(self, lab: Lab, item: str) -> None:
        self.lab = lab
        self.item = lab.spec.item(item)
        self.status = ""
        self._widget: Any = None
        if lab.has_prediction(item):
            self.status = f"Committed: {self.item.shown(lab.predictions[item])}. Locked."

    @property
    def committed(self) -> bool:
        return self.lab.has_prediction(self.item.name)

    @property
    def text(self) -> str:
        prompt = self.item.prompt.strip()
        ending = "" if prompt.endswith(("?", ".", "!")) else "."
        return (f"Predict: {prompt}{ending} ({self.item.answer_form()}) "
                + (self.status or "Not committed yet."))

    def commit(self, value: Any) -> bool:
        """Commit a prediction; False (and a message in ``status``) if it is malformed
        or already committed."""
        try:
            stored = self.lab.predict(self.item.name, value)
        except ValueError as error:
            self.status = f"Not committed: {error}"
            self._refresh()
            return False
        self.status = f"Committed: {self.item.shown(stored)}. Locked."
        self._refresh()
        return True

    @property
    def widget(self) -> Any:
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as widgets

        if self.item.choices:
            self._input = widgets.RadioButtons(
                options=[(text, label) for label, text in self.item.choices], value=None,
                description="", layout={"width": "max-content"})
        else:
            self._input = widgets.Text(placeholder=f"value in {self.item.unit}",
                                       description="", continuous_update=False)
        self._button = widgets.Button(description="Commit prediction", button_style="primary")
        self._status = widgets.HTML()
        self._button.on_click(lambda _: self.commit(self._input.value))
        self._refresh()
        return widgets.VBox([widgets.HTML(f"<b>Predict:</b> {html.escape(self.item.prompt)}"),
                             widgets.HBox([self._input, self._button]), self._status])

    def _refresh(self) -> None:
        if self._widget is None and not hasattr(self, "_status"):
            return
        self._status.value = html.escape(self.status)
        locked = self.committed
        self._input.disabled = locked
        self._button.disabled = locked


class RevealCard:
    """Shows "you predicted X, the model says Y, off by Zx" once a prediction exists."""

    def __init__(self, lab: Lab, item: str) -> None:
        self.lab = lab
        self.name = item
        self.status = ""
        self._widget: Any = None

    def reveal(self) -> str:
        try:
            self.status = self.lab.reveal(self.name).message
        except RevealBeforePrediction:
            self.status = ("Not yet: commit your prediction first. The model's answer stays "
                           "hidden until you do.")
        if self._widget is not None:
            self._output.value = html.escape(self.status)
        return self.status

    @property
    def text(self) -> str:
        return self.status or self.reveal()

    @property
    def widget(self) -> Any:
        if self._widget is None:
            import ipywidgets as widgets

            self._button = widgets.Button(description="Reveal the model's answer")
            self._output = widgets.HTML(html.escape(self.status))
            self._button.on_click(lambda _: self.reveal())
            self._widget = widgets.VBox([self._button, self._output])
        return self._widget
