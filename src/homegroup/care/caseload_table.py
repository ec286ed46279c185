"""The caseload table's rows as HTML, built in Python from plain strings: a caseload of 200
people is about 2,000 cells, and the template engine's cost per node (or `format_html`'s per
value) would take much of the page's time budget (DESIGN.md: ≤ 150 ms). Every value is escaped
(`html.escape`, as Django's `escape`) exactly once: the labels once per page, each person's
values as they are written. The labels are translated once per page, not once per cell. The
table's head, the filters and everything else stay in `care/caseload.html`.

Every cell says "not shared" when the person does not share its category: a withheld number is
never shown as zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from homegroup.care.caseload import Row
from homegroup.journal.models import SponsorStatus
from homegroup.privacy.categories import Category

# The cells after the person's name: (css class, key of its label).
COLUMNS = (
    ("number", "meetings"),
    ("number", "activities"),
    ("", "sponsor"),
    ("number", "medication"),
    ("number", "use"),
    ("number", "check_in"),
    ("", "bam"),
    ("", "network"),
    ("", "alerts"),
)


def _labels() -> dict[str, Any]:
    """The page's words, translated once; `_html` holds the same words escaped for HTML."""
    labels: dict[str, Any] = {
        "meetings": _("Meetings a week"),
        "activities": _("12-step, 30 days"),
        "sponsor": _("Sponsor · home group"),
        "medication": _("Medication, 14 days"),
        "use": _("Days since use"),
        "check_in": _("Last check-in"),
        "bam": _("BAM"),
        "network": _("Network"),
        "alerts": _("Alerts"),
        "not_shared": _("not shared"),
        "sponsors": {
            SponsorStatus.PERMANENT.value: _("sponsor"),
            SponsorStatus.TEMPORARY.value: _("temporary sponsor"),
            SponsorStatus.NONE.value: _("no sponsor"),
        },
        "home_group": _("home group"),
        "no_home_group": _("no home group"),
        "no_plan": _("no plan"),
        "none_due": _("none due"),
        "none_reported": _("none reported"),
        "never": _("never"),
        "none_yet": _("none yet"),
        "no_flags": _("no flags"),
        "flags": {"use": _("Use"), "risk": _("Risk"), "protective": _("Protective")},
        "no_change": _("no change yet"),
        "none": _("none"),
        "weeks": _("Meetings each week, last 12 weeks: %(weeks)s"),
        "taken": _("%(taken)s of %(scheduled)s taken"),
        "missed": _("%(missed)s missed"),
        "people": _("%(before)s → %(after)s people"),
        # URL prefixes reversed once per page, not once per link.
        "alert_url": reverse("care:alert", args=[0])[: -len("0/")],
    }
    labels["_html"] = {
        key: escape(str(value)) for key, value in labels.items() if isinstance(value, str)
    }
    labels["_html"]["not_shared_cell"] = (
        f'<span class="not-shared">{labels["_html"]["not_shared"]}</span>'
    )
    return labels


def _short_date(day: date) -> str:
    """ "Dec 5" in the page's language (the same few dates recur on every row)."""
    return _short_date_in(day, get_language())


@lru_cache(maxsize=512)
def _short_date_in(day: date, language: str | None) -> str:
    return formats.date_format(day, "M j")


def _decimal(value: float) -> str:
    """A number of meetings a week, one decimal, in the page's language."""
    return _decimal_in(float(value), get_language())


@lru_cache(maxsize=512)
def _decimal_in(value: float, language: str | None) -> str:
    return formats.number_format(value, 1)


def _cells_html(row: Row, labels: dict[str, Any]) -> list[str]:
    """The HTML content of each cell after the person's name (`COLUMNS`), every value escaped."""
    words = labels["_html"]
    not_shared = words["not_shared_cell"]
    allowed = row.disclosure.allowed_categories
    cells: list[str] = []
    if row.meetings_recent is None:
        cells.append(not_shared)
    else:
        weeks = row.weekly_meetings or []
        label = labels["weeks"] % {"weeks": ", ".join(map(str, weeks))}
        cells.append(
            f'{escape(_decimal(row.meetings_per_week or 0))} <span class="help">'
            f"({escape(_decimal(row.meetings_per_week_before or 0))})</span> "
            '<svg class="spark" viewBox="0 0 60 16" role="img" '
            f'aria-label="{escape(label)}"><polyline points="{row.sparkline_points}"/></svg>'
        )
    if row.activities is None:
        cells.append(not_shared)
    else:
        a = row.activities
        cells.append(escape(f"{a['service']} · {a['talked_with_sponsor']} · {a['step_work']}"))
    if row.sponsor is None:
        cells.append(not_shared)
    else:
        home = labels["home_group"] if row.home_group else labels["no_home_group"]
        sponsor = labels["sponsors"].get(row.sponsor, row.sponsor)
        cells.append(escape(f"{sponsor} · {home}"))
    if Category.MEDICATION.value not in allowed:
        cells.append(not_shared)
    elif row.adherence is None:
        cells.append(words["no_plan"])
    elif not row.adherence.scheduled:
        cells.append(words["none_due"])
    else:
        medication = labels["taken"] % {
            "taken": row.adherence.taken,
            "scheduled": row.adherence.scheduled,
        }
        if row.adherence.missed:
            medication += ", " + labels["missed"] % {"missed": row.adherence.missed}
        cells.append(escape(medication))
    if row.any_use_reported is None:
        cells.append(not_shared)
    elif row.days_since_use is None:
        cells.append(words["none_reported"])
    else:
        cells.append(str(row.days_since_use))
    if Category.CHECK_INS.value not in allowed:
        cells.append(not_shared)
    elif row.last_check_in is None:
        cells.append(words["never"])
    else:
        days = row.days_since_check_in or 0
        ago = ngettext("%(count)s day ago", "%(count)s days ago", days) % {"count": days}
        cells.append(
            f'{escape(_short_date(row.last_check_in))} <span class="help">({escape(ago)})</span>'
        )
    if Category.MEASURES.value not in allowed:
        cells.append(not_shared)
    elif not row.bam_scores or row.bam_taken_on is None:
        cells.append(words["none_yet"])
    else:
        flags = ", ".join(labels["flags"][name] for name in row.bam_flags) or labels["no_flags"]
        cells.append(escape(f"{_short_date(row.bam_taken_on)}: {flags}"))
    if Category.NETWORK.value not in allowed:
        cells.append(not_shared)
    elif not row.network_change:
        cells.append(words["no_change"])
    else:
        before, after = row.network_change["size"]
        cells.append(escape(labels["people"] % {"before": before, "after": after}))
    if row.alerts:
        url = escape(labels["alert_url"])
        badges = "".join(
            '<li><a class="alert-badge{}" href="{}{}/">{}</a></li>'.format(
                " acknowledged" if alert.status == "acknowledged" else "",
                url,
                alert.pk,
                escape(str(alert.title)),
            )
            for alert in row.alerts
        )
        cells.append(f'<ul class="alert-list">{badges}</ul>')
    else:
        cells.append(words["none"])
    return cells


def cells(row: Row) -> list[tuple[str, str, Any]]:
    """One person's cells, for the record page's summary (the same words as the caseload):
    (css class, label, content), the content already escaped HTML."""
    labels = _labels()
    return [
        (css, labels[key], mark_safe(content))  # noqa: S308 - every value escaped above
        for (css, key), content in zip(COLUMNS, _cells_html(row, labels), strict=True)
    ]


def rows_html(rows: Iterable[Row]) -> SafeString:
    """The table body: one <tr> per person, every value escaped."""
    labels = _labels()
    words = labels["_html"]
    person_url = escape(reverse("care:person", args=[0])[: -len("0/")])
    emergency = _("Emergency access until %(time)s UTC")
    openings = [f'<td class="{css}" data-label="{words[key]}">' for css, key in COLUMNS]
    parts = []
    for row in rows:
        grant = row.disclosure.break_glass
        note = (
            '<br><span class="help">{}</span>'.format(
                escape(emergency % {"time": grant.expires_at.strftime("%H:%M")})
            )
            if grant is not None
            else ""
        )
        tds = "".join(
            f"{opening}{content}</td>"
            for opening, content in zip(openings, _cells_html(row, labels), strict=True)
        )
        parts.append(
            f'<tr><th scope="row" class="person"><a href="{person_url}{row.person.pk}/">'
            f"{escape(row.person.display_name)}</a>{note}</th>{tds}</tr>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped above
