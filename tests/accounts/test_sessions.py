from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from homegroup.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def account_status(client):
    return client.get(reverse("accounts:account")).status_code


def test_staff_are_signed_out_after_15_idle_minutes(client_for, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(people.cora)
        clock.shift(timedelta(minutes=14))
        assert account_status(client) == 200
        clock.shift(timedelta(minutes=14))  # 14 minutes since the last request: still fine
        assert account_status(client) == 200
        clock.shift(timedelta(minutes=16))
        assert account_status(client) == 302
    assert AuditEvent.objects.filter(action="auth.session_idle", subject_id=people.cora.pk).exists()


def test_staff_sessions_end_after_12_hours_however_active(client_for, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(people.pat)
        for _ in range(12 * 6 + 2):
            clock.shift(timedelta(minutes=10))
            if account_status(client) != 200:
                break
        assert timezone.now() - start > timedelta(hours=12)
        assert timezone.now() - start <= timedelta(hours=12, minutes=10)
    assert AuditEvent.objects.filter(action="auth.session_absolute").exists()


def test_a_person_in_recovery_stays_signed_in_for_days_on_their_own_device(client_for, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(people.ana)
        clock.shift(timedelta(days=6))
        assert account_status(client) == 200
        clock.shift(timedelta(days=29))
        assert account_status(client) == 200
        clock.shift(timedelta(days=31))
        assert account_status(client) == 302


def test_changing_the_email_asks_for_the_password_again_after_the_window(client_for, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(people.ana)
        assert client.get(reverse("accounts:change-email")).status_code == 200
        clock.shift(timedelta(minutes=11))
        response = client.get(reverse("accounts:change-email"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:confirm-password"))
        confirm = client.post(response["Location"], {"password": "correct horse battery staple 42"})
        assert confirm.status_code == 302
        assert confirm["Location"] == reverse("accounts:change-email")
        client.post(reverse("accounts:change-email"), {"email": "ana.new@people.test"})
    people.ana.refresh_from_db()
    assert people.ana.email == "ana.new@people.test"


def test_five_wrong_passwords_at_the_confirmation_sign_the_person_out(client_for, people):
    client = client_for(people.ana)
    for _ in range(4):
        response = client.post(reverse("accounts:confirm-password"), {"password": "nope nope"})
        assert response.status_code == 400
    response = client.post(reverse("accounts:confirm-password"), {"password": "nope nope"})
    assert response.status_code == 302
    assert account_status(client) == 302


def test_the_confirmation_never_redirects_off_site(client_for, people):
    client = client_for(people.ana)
    response = client.post(
        reverse("accounts:confirm-password") + "?next=https://evil.example/",
        {"password": "correct horse battery staple 42"},
    )
    assert response["Location"] == reverse("accounts:account")
