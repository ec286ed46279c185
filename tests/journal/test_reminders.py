"""Reminders the person opts into: an email at the time they chose, in their own zone, only on
days without a check-in, once a day, holding nothing but a link (`homegroup send-reminders`)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.core import mail
from django.core.management import call_command

from homegroup.journal import actions
from homegroup.journal.models import JournalProfile
from tests.journal.journal_data import check_in, start_journal

pytestmark = pytest.mark.django_db

# 04:00 UTC on 6 December 2026 is 20:00 on the 5th in Los Angeles.
EVENING_IN_LA = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)


def opt_in(person, at=time(19, 30), zone="America/Los_Angeles"):
    start_journal(person, zone=zone)
    actions.set_reminder(person=person, at=at)


def test_the_reminder_comes_at_the_chosen_local_time_with_only_a_link(people):
    opt_in(people.ana)
    assert actions.send_reminders(base_url="https://hg.example.org", now=EVENING_IN_LA) == 1
    email = mail.outbox[-1]
    assert email.to == [people.ana.email]
    assert email.body == "https://hg.example.org/"
    assert "recovery" not in (email.subject + email.body).lower()
    assert people.ana.display_name not in email.body


def test_not_before_the_chosen_time_in_the_persons_own_zone(people):
    opt_in(people.ana, at=time(21, 0))
    assert actions.send_reminders(base_url="https://hg.example.org", now=EVENING_IN_LA) == 0
    opt_in(people.ben, at=time(21, 0), zone="America/New_York")  # 23:00 there
    assert actions.send_reminders(base_url="https://hg.example.org", now=EVENING_IN_LA) == 1
    assert mail.outbox[-1].to == [people.ben.email]


def test_once_a_day_at_most(people):
    opt_in(people.ana)
    actions.send_reminders(base_url="https://hg.example.org", now=EVENING_IN_LA)
    assert actions.send_reminders(base_url="https://hg.example.org", now=EVENING_IN_LA) == 0
    assert JournalProfile.objects.get(person=people.ana).reminder_last_sent.isoformat() == (
        "2026-12-05"
    )


def test_a_day_already_checked_in_gets_no_reminder(people, time_machine):
    time_machine.move_to(EVENING_IN_LA)
    opt_in(people.ana)
    check_in(people.ana, use_status="none")
    assert actions.send_reminders(base_url="https://hg.example.org", now=EVENING_IN_LA) == 0


def test_no_reminder_without_opting_in(people):
    start_journal(people.ana)
    assert actions.send_reminders(base_url="https://hg.example.org", now=EVENING_IN_LA) == 0


def test_the_settings_page_turns_the_reminder_on_and_off(people, client_for):
    start_journal(people.ana)
    client = client_for(people.ana)
    client.post("/journal/settings/reminder/", {"reminder_time": "20:30"})
    assert JournalProfile.objects.get(person=people.ana).reminder_time == time(20, 30)
    client.post("/journal/settings/reminder/", {"reminder_time": ""})
    assert JournalProfile.objects.get(person=people.ana).reminder_time is None


def test_the_command_reports_how_many_were_sent(people, capsys):
    call_command("send-reminders", "--base-url", "https://hg.example.org")
    assert "Sent 0 reminder(s)." in capsys.readouterr().out
