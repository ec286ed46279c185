"""The caseload table's rows as HTML, built in Python with `format_html` (which escapes every
value): a caseload of 200 people is about 2,000 cells, and the template engine's cost per node
would take most of the page's time budget (DESIGN.md: ≤ 150 ms). The labels are translated once
per page, not once per cell. The table's head, the filters and everything else stay in
`care/caseload.html`.

Every cell says "not shared" when the person does not share its category: a withheld number is
never shown as zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homegroup.care.caseload import Row
from homegroup.journal.models import SponsorStatus
from homegroup.privacy.categories import Category


def _labels() -> dict[str, Any]:
    return {
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
        # URL prefixes reversed once per page, not once per link.
        "alert_url": reverse("care:alert", args=[0])[: -len("0/")],
    }


@lru_cache(maxsize=512)
def _short_date(day: date) -> str:
    """ "Dec 5" in the page's language (the same few dates recur on every row)."""
    return formats.date_format(day, "M j")


def _not_shared(labels: dict[str, Any]) -> SafeString:
    return format_html('<span class="not-shared">{}</span>', labels["not_shared"])


def _cells(row: Row, labels: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(css class, label, content) of each cell after the person's name."""
    allows = row.allows
    cells: list[tuple[str, str, Any]] = []
    if row.meetings_per_week is None:
        meetings: Any = _not_shared(labels)
    else:
        weeks = row.weekly_meetings or []
        meetings = format_html(
            '{} <span class="help">({})</span> <svg class="spark" viewBox="0 0 60 16" '
            'role="img" aria-label="{}"><polyline points="{}"/></svg>',
            formats.number_format(row.meetings_per_week, 1),
            formats.number_format(row.meetings_per_week_before or 0, 1),
            _("Meetings each week, last 12 weeks: %(weeks)s")
            % {"weeks": ", ".join(map(str, weeks))},
            row.sparkline_points,
        )
    cells.append(("number", labels["meetings"], meetings))
    if row.activities is None:
        cells.append(("number", labels["activities"], _not_shared(labels)))
    else:
        a = row.activities
        cells.append(
            (
                "number",
                labels["activities"],
                f"{a['service']} · {a['talked_with_sponsor']} · {a['step_work']}",
            )
        )
    if row.sponsor is None:
        cells.append(("", labels["sponsor"], _not_shared(labels)))
    else:
        home = labels["home_group"] if row.home_group else labels["no_home_group"]
        sponsor = labels["sponsors"].get(row.sponsor, row.sponsor)
        cells.append(("", labels["sponsor"], f"{sponsor} · {home}"))
    if not allows(Category.MEDICATION.value):
        medication: Any = _not_shared(labels)
    elif row.adherence is None:
        medication = labels["no_plan"]
    elif not row.adherence.scheduled:
        medication = labels["none_due"]
    else:
        medication = _("%(taken)s of %(scheduled)s taken") % {
            "taken": row.adherence.taken,
            "scheduled": row.adherence.scheduled,
        }
        if row.adherence.missed:
            medication += ", " + _("%(missed)s missed") % {"missed": row.adherence.missed}
    cells.append(("number", labels["medication"], medication))
    if row.any_use_reported is None:
        use: Any = _not_shared(labels)
    elif row.days_since_use is None:
        use = labels["none_reported"]
    else:
        use = str(row.days_since_use)
    cells.append(("number", labels["use"], use))
    if not allows(Category.CHECK_INS.value):
        check_in: Any = _not_shared(labels)
    elif row.last_check_in is None:
        check_in = labels["never"]
    else:
        days = row.days_since_check_in or 0
        check_in = format_html(
            '{} <span class="help">({})</span>',
            _short_date(row.last_check_in),
            ngettext("%(count)s day ago", "%(count)s days ago", days) % {"count": days},
        )
    cells.append(("number", labels["check_in"], check_in))
    if not allows(Category.MEASURES.value):
        bam: Any = _not_shared(labels)
    elif not row.bam_scores or row.bam_taken_on is None:
        bam = labels["none_yet"]
    else:
        flags = ", ".join(labels["flags"][name] for name in row.bam_flags) or labels["no_flags"]
        bam = f"{_short_date(row.bam_taken_on)}: {flags}"
    cells.append(("", labels["bam"], bam))
    if not allows(Category.NETWORK.value):
        network: Any = _not_shared(labels)
    elif not row.network_change:
        network = labels["no_change"]
    else:
        before, after = row.network_change["size"]
        network = _("%(before)s → %(after)s people") % {"before": before, "after": after}
    cells.append(("", labels["network"], network))
    if row.alerts:
        alerts: Any = format_html(
            '<ul class="alert-list">{}</ul>',
            format_html_join(
                "",
                '<li><a class="alert-badge{}" href="{}">{}</a></li>',
                (
                    (
                        " acknowledged" if alert.status == "acknowledged" else "",
                        f"{labels['alert_url']}{alert.pk}/",
                        alert.title,
                    )
                    for alert in row.alerts
                ),
            ),
        )
    else:
        alerts = labels["none"]
    cells.append(("", labels["alerts"], alerts))
    return cells


def cells(row: Row) -> list[tuple[str, str, Any]]:
    """One person's cells, for the record page's summary (the same words as the caseload)."""
    return _cells(row, _labels())


def rows_html(rows: Iterable[Row]) -> SafeString:
    """The table body: one <tr> per person, every value escaped."""
    labels = _labels()
    person_url = reverse("care:person", args=[0])[: -len("0/")]
    emergency = _("Emergency access until %(time)s UTC")
    parts = []
    for row in rows:
        name = format_html(
            '<th scope="row" class="person"><a href="{}{}/">{}</a>{}</th>',
            person_url,
            row.person.pk,
            row.person.display_name,
            format_html(
                '<br><span class="help">{}</span>',
                emergency % {"time": row.disclosure.break_glass.expires_at.strftime("%H:%M")},
            )
            if row.disclosure.break_glass is not None
            else "",
        )
        cells = format_html_join("", '<td class="{}" data-label="{}">{}</td>', _cells(row, labels))
        parts.append(format_html("<tr>{}{}</tr>", name, cells))
    return format_html_join("\n", "{}", ((part,) for part in parts))
