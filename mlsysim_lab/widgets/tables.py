"""Tables: an HTML table in a notebook, aligned text in plain mode."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Sequence


@dataclass
class Table:
    """``show(Table(("quantity", "value"), [("days", "42.0"), ...]))``"""

    headers: Sequence[str]
    rows: Sequence[Sequence[str]]

    @property
    def text(self) -> str:
        lines = [tuple(self.headers), *(tuple(map(str, row)) for row in self.rows)]
        widths = [max(len(line[i]) for line in lines) for i in range(len(self.headers))]
        shown = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
                 for line in lines]
        return "\n".join([shown[0], "  ".join("-" * w for w in widths), *shown[1:]])

    @property
    def html(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>"
                                        for c in row) + "</tr>" for row in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
