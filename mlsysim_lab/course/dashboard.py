"""The instructor's class dashboards, each one self-contained HTML page (figures inline
as SVG, no script, no server, no network): one lab (:func:`lab_dashboard`, written by
``mlsysim-lab grade LAB``) and a whole course (:func:`course_dashboard`, written by
``mlsysim-lab report COURSE_DIR``).

With :class:`~.pseudonyms.Pseudonyms` every student id on the page, including the ids
quoted inside flags and failure reasons, is replaced by its stable pseudonym.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Iterable, Sequence

from mlsysim_lab.course.class_insight import Flag, ItemInsight, LabInsight
from mlsysim_lab.course.course_insight import CourseInsight
from mlsysim_lab.course.insight_figures import calibration_figure, item_figure, missed_figure
from mlsysim_lab.course.pseudonyms import Pseudonyms

_STYLE = ("body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em}"
          "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
          "padding:3px 6px;text-align:left;vertical-align:top}th{background:#eee}"
          "figure{margin:.5em 0}svg{max-width:100%;height:auto}.note{color:#555}")


class _People:
    """How student ids appear on a page: as they are, or as pseudonyms."""

    def __init__(self, pseudonyms: Pseudonyms | None, everyone: Iterable[str]) -> None:
        self._pseudonyms = pseudonyms
        self._everyone = set(everyone)

    def name(self, student: str) -> str:
        return self._pseudonyms(student) if self._pseudonyms else student

    def text(self, text: str) -> str:
        return self._pseudonyms.scrub(text, self._everyone) if self._pseudonyms else text


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(header: Sequence[str], rows: Sequence[tuple[dict[str, object], Sequence[str]]]) -> str:
    """A table from (data attributes, escaped cells) rows; the attributes let scripts
    and tests read the numbers back."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr" + "".join(f' data-{k}="{_e(v)}"' for k, v in attrs.items()) + ">"
                   + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
                   for attrs, cells in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption class='note'>{_e(caption)}</figcaption></figure>" if svg else ""


def _page(title: str, intro: str, body: str, anonymised: bool) -> str:
    who = ("Students appear under stable pseudonyms (the same student has the same "
           "pseudonym in every lab of this course)." if anonymised else
           "Students appear under their ids: use --anonymise before sharing this page.")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}"
            f"</title><style>{_STYLE}</style></head><body><h1>{_e(title)}</h1>"
            f"<p>{intro} {_e(who)}</p>{body}</body></html>")


def _factor(item: ItemInsight) -> str:
    return "-" if math.isnan(item.median_factor) else f"{item.median_factor:.3g}x"


def _summary(items: Sequence[ItemInsight]) -> str:
    rows = []
    for item in items:
        top = item.wrong_options[0] if item.wrong_options else None
        rows.append(({"item": item.item_id, "mean-credit": f"{item.mean_credit:.4f}",
                      "missed": item.missed},
                     [_e(item.item_id), _e(item.kind), str(item.submissions),
                      f"{item.mean_credit:.2f}", str(item.missed), _factor(item),
                      f"{item.too_high} / {len(item.ratios) - item.too_high}" if item.ratios
                      else "-",
                      _e(f"{top.label} ({len(top.students)}): {top.misconception or '-'}")
                      if top else "-"]))
    return _table(("item", "kind", "students", "mean credit", "missed", "typical factor off",
                   "over / under", "top wrong option: misconception"), rows)


def _item_section(item: ItemInsight) -> str:
    parts = [f"<h3 id='{_e(item.item_id)}'>{_e(item.item_id)}</h3><p>{_e(item.prompt)}"
             f"{' (' + _e(item.unit) + ')' if item.unit else ''}</p>",
             _figure(item_figure(item), "Left: how many students earned each credit."
                     + (" Right: each prediction divided by the key of the student's own "
                        "scenario, on a log axis (blue under the key, red at or over it)."
                        if item.ratios else ""))]
    if item.ratios or item.off_scale:
        parts.append(f"<p>{len(item.ratios)} prediction(s) on the log scale, typically "
                     f"{_factor(item)} off the key; {item.too_high} over, "
                     f"{len(item.ratios) - item.too_high} under."
                     + (f" {item.off_scale} could not be placed (zero, negative or "
                        "unreadable)." if item.off_scale else "") + "</p>")
    if item.wrong_options:
        parts.append(_table(("wrong option", "text", "students who chose it", "misconception"),
                            [({"option": o.label, "count": len(o.students)},
                              [_e(o.label), _e(o.text), str(len(o.students)),
                               _e(o.misconception or "(none named)")])
                             for o in item.wrong_options]))
    return "".join(parts)


def _flag_detail(flag: Flag, people: _People) -> str:
    if flag.kind == "scenario mismatch":
        return (f"worked as {people.name(flag.worked_as)}" if flag.worked_as
                else "worked with the default scenario (no student id)")
    return people.text(flag.detail)


def _flags(insight: LabInsight, people: _People) -> str:
    if not insight.flags and not insight.failures:
        return "<h2>Integrity flags</h2><p>None.</p>"
    rows = [({"flag": f.kind, "student": people.name(f.student)},
             [_e(people.name(f.student)), _e(f.kind), _e(", ".join(f.items) or "(submission)"),
              _e(_flag_detail(f, people))]) for f in insight.flags]
    rows += [({"flag": "failed submission", "student": people.name(student)},
              [_e(people.name(student)), "failed submission", "(submission)",
               _e(people.text(reason))]) for student, reason in sorted(insight.failures.items())]
    return ("<h2>Integrity flags</h2><p class='note'>Listed for you to decide; none of them "
            "changed a score.</p>" + _table(("student", "flag", "items", "detail"), rows))


def _write(path: str | Path, page: str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target


def lab_dashboard(insight: LabInsight, path: str | Path,
                  pseudonyms: Pseudonyms | None = None) -> Path:
    """Write the dashboard of one lab to ``path``; returns the path."""
    people = _People(pseudonyms, insight.people())
    intro = (f"{_e(insight.lab_id)}: {len(insight.students)} submission(s), "
             f"{insight.graded} graded, {len(insight.failures)} failed.")
    calibration = _figure(calibration_figure(insight.items), "Each committed prediction "
                          "against the key of its student's scenario (log-log): the solid "
                          "line is exact, the dotted lines 2x off.")
    body = ("<h2>Items</h2>" + _summary(insight.items)
            + "<h2>Calibration</h2>" + (calibration or "<p>No committed numeric prediction.</p>")
            + "".join(_item_section(item) for item in insight.items)
            + _flags(insight, people))
    return _write(path, _page(f"Class insight: {insight.title}", intro, body,
                              pseudonyms is not None))


def _labs(insight: CourseInsight) -> str:
    rows = [({"lab": lab.lab_id}, [_e(lab.lab_id), _e(lab.title), str(lab.graded),
                                   str(len(lab.failures)), str(len({f.student for f in lab.flags}))])
            for lab in insight.labs]
    skipped = "".join(f"<li>{_e(a)}: {_e(why)}</li>" for a, why in insight.skipped.items())
    return ("<h2>Labs</h2>" + _table(("lab", "title", "graded", "failed", "students flagged"), rows)
            + (f"<p>Left out:</p><ul>{skipped}</ul>" if skipped else ""))


def _missed(items: Sequence[ItemInsight]) -> str:
    rows = [({"item": i.item_id, "missed": i.missed},
             [str(n), _e(i.item_id), _e(i.prompt), str(i.missed), str(i.submissions),
              f"{i.mean_credit:.2f}"]) for n, i in enumerate(items, 1)]
    return ("<h2>Items most students missed</h2><p class='note'>Missed: less than the item's "
            "full credit.</p>"
            + _figure(missed_figure(items), "Students who missed each item, most missed first.")
            + _table(("rank", "item", "question", "missed", "graded", "mean credit"), rows))


def _misconceptions(insight: CourseInsight) -> str:
    rows = [({"students": len(m.students)},
             [str(n), _e(m.text), str(len(m.students)), _e(", ".join(m.items))])
            for n, m in enumerate(insight.misconceptions(), 1)]
    return ("<h2>Misconceptions most students chose</h2>"
            + _table(("rank", "misconception", "students", "items"), rows))


def _flagged_across(insight: CourseInsight, people: _People) -> str:
    everyone = insight.flagged_students()
    repeated = {s: labs for s, labs in everyone.items() if len(labs) > 1}
    rows = [({"student": people.name(s)}, [_e(people.name(s)), _e(", ".join(labs))])
            for s, labs in repeated.items()]
    return ("<h2>Students flagged in several labs</h2><p class='note'>A flag or a failed "
            "submission in more than one lab; the lab dashboards list the flags.</p>"
            + (_table(("student", "labs with a flag or a failed submission"), rows)
               if rows else "<p>None.</p>")
            + f"<p>{len(everyone) - len(repeated)} more student(s) flagged in one lab.</p>")


def course_dashboard(insight: CourseInsight, path: str | Path,
                     pseudonyms: Pseudonyms | None = None) -> Path:
    """Write the across-labs dashboard of a course to ``path``; returns the path."""
    people = _People(pseudonyms, insight.people())
    body = (_labs(insight) + _missed(insight.items_missed()) + _misconceptions(insight)
            + _flagged_across(insight, people))
    return _write(path, _page("Class insight across labs",
                              f"{len(insight.labs)} autograded lab(s).", body,
                              pseudonyms is not None))
