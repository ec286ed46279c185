import re

import pytest
from django.core import mail
from django.urls import reverse

from homegroup.audit.models import AuditEvent
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "another long phrase for ana 3"


def test_a_person_resets_their_password_by_email(client, people):
    response = client.post(reverse("accounts:password-reset"), {"email": people.ana.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Ana" not in message.body  # no name, no record content: only the link
    path = re.search(r"http://testserver(/\S+)", message.body)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    people.ana.refresh_from_db()
    assert people.ana.check_password(NEW)
    assert not people.ana.check_password(PASSWORD)
    actions = set(
        AuditEvent.objects.filter(subject_id=people.ana.pk).values_list("action", flat=True)
    )
    assert {"auth.password_reset_requested", "auth.password_reset"} <= actions


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, people):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@people.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-sent")
    assert mail.outbox == []


def test_a_forged_reset_link_shows_a_kind_dead_end(client, people):
    response = client.get("/accounts/password-reset/MQ/forged-token/", follow=True)
    assert response.status_code == 200
    assert "does not work any more" in response.content.decode()


def test_changing_the_password_needs_the_current_one(client_for, people):
    client = client_for(people.ana)
    response = client.post(
        reverse("accounts:change-password"),
        {"old_password": "not my password", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    people.ana.refresh_from_db()
    assert people.ana.check_password(PASSWORD)
    response = client.post(
        reverse("accounts:change-password"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    people.ana.refresh_from_db()
    assert people.ana.check_password(NEW)
    assert AuditEvent.objects.filter(action="auth.password_change").count() == 1
