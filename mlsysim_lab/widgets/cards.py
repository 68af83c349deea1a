"""Prediction and reveal cards. A prediction is committed (then locked) before the
reveal card will show the model's answer; the reveal refuses until then.

Both are static HTML (or text in plain mode), not widgets: a saved and reopened notebook
still shows what was committed and what the model said (widget state is not saved with
a notebook). A prediction has one way in, the answer cell, whose test cell commits it."""

from __future__ import annotations

import html
import math
from typing import Any

from mlsysim_lab.grading.predict import Lab, RevealBeforePrediction

_BOX = ('<div role="{role}" style="border-left:4px solid {colour};padding:4px 10px;'
        'margin:4px 0;max-width:60em">{body}</div>')


class PredictionCard:
    """The prediction's prompt and state; before the commit, an input and a button."""

    def __init__(self, lab: Lab, item: str) -> None:
        self.lab = lab
        self.item = lab.spec.item(item)
        self.status = ""
        if lab.has_prediction(item):
            self.status = self._committed_text()

    def _committed_text(self) -> str:
        value = self.lab.predictions[self.item.name]
        chosen = dict(self.item.choices).get(value) if self.item.choices else None
        shown = f"{self.item.shown(value)} ({chosen})" if chosen else self.item.shown(value)
        return f"Committed: {shown}. Locked."

    @property
    def committed(self) -> bool:
        return self.lab.has_prediction(self.item.name)

    @property
    def prompt(self) -> str:
        prompt = self.item.prompt.strip()
        ending = "?" if prompt.endswith("?") else "."
        return f"{prompt.rstrip('?.!')} ({self.item.answer_form()}){ending}"

    @property
    def text(self) -> str:
        return f"Predict: {self.prompt} " + (self.status or "Not committed yet.")

    @property
    def html(self) -> str:
        body = (f"<b>Predict:</b> {html.escape(self.prompt)}<br>"
                f"{html.escape(self.status or 'Not committed yet.')}")
        return _BOX.format(role="status", colour="#1565c0", body=body)

    def commit(self, value: Any) -> bool:
        """Commit a prediction; False (and a message in ``status``) if it is malformed
        or already committed."""
        try:
            self.lab.predict(self.item.name, value)
        except ValueError as error:
            self.status = f"Not committed: {error}"
            return False
        self.status = self._committed_text()
        return True


class RevealCard:
    """"You predicted X, the model says Y, off by Zx", once a prediction exists."""

    live = False

    def __init__(self, lab: Lab, item: str) -> None:
        self.lab = lab
        self.name = item
        self.status = ""
        self.revealed = False

    def reveal(self) -> str:
        try:
            self.result = self.lab.reveal(self.name)
            self.status = self.result.message
            self.revealed = True
        except RevealBeforePrediction:
            self.status = ("Not yet: commit your prediction first. The model's answer stays "
                           "hidden until you do.")
        return self.status

    @property
    def text(self) -> str:
        status = self.status or self.reveal()
        working = (self.lab.spec.item(self.name).shown_working(self.lab.scenario)
                   if self.revealed else "")
        return status + (f"\nHow the model got there: {working}" if working else "")

    @property
    def html(self) -> str:
        colour = "#2e7d32" if self.revealed else "#757575"
        body = f"<b>The model:</b> {html.escape(self.status or self.reveal())}"
        if self.revealed:
            body += self._gap_picture() + self._how()
        return _BOX.format(role="status", colour=colour, body=body)

    def _gap_picture(self) -> str:
        """Prediction and model on one log axis (numbers of one sign only)."""
        predicted, key = self.result.predicted, self.result.key
        if not (isinstance(predicted, float) and isinstance(key, float) and predicted > 0
                and key > 0):
            return ""
        low, high = math.log10(min(predicted, key)) - 0.5, math.log10(max(predicted, key)) + 0.5

        def x(value: float) -> float:
            return 10 + 380 * (math.log10(value) - low) / (high - low)

        marks = "".join(   # "you" above the axis, "model" below: never on top of each other
            f'<line x1="{x(v):.1f}" y1="16" x2="{x(v):.1f}" y2="32" stroke="{c}" stroke-width="3"/>'
            f'<text x="{x(v):.1f}" y="{y}" font-size="11" text-anchor="middle">{t}</text>'
            for v, c, t, y in ((predicted, "#1565c0", "you", 12), (key, "#2e7d32", "model", 46)))
        return (f'<br><svg role="img" width="400" height="50" aria-label="{html.escape(self.text)}">'
                f'<line x1="10" y1="24" x2="390" y2="24" stroke="#9e9e9e"/>{marks}</svg>')

    def _how(self) -> str:
        """The model's working with this student's numbers (or what the key function
        says it computes), and the student's scenario."""
        working = self.lab.spec.item(self.name).shown_working(self.lab.scenario)
        scenario = ", ".join(f"{k} = {v}" for k, v in self.lab.scenario.items())
        if not working and not scenario:
            return ""
        return (f"<details><summary>How the model got there</summary>"
                f"<pre style=\"white-space: pre-wrap\">{html.escape(working)}</pre>"
                f"<p>Your scenario: {html.escape(scenario)}.</p></details>")
