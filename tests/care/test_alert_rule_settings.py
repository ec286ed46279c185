"""A program admin switches alert rules off and changes their thresholds (a page, audited);
the caseloads of the program's clinicians follow."""

from datetime import timedelta

import pytest

from homegroup.audit.models import AuditEvent
from homegroup.care.models import Alert, AlertRuleSetting
from homegroup.journal import actions as journal_actions
from homegroup.journal.models import JournalProfile
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


def nine_quiet_days(people):
    share_as_in_the_story(people)
    journal_actions.record_check_in(
        person=people.ana,
        day=JournalProfile().today() - timedelta(days=9),
        values=journal_actions.CheckInValues(use_status="none"),
    )


def save(client, rule, **values):
    return client.post("/care/alert-rules/", {"rule": rule, **values})


def test_pat_switches_the_no_check_in_rule_off_and_coras_caseload_raises_nothing(
    people, client_for
):
    nine_quiet_days(people)
    pat = client_for(people.pat)
    assert pat.get("/care/alert-rules/").status_code == 200
    assert save(pat, "no_check_in", no_check_in_days="7").status_code == 302  # "on" unticked
    assert AlertRuleSetting.objects.get(rule="no_check_in").enabled is False
    assert AuditEvent.objects.filter(action="care.alert_rule_changed", actor_id=people.pat.pk)
    client_for(people.cora).get("/care/")
    assert not Alert.objects.filter(person=people.ana, rule="no_check_in").exists()


def test_a_longer_threshold_keeps_nine_quiet_days_below_it(people, client_for):
    nine_quiet_days(people)
    save(client_for(people.pat), "no_check_in", enabled="on", no_check_in_days="10")
    client_for(people.cora).get("/care/")
    assert not Alert.objects.filter(person=people.ana, rule="no_check_in").exists()
    save(client_for(people.pat), "no_check_in", enabled="on", no_check_in_days="9")
    client_for(people.cora).get("/care/")
    assert Alert.objects.filter(person=people.ana, rule="no_check_in").exists()


def test_a_threshold_out_of_range_is_refused_with_where_and_nothing_changes(people, client_for):
    pat = client_for(people.pat)
    response = save(pat, "no_check_in", enabled="on", no_check_in_days="900")
    assert response.status_code == 400
    assert "Between 2 and 60." in response.content.decode()
    assert not AlertRuleSetting.objects.exists()
    assert save(pat, "no_check_in", enabled="on", no_check_in_days="soon").status_code == 400
    assert save(pat, "no_such_rule").status_code == 400
    assert not AlertRuleSetting.objects.exists()


def test_only_program_admins_have_the_page(people, client_for):
    for who in (people.cora, people.ana, people.max):
        assert client_for(who).get("/care/alert-rules/").status_code == 403
