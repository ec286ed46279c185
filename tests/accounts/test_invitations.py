import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homegroup.accounts import actions
from homegroup.accounts.models import Invitation, Role, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new staff phrase 9"


def invite(client):
    return client.post(
        reverse("accounts:invitations"),
        {"display_name": "Lee", "email": "lee@clinic.test", "roles": ["clinician"]},
    )


def link_from(message):
    return re.search(r"http://testserver(/accounts/invitations/accept/\S+/)", message.body)[1]


def test_a_program_admin_invites_a_clinician_who_sets_a_password_and_signs_in(client_for, people):
    response = invite(client_for(people.pat))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["lee@clinic.test"]
    path = link_from(message)
    newcomer = client_for(None)
    assert newcomer.get(path).status_code == 200
    done = newcomer.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    lee = User.objects.get(email="lee@clinic.test")
    assert lee.roles == {Role.CLINICIAN}
    assert lee.email_verified_at is not None  # the link came to that address
    # H-08: a new staff member's first stop is setting up the second factor.
    home = newcomer.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-enrol"))
    assert home.context["user"] == lee
    # The link works once.
    assert newcomer.get(path).status_code == 404


def test_the_database_keeps_only_a_hash_of_the_invitation_token(people):
    issued = actions.invite_staff(
        invited_by=people.pat, email="x@clinic.test", display_name="X", roles={Role.CLINICIAN}
    )
    stored = Invitation.objects.get()
    assert issued.token not in stored.token_hash
    assert stored.token_hash == Invitation.hash_token(issued.token)


def test_an_expired_invitation_does_not_work(client, people):
    issued = actions.invite_staff(
        invited_by=people.pat, email="x@clinic.test", display_name="X", roles={Role.CLINICIAN}
    )
    path = reverse("accounts:accept-invitation", args=[issued.token])
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.get(path).status_code == 404


def test_a_withdrawn_invitation_does_not_work(client_for, people):
    issued = actions.invite_staff(
        invited_by=people.pat, email="x@clinic.test", display_name="X", roles={Role.CLINICIAN}
    )
    pat = client_for(people.pat)
    pat.post(reverse("accounts:withdraw-invitation", args=[issued.invitation.pk]))
    assert (
        client_for(None).get(reverse("accounts:accept-invitation", args=[issued.token])).status_code
        == 404
    )


def test_only_program_admins_invite(client_for, people):
    for person in (people.ana, people.cora, people.max, people.sam):
        assert invite(client_for(person)).status_code == 403
    assert not Invitation.objects.exists()


def test_a_person_in_recovery_role_cannot_be_granted_by_invitation(client_for, people):
    response = client_for(people.pat).post(
        reverse("accounts:invitations"),
        {"display_name": "Lee", "email": "lee@clinic.test", "roles": ["person_in_recovery"]},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_an_email_carries_only_the_link(client_for, people):
    invite(client_for(people.pat))
    body = mail.outbox[0].body
    assert "Pat" not in body
    assert "clinician" not in body.lower()


def test_the_inviting_admin_never_sees_the_link(client_for, people):
    # Item 1 of issue 10: an admin who could open the link herself could make a clinician
    # account for an address she does not own.
    pat = client_for(people.pat)
    answer = invite(pat)
    page = pat.get(answer["Location"]).content.decode()
    token_path = link_from(mail.outbox[0])
    assert token_path not in answer.content.decode() + page
    assert "/accounts/invitations/accept/" not in page
    assert "The invitation is on its way to lee@clinic.test." in page


def test_an_address_with_an_account_is_invited_alike_and_its_owner_told(client_for, people):
    pat = client_for(people.pat)
    free = invite(pat)
    taken = pat.post(
        reverse("accounts:invitations"),
        {"display_name": "Ana", "email": "ANA@people.test", "roles": ["clinician"]},
    )
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert Invitation.objects.filter(email="ana@people.test").exists()
    to_ana = next(m for m in mail.outbox if m.to == ["ana@people.test"])
    assert "already has a Homegroup account" in to_ana.body
    assert "/accounts/invitations/accept/" not in to_ana.body
    people.ana.refresh_from_db()
    assert people.ana.roles == {Role.PERSON_IN_RECOVERY}
