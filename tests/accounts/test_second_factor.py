"""H-08: a TOTP second factor for staff before any page; recovery codes; opt-in for others."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from homegroup.accounts import actions, second_factor
from homegroup.accounts.models import AuthenticatorDevice
from homegroup.audit.models import AuditEvent, Outcome
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/enrol/"


def sign_in(client, user):
    response = client.post(
        reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def actions_for(user, action):
    return list(
        AuditEvent.objects.filter(subject_id=user.pk, action=action).values_list(
            "outcome", flat=True
        )
    )


@pytest.mark.parametrize("name", ["cora", "dev", "pat", "max"])
@pytest.mark.parametrize(
    "path", ["/", "/accounts/account/", "/privacy/program/", "/privacy/shared-with-me/"]
)
def test_H_08_staff_without_a_verified_second_factor_reach_no_page(client_for, people, name, path):
    client = client_for(getattr(people, name), verified=False)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    assert f"next={path.replace('/', '%2F')}" in response["Location"]


def test_H_08_staff_without_a_verified_second_factor_get_403_from_the_api(client_for, people):
    response = client_for(people.cora, verified=False).get("/api/v1/me")
    assert response.status_code == 403
    assert response.json() == {
        "error": "Confirm your sign-in with your second factor first.",
        "details": [],
    }


def test_H_08_a_record_page_is_out_of_reach_before_the_code(client_for, people):
    client = client_for(people.dev, verified=False)
    response = client.get(reverse("privacy:break-glass", args=[people.ana.pk]))
    assert response["Location"].startswith(TWO_FACTOR)


def test_H_08_the_sign_in_and_enrolment_pages_stay_open(client_for, people):
    client = client_for(people.cora, verified=False)
    assert client.get(ENROL).status_code == 200
    assert client.post(reverse("accounts:sign-out")).status_code == 302


def test_H_08_people_in_recovery_and_sponsors_need_no_second_factor_unless_they_opt_in(
    client_for, people
):
    for person in (people.ana, people.sam):
        assert client_for(person, verified=False).get("/").status_code == 200


def test_H_08_first_sign_in_enrols_with_the_secret_and_a_valid_code(client, people):
    sign_in(client, people.cora)
    assert client.get("/")["Location"].startswith(TWO_FACTOR)
    page = client.get(TWO_FACTOR, follow=True)
    assert page.redirect_chain[-1][0].startswith(ENROL)
    body = page.content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', body)[1].replace(" ", "")
    assert 'src="data:image/svg+xml;base64,' in body
    assert "style=" not in body  # CSP: no inline styles, the QR code is an image
    device = AuthenticatorDevice.objects.get(user=people.cora, confirmed=False)
    assert second_factor.base32_secret(device) == secret
    wrong = client.post(ENROL, {"code": "000000"})
    assert wrong.status_code == 400
    assert actions_for(people.cora, "auth.2fa_enrolled") == [Outcome.FAILURE]
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # django-otp's back-off
        done = client.post(ENROL, {"code": second_factor.current_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<code>([2-9A-Z]{5}-[2-9A-Z]{5})</code>", done.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert actions_for(people.cora, "auth.2fa_enrolled") == [Outcome.FAILURE, Outcome.SUCCESS]
    assert client.get("/").status_code == 200
    people.cora.refresh_from_db()
    assert people.cora.second_factor_enabled


def test_H_08_recovery_codes_are_shown_once_and_stored_only_as_keyed_digests(people):
    actions.start_totp_enrolment(user=people.pat)
    device = AuthenticatorDevice.objects.get(user=people.pat)
    enrolment = actions.confirm_totp_enrolment(
        user=people.pat, code=second_factor.current_code(device)
    )
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    for code in enrolment.recovery_codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
        assert second_factor.recovery_code_digest(code) in stored


def test_H_08_a_recovery_code_signs_in_once_and_its_use_is_audited(client, people):
    actions.start_totp_enrolment(user=people.max)
    device = AuthenticatorDevice.objects.get(user=people.max)
    codes = actions.confirm_totp_enrolment(
        user=people.max, code=second_factor.current_code(device)
    ).recovery_codes
    sign_in(client, people.max)
    response = client.post(TWO_FACTOR, {"code": codes[0].lower(), "next": "/accounts/account/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/account/"
    assert client.get("/").status_code == 200
    used = AuditEvent.objects.get(action="auth.2fa_recovery_code_used")
    assert (used.subject_id, used.object_id) == (people.max.pk, "9")
    client.post(reverse("accounts:sign-out"))
    sign_in(client, people.max)
    assert client.post(TWO_FACTOR, {"code": codes[0]}).status_code == 400  # used up


def test_H_08_verification_success_and_failure_are_audited(client, people):
    device = actions.add_totp_device(user=people.dev)
    sign_in(client, people.dev)
    assert client.post(TWO_FACTOR, {"code": "123456"}).status_code == 400
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        # django-otp makes a wrong code cost a short wait before the next try.
        assert (
            client.post(TWO_FACTOR, {"code": second_factor.current_code(device)}).status_code == 302
        )
    assert actions_for(people.dev, "auth.2fa_verified") == [Outcome.FAILURE, Outcome.SUCCESS]


def test_H_08_five_wrong_codes_end_the_session(client, people):
    actions.add_totp_device(user=people.dev)
    sign_in(client, people.dev)
    for _ in range(5):
        response = client.post(TWO_FACTOR, {"code": "12345678-no"})
    assert response["Location"] == reverse("accounts:sign-in")
    assert AuditEvent.objects.filter(action="auth.2fa_failed", subject_id=people.dev.pk).exists()
    assert client.get("/").context["user"].is_anonymous


def test_H_08_a_person_in_recovery_may_opt_in_and_is_then_asked_for_the_code(
    client, client_for, people
):
    ana = client_for(people.ana)
    page = ana.get(ENROL)
    assert page.status_code == 200
    device = AuthenticatorDevice.objects.get(user=people.ana, confirmed=False)
    assert ana.post(ENROL, {"code": second_factor.current_code(device)}).status_code == 200
    assert ana.get("/").status_code == 200  # this session is verified
    sign_in(client, people.ana)
    assert client.get("/")["Location"].startswith(TWO_FACTOR)


def test_A_05_switching_the_second_factor_off_asks_for_the_password_again(client_for, people):
    actions.add_totp_device(user=people.ana)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        ana = client_for(people.ana)
        clock.shift(timedelta(minutes=11))
        response = ana.get(reverse("accounts:two-factor-disable"))
        assert response["Location"].startswith(reverse("accounts:confirm-password"))
        ana.post(reverse("accounts:confirm-password"), {"password": PASSWORD})
        assert ana.get(reverse("accounts:two-factor-disable")).status_code == 200
        assert ana.post(reverse("accounts:two-factor-disable"), {}).status_code == 400
        assert (
            ana.post(reverse("accounts:two-factor-disable"), {"confirm": "on"}).status_code == 302
        )
    people.ana.refresh_from_db()
    assert not people.ana.second_factor_enabled
    assert not AuthenticatorDevice.objects.filter(user=people.ana).exists()
    assert AuditEvent.objects.filter(action="auth.2fa_disabled", subject_id=people.ana.pk).exists()


def test_H_08_staff_cannot_switch_their_second_factor_off(client_for, people):
    assert client_for(people.cora).get(reverse("accounts:two-factor-disable")).status_code == 403


def test_H_08_new_recovery_codes_replace_the_old_ones(client_for, people):
    cora = client_for(people.cora)
    first = cora.post(reverse("accounts:two-factor-recovery-codes"))
    second = cora.post(reverse("accounts:two-factor-recovery-codes"))
    old = re.findall(r"<code>([2-9A-Z-]{11})</code>", first.content.decode())
    new = re.findall(r"<code>([2-9A-Z-]{11})</code>", second.content.decode())
    assert len(old) == len(new) == 10
    assert actions.verify_second_factor(user=people.cora, code=old[0]) is None
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # django-otp's back-off
        assert actions.verify_second_factor(user=people.cora, code=new[0]) is not None


# --- Issue 9 (6): the authenticator secret is encrypted at rest, bound to its account ----------


def raw_secret(device):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_the_authenticator_secret_is_ciphertext_in_the_database_and_codes_still_work(people):
    device = actions.add_totp_device(user=people.cora)
    secret = AuthenticatorDevice.objects.get(pk=device.pk).key
    stored = raw_secret(device)
    assert stored.startswith("hgenc2:")
    assert secret not in stored
    assert len(secret) == 40  # 20 random bytes in hex, as django-otp makes them
    code = second_factor.current_code(device)
    assert actions.verify_second_factor(user=people.cora, code=code) is not None


def test_no_secret_is_left_in_django_otps_plain_text_table(people, client_for):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    actions.add_totp_device(user=people.cora)
    actions.start_totp_enrolment(user=people.ana)
    assert not TOTPDevice.objects.exists()
    assert AuthenticatorDevice.objects.count() == 2


def test_a_secret_copied_into_another_accounts_device_accepts_no_code(people, caplog):
    from django.db import connection

    coras = actions.add_totp_device(user=people.cora)
    devs = actions.add_totp_device(user=people.dev)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_authenticatordevice SET key = "
            "(SELECT key FROM accounts_authenticatordevice WHERE id = %s) WHERE id = %s",
            [coras.pk, devs.pk],
        )
    coras_code = second_factor.current_code(coras)
    assert actions.verify_second_factor(user=people.dev, code=coras_code) is None
    assert "integrity error" in caplog.text
    assert actions.verify_second_factor(user=people.cora, code=coras_code) is not None


def test_the_migration_moves_plain_text_secrets_into_encrypted_devices(people):
    from importlib import import_module

    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice

    migration = import_module("homegroup.accounts.migrations.0004_encrypted_authenticator_secrets")
    plain = TOTPDevice.objects.create(user=people.pat, name="Authenticator app", last_t=7)
    migration.encrypt_secrets(apps, None)
    assert not TOTPDevice.objects.exists()
    moved = AuthenticatorDevice.objects.get(user=people.pat)
    assert (moved.key, moved.last_t, moved.confirmed) == (plain.key, 7, True)
    assert raw_secret(moved).startswith("hgenc2:")
    migration.decrypt_secrets(apps, None)
    assert TOTPDevice.objects.get(user=people.pat).key == plain.key
    assert not AuthenticatorDevice.objects.exists()


def test_the_authenticator_device_has_every_behaviour_of_django_otps_totp_device():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    borrowed = {
        name
        for name, value in vars(TOTPDevice).items()
        if not name.startswith("__") and (callable(value) or isinstance(value, property))
    } - {"DoesNotExist", "MultipleObjectsReturned"}
    missing = {name for name in borrowed if not hasattr(AuthenticatorDevice, name)}
    assert missing == set()
    assert {f.name for f in TOTPDevice._meta.concrete_fields} <= {
        f.name for f in AuthenticatorDevice._meta.concrete_fields
    }
