"""P2-12: breach scoping — whose records did user X touch between T1 and T2, from the audit log."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from homegroup.audit import actions as audit
from homegroup.audit.models import touched_subjects

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def seed():
    """Dev (id 4) reads three people's records on 1-3 March, one more on 10 March; others
    read too; his own account events do not count."""
    with time_machine.travel(T0, tick=False) as clock:
        for day, subject in [(0, 11), (0, 11), (1, 12), (2, 13), (9, 14)]:
            clock.move_to(T0 + timedelta(days=day))
            audit.record(action="privacy.disclosure", actor_id=4, subject_id=subject)
        audit.record(action="auth.sign_in", actor_id=4, subject_id=4)
        for subject in range(100, 400):  # someone else's busy day
            audit.record(action="privacy.disclosure", actor_id=5, subject_id=subject)


def test_P2_12_the_report_lists_whose_records_an_actor_touched_in_the_window(capsys):
    seed()
    call_command("audit-report", actor=4, start="2026-03-01", end="2026-03-03")
    output = capsys.readouterr().out
    assert "User 4 touched 3 people's records" in output
    assert "person 11: 2 events" in output
    assert "person 12: 1 events" in output
    assert "person 13: 1 events" in output
    assert "person 14" not in output
    assert "person 4:" not in output


def test_P2_12_the_query_is_one_grouped_read(django_assert_num_queries):
    seed()
    with django_assert_num_queries(1):
        rows = touched_subjects(actor_id=4, start=T0, end=T0 + timedelta(days=30))
    assert [(r["subject_id"], r["events"]) for r in rows] == [(11, 2), (12, 1), (13, 1), (14, 1)]


def test_P2_12_contacts_are_printed_only_when_asked(capsys, people):
    audit.record(action="privacy.disclosure", actor_id=people.dev.pk, subject_id=people.ana.pk)
    today = datetime.now(UTC).date().isoformat()
    call_command("audit-report", actor=people.dev.pk, start=today, end=today)
    assert people.ana.email not in capsys.readouterr().out
    call_command("audit-report", actor=people.dev.pk, start=today, end=today, contacts=True)
    assert people.ana.email in capsys.readouterr().out


def test_P2_12_a_backwards_or_malformed_window_is_refused():
    with pytest.raises(CommandError, match="before"):
        call_command("audit-report", actor=4, start="2026-03-05", end="2026-03-01")
    with pytest.raises(CommandError, match="not a date"):
        call_command("audit-report", actor=4, start="March", end="2026-03-01")
