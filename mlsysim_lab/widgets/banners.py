"""Failure states told in words (with an alert role), never by colour alone."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass
class FailureBanner:
    """``FailureBanner("OUT OF MEMORY", "Llama 3 70B needs 141 GB; the H100 has 80 GB")``"""

    title: str
    message: str

    @property
    def text(self) -> str:
        return f"FAILURE: {self.title}. {self.message}"

    @property
    def html(self) -> str:
        """Static HTML: it survives saving and reopening the notebook."""
        return (f'<div role="alert" style="border:3px solid #b00020;padding:8px">'
                f"<strong>FAILURE: {html.escape(self.title)}.</strong> "
                f"{html.escape(self.message)}</div>")
