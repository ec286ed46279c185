"""The report's figures as SVG primitives (rectangles, lines, paths, text) for one template,
`outcomes/_figure.html`: no JavaScript, no chart library, no markup built in Python (the
template escapes every value). Colours are the Okabe-Ito palette, told apart by people with
colour-vision deficiencies; every figure has a title, a description (its alt text) and its
table beside it on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 40
GROUP_LABELS = {
    "alcohol": "Alcohol only",
    "drugs": "Drugs only",
    "both": "Alcohol and drugs",
    "unknown": "Not recorded",
    "all": "Everyone",
}
MEDICATION_LABELS = {
    "none": "No medication",
    "methadone": "Methadone",
    "buprenorphine": "Buprenorphine",
    "naltrexone": "Naltrexone",
    "all": "Everyone",
}
BIN_LABELS = {"0": "0", "0-1": "<1", "1-3": "1–3", "3+": "3+"}


@dataclass
class Figure:
    key: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    rects: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    paths: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    legend: list[dict[str, str]] = field(default_factory=list)
    n_label: str = ""


def _y_axis(figure: Figure, ticks: list[tuple[float, str]], to_y: Any) -> None:
    for value, label in ticks:
        y = to_y(value)
        figure.lines.append(
            {"x1": LEFT, "y1": y, "x2": WIDTH - RIGHT, "y2": y, "stroke": "#ddd", "dash": ""}
        )
        figure.texts.append({"x": LEFT - 4, "y": y + 4, "text": label, "anchor": "end"})


def dose_response(report: dict[str, Any], by: str) -> Figure:
    """Grouped bars: share of next windows without use, by meetings a week, one colour per
    diagnosis group (`by="group"`) or medication (`by="medication"`)."""
    labels = GROUP_LABELS if by == "group" else MEDICATION_LABELS
    other = "medication" if by == "group" else "group"
    rows = [
        row
        for row in report["dose_response"]
        if row[other] == "all" and row[by] != "all" and row["meetings_per_week"] in BIN_LABELS
    ]
    series = [key for key in labels if key != "all" and any(r[by] == key for r in rows)]
    figure = Figure(
        key=f"dose-{by}",
        title=_("Next month without use, by meetings a week and %(by)s")
        % {"by": _("diagnosis group") if by == "group" else _("medication")},
        description=_(
            "Bar chart. For each band of meetings a week in one 30-day window, the share of "
            "next windows with no use reported, one bar per %(by)s. Bars are missing where "
            "fewer than 11 people are in the group. The same numbers are in the table below."
        )
        % {"by": _("diagnosis group") if by == "group" else _("medication")},
    )
    plot_h = HEIGHT - TOP - BOTTOM

    def to_y(value: float) -> float:
        return round(TOP + plot_h * (1 - value), 1)

    _y_axis(figure, [(v / 4, f"{v * 25}%") for v in range(5)], to_y)
    bins = list(BIN_LABELS)
    slot = (WIDTH - LEFT - RIGHT) / len(bins)
    bar = (slot - 10) / max(1, len(series))
    for b, key in enumerate(bins):
        x0 = LEFT + b * slot + 5
        figure.texts.append(
            {"x": round(x0 + (slot - 10) / 2, 1), "y": HEIGHT - BOTTOM + 14,
             "text": BIN_LABELS[key], "anchor": "middle"}
        )  # fmt: skip
        for s, name in enumerate(series):
            row = next((r for r in rows if r[by] == name and r["meetings_per_week"] == key), None)
            x = round(x0 + s * bar, 1)
            if row is None or row["abstinent_next_30"] is None:
                figure.texts.append(
                    {"x": round(x + bar / 2, 1), "y": to_y(0) - 3, "text": "–", "anchor": "middle"}
                )
                continue
            value = float(row["abstinent_next_30"])
            figure.rects.append(
                {"x": x, "y": to_y(value), "w": round(max(1.0, bar - 1), 1),
                 "h": round(to_y(0) - to_y(value), 1), "fill": PALETTE[s % len(PALETTE)],
                 "label": f"{labels[name]}, {BIN_LABELS[key]} a week: {round(value * 100)}%"}
            )  # fmt: skip
    figure.texts.append(
        {"x": (WIDTH + LEFT) / 2, "y": HEIGHT - 8, "text": _("meetings a week"),
         "anchor": "middle"}
    )  # fmt: skip
    figure.legend = [
        {"colour": PALETTE[s % len(PALETTE)], "label": labels[name]}
        for s, name in enumerate(series)
    ]
    return figure


def forest(report: dict[str, Any]) -> Figure:
    """Odds ratios with 95% CIs on a log scale; the line at 1 is 'no association'."""
    terms = [(name, t) for name, t in report["models"].items() if t["odds_ratio"] is not None]
    height = TOP + 22 * max(1, len(terms)) + BOTTOM
    figure = Figure(
        key="models",
        title=_("Odds of a next month without use (adjusted)"),
        description=_(
            "Forest plot. Each row is an odds ratio with its 95% confidence interval, on a "
            "log scale; the vertical line at 1 means no association. Right of it: higher odds "
            "of no use in the next 30 days. The same numbers are in the table below."
        ),
        height=height,
    )
    if not terms:
        return figure
    low = min(min(t["ci_low"] for _n, t in terms), 0.5)
    high = max(max(t["ci_high"] for _n, t in terms), 2.0)
    left = 150
    span = math.log(high) - math.log(low)

    def to_x(value: float) -> float:
        return round(left + (WIDTH - RIGHT - left) * (math.log(value) - math.log(low)) / span, 1)

    for tick in (0.25, 0.5, 1, 2, 4, 8):
        if low <= tick <= high:
            figure.lines.append(
                {"x1": to_x(tick), "y1": TOP - 6, "x2": to_x(tick), "y2": height - BOTTOM + 4,
                 "stroke": "#555" if tick == 1 else "#ddd", "dash": "" if tick == 1 else "2 2"}
            )  # fmt: skip
            figure.texts.append(
                {"x": to_x(tick), "y": height - BOTTOM + 18, "text": f"{tick:g}",
                 "anchor": "middle"}
            )  # fmt: skip
    for i, (_name, term) in enumerate(terms):
        y = TOP + 22 * i + 8
        figure.texts.append({"x": 4, "y": y + 4, "text": term["contrast"], "anchor": "start",
                             "small": True})  # fmt: skip
        figure.lines.append(
            {"x1": to_x(term["ci_low"]), "y1": y, "x2": to_x(term["ci_high"]), "y2": y,
             "stroke": PALETTE[0], "dash": ""}
        )  # fmt: skip
        figure.rects.append(
            {"x": to_x(term["odds_ratio"]) - 4, "y": y - 4, "w": 8, "h": 8, "fill": PALETTE[0],
             "label": f"{term['contrast']}: {term['odds_ratio']} "
                      f"({term['ci_low']}–{term['ci_high']})"}
        )  # fmt: skip
    figure.texts.append(
        {"x": (WIDTH + left) / 2, "y": height - 6, "text": _("odds ratio (log scale)"),
         "anchor": "middle"}
    )  # fmt: skip
    return figure


def survival(report: dict[str, Any]) -> Figure:
    """Kaplan-Meier step curves by participation tertile in the first 30 days."""
    figure = Figure(
        key="survival",
        title=_("Days without use after the first month, by first-month participation"),
        description=_(
            "Kaplan-Meier curves: the share of people with no use reported yet, from day 30 of "
            "their enrolment, one line per third of first-month participation (meetings and "
            "12-step activities). A line stops where fewer than 11 people are still followed. "
            "Numbers at risk are in the table below."
        ),
    )
    plot_h = HEIGHT - TOP - BOTTOM
    days = sorted({row["day"] for row in report["survival"]}) or [0]
    last = max(days) or 1

    def to_x(day: float) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * day / last, 1)

    def to_y(value: float) -> float:
        return round(TOP + plot_h * (1 - value), 1)

    _y_axis(figure, [(v / 4, f"{v * 25}%") for v in range(5)], to_y)
    for day in days[:: max(1, len(days) // 6)]:
        figure.texts.append({"x": to_x(day), "y": HEIGHT - BOTTOM + 14, "text": str(day),
                             "anchor": "middle"})  # fmt: skip
    names = {"low": _("lowest third"), "middle": _("middle third"), "high": _("highest third")}
    for index, tertile in enumerate(("low", "middle", "high")):
        points = [
            (row["day"], row["survival"])
            for row in report["survival"]
            if row["tertile"] == tertile and row["survival"] is not None
        ]
        if not points:
            continue
        d = f"M{to_x(points[0][0])},{to_y(points[0][1])}"
        for day, value in points[1:]:
            d += f" H{to_x(day)} V{to_y(value)}"
        figure.paths.append(
            {"d": d, "stroke": PALETTE[index], "dash": ("", "6 3", "2 2")[index],
             "label": names[tertile]}
        )  # fmt: skip
        figure.legend.append({"colour": PALETTE[index], "label": names[tertile]})
    figure.texts.append(
        {"x": (WIDTH + LEFT) / 2, "y": HEIGHT - 8, "text": _("days since day 30"),
         "anchor": "middle"}
    )  # fmt: skip
    return figure


def figures(report: dict[str, Any]) -> dict[str, Figure]:
    """Every figure, each with its N (DESIGN: every figure shows its N and the caveat)."""
    found = {
        "dose_group": dose_response(report, "group"),
        "dose_medication": dose_response(report, "medication"),
        "models": forest(report),
        "survival": survival(report),
    }
    pairs = _("N = %(windows)s window pairs of %(people)s people.") % {
        "windows": report["n_windows"],
        "people": report["n_people"],
    }
    found["dose_group"].n_label = found["dose_medication"].n_label = pairs
    fit = report.get("model_fit") or {}
    found["models"].n_label = _("N = %(windows)s window pairs of %(people)s people.") % {
        "windows": fit.get("n_windows", 0),
        "people": fit.get("n_people", 0),
    }
    found["survival"].n_label = _("N = %(people)s people followed after day 30.") % {
        "people": (report.get("survival_test") or {}).get("n_people", 0)
    }
    for figure in found.values():
        figure.n_label += " " + _("Associations, not proof of an effect.")
    return found
