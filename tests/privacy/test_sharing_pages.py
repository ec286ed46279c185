"""The person's sharing page and flows: share with the program, with Sam by a code, revoke,
join a program, restrictions; signature by password; throttling (A-03); no email content."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homegroup.accounts import throttle
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import actions, gate, rules
from homegroup.privacy.models import Channel, Consent, Enrolment, Restriction
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db

SHARING = "/privacy/sharing/"


def program_form(people, **changes):
    data = {
        "program": people.program.pk,
        "kind": "tpo",
        "categories": [
            "check_ins",
            "meetings_and_activities",
            "recovery_time",
            "medication",
            "substance_use",
            "network",
            "measures",
        ],
        "expiry_kind": "end_of_treatment",
        "expires_on": "",
        "password": PASSWORD,
    }
    return {**data, **changes}


def supporter_form(**changes):
    data = {
        "recipient_label": "Sam, my sponsor",
        "categories": ["meetings_and_activities", "recovery_time"],
        "expires_on": (timezone.now() + timedelta(days=60)).date().isoformat(),
        "password": PASSWORD,
    }
    return {**data, **changes}


def test_ana_shares_her_record_but_the_private_notes_with_her_program(client_for, people):
    ana = client_for(people.ana)
    form = ana.get(reverse("privacy:share-with-program"))
    assert form.status_code == 200
    response = ana.post(reverse("privacy:share-with-program"), program_form(people))
    consent = Consent.objects.get()
    assert response["Location"] == reverse("privacy:consent", args=[consent.pk])
    assert consent.recipient_program == people.program
    assert consent.status() == "active"
    disclosure = gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested={"medication", "private_notes"},
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    assert disclosure.allowed_categories == {"medication"}
    page = ana.get(reverse("privacy:consent", args=[consent.pk])).content.decode()
    assert consent.text_sha256 in page
    assert "The stored text matches it." in page


def test_private_notes_are_never_ticked_by_default(client_for, people):
    ana = client_for(people.ana)
    for name in ("privacy:share-with-program", "privacy:share-with-supporter"):
        body = ana.get(reverse(name)).content.decode()
        box = re.search(r'<input[^>]*value="private_notes"[^>]*>', body)[0]
        assert "checked" not in box
        meetings = re.search(r'<input[^>]*value="meetings_and_activities"[^>]*>', body)[0]
        assert "checked" in meetings


def test_a_wrong_password_signs_nothing_and_answers_400(client_for, people):
    ana = client_for(people.ana)
    response = ana.post(
        reverse("privacy:share-with-program"), program_form(people, password="nope nope nope")
    )
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert not Consent.objects.exists()


def test_a_missing_element_is_explained_beside_its_field(client_for, people):
    ana = client_for(people.ana)
    response = ana.post(
        reverse("privacy:share-with-program"),
        program_form(people, categories=[], expiry_kind="date", expires_on=""),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one kind of information to share." in body
    assert "Choose an end date in the future." in body


def test_ben_must_join_a_program_before_sharing_with_one(client_for, people):
    body = client_for(people.ben).get(reverse("privacy:share-with-program")).content.decode()
    assert "First join your program" in body


def test_ana_shares_with_sam_by_a_code_she_gives_him_and_no_email_is_sent(client_for, people):
    ana = client_for(people.ana)
    response = ana.post(reverse("privacy:share-with-supporter"), supporter_form())
    assert response.status_code == 200
    code = re.search(r'id="share-code">([A-Z0-9-]+)<', response.content.decode())[1]
    assert mail.outbox == []
    consent = Consent.objects.get()
    assert consent.status() == "pending"
    assert code not in (consent.share_code_hash or "")
    sam = client_for(people.sam)
    assert (
        "Nobody shares anything with you yet."
        in sam.get("/privacy/shared-with-me/").content.decode()
    )
    accepted = sam.post("/privacy/shared-with-me/", {"code": code.lower()})
    assert accepted.status_code == 302
    listing = sam.get("/privacy/shared-with-me/").content.decode()
    assert "Ana" in listing
    assert "Meetings and 12-step activities" in listing
    assert "Medication" not in listing
    consent.refresh_from_db()
    assert (consent.recipient_user, consent.status()) == (people.sam, "active")
    again = client_for(people.ben).post("/privacy/shared-with-me/", {"code": code})
    assert again.status_code == 400  # single use


def test_a_person_cannot_accept_their_own_sharing_code(client_for, people):
    ana = client_for(people.ana)
    response = ana.post(reverse("privacy:share-with-supporter"), supporter_form())
    code = re.search(r'id="share-code">([A-Z0-9-]+)<', response.content.decode())[1]
    assert ana.post("/privacy/shared-with-me/", {"code": code}).status_code == 400


def test_the_sharing_page_shows_who_sees_what_until_when_with_a_stop_button(client_for, people):
    story = share_as_in_the_story(people)
    body = client_for(people.ana).get(SHARING).content.decode()
    assert "Your care team at Eastside Recovery Program" in body
    assert "Sam, my sponsor (Sam)" in body
    until = story.sam_consent.expires_at - timedelta(days=1)
    assert f"Until {until:%-d %b %Y}" in body
    assert "Until your treatment ends" in body
    assert reverse("privacy:revoke", args=[story.sam_consent.pk]) in body
    assert reverse("privacy:revoke", args=[story.program_consent.pk]) in body


def test_the_sharing_page_makes_a_constant_number_of_queries(
    client_for, people, django_assert_max_num_queries
):
    share_as_in_the_story(people)
    for _ in range(5):
        actions.request_restriction(person=people.ana, categories_restricted={"network"})
    ana = client_for(people.ana)
    with django_assert_max_num_queries(14):
        assert ana.get(SHARING).status_code == 200


def test_ana_revokes_sams_share_from_the_page(client_for, people):
    story = share_as_in_the_story(people)
    ana = client_for(people.ana)
    path = reverse("privacy:revoke", args=[story.sam_consent.pk])
    assert "Sam, my sponsor" in ana.get(path).content.decode()
    assert ana.post(path, {"attested": "on"})["Location"] == SHARING
    story.sam_consent.refresh_from_db()
    assert story.sam_consent.revoked_at is not None
    story.program_consent.refresh_from_db()
    assert story.program_consent.revoked_at is None


def test_ben_joins_a_program_with_the_code_it_gave_him(client_for, people):
    code = actions.issue_enrolment_code(program=people.program, by=people.pat).code
    ben = client_for(people.ben)
    assert ben.post("/privacy/sharing/join/", {"code": "WRONG-CODE"}).status_code == 400
    assert (
        ben.post("/privacy/sharing/join/", {"code": code.lower().replace("-", " ")}).status_code
        == 302
    )
    assert Enrolment.objects.current().filter(person=people.ben, program=people.program).exists()
    assert client_for(people.ana).post("/privacy/sharing/join/", {"code": code}).status_code == 400


def test_ana_leaves_her_program(client_for, people):
    enrolment = people.ana.enrolments.get()
    response = client_for(people.ana).post(f"/privacy/sharing/programs/{enrolment.pk}/leave/")
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.ended_at is not None
    assert not people.ana.care_team.current().exists()


def test_P2_09_ana_asks_that_her_medication_never_reaches_cora(client_for, people):
    share_as_in_the_story(people)
    ana = client_for(people.ana)
    choice = f"user:{people.cora.pk}"
    assert choice in ana.get(SHARING).content.decode()
    response = ana.post(
        "/privacy/sharing/restrictions/", {"categories": ["medication"], "recipient": choice}
    )
    assert response.status_code == 302
    restriction = Restriction.objects.get()
    assert restriction.recipient_user == people.cora
    disclosure = gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested={"medication", "check_ins"},
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    assert disclosure.allowed_categories == {"check_ins"}
    lift = ana.post(f"/privacy/sharing/restrictions/{restriction.pk}/withdraw/")
    assert lift.status_code == 302


def test_A_03_five_wrong_signature_passwords_then_signing_answers_429(client_for, people):
    ana = client_for(people.ana)
    for _ in range(throttle.SIGNING_FAILURES):
        response = ana.post(
            reverse("privacy:share-with-program"), program_form(people, password="x")
        )
        assert response.status_code == 400
    blocked = ana.post(reverse("privacy:share-with-program"), program_form(people))
    assert blocked.status_code == 429
    assert not Consent.objects.exists()
    failures = AuditEvent.objects.filter(action="privacy.consent_signed", outcome=Outcome.FAILURE)
    assert failures.count() == throttle.SIGNING_FAILURES


def test_A_03_a_burst_of_signatures_answers_429(client_for, people):
    ana = client_for(people.ana)
    for _ in range(throttle.SIGNING_BURST):
        ana.post(reverse("privacy:share-with-supporter"), supporter_form())
    assert ana.post(reverse("privacy:share-with-supporter"), supporter_form()).status_code == 429


def test_A_03_guessing_sharing_codes_answers_429(client_for, people):
    sam = client_for(people.sam)
    for _ in range(throttle.CODE_FAILURES):
        assert sam.post("/privacy/shared-with-me/", {"code": "GUESS"}).status_code == 400
    assert sam.post("/privacy/shared-with-me/", {"code": "GUESS"}).status_code == 429


def test_the_api_the_pages_and_the_gate_give_one_status_for_each_consent(client_for, people):
    story = share_as_in_the_story(people)
    pending = actions.sign_consent(
        person=people.ana,
        kind="specific",
        categories_chosen={"recovery_time"},
        purposes={"personal_support"},
        expiry_kind="date",
        expires_on=(timezone.now() + timedelta(days=30)).date(),
        password=PASSWORD,
        recipient_label="Rae",
    ).consent
    ana = client_for(people.ana)
    ana.post(reverse("privacy:leave-program", args=[people.ana.enrolments.get().pk]))
    expected = {story.program_consent.pk: "expired", story.sam_consent.pk: "active"}
    expected[pending.pk] = "pending"
    from_api = {row["id"]: row["status"] for row in ana.get("/api/v1/me/consents").json()}
    assert from_api == expected
    labels = {"expired": "Ended", "active": "Active", "pending": "Waiting for the recipient"}
    for consent_id, status in expected.items():
        page = ana.get(reverse("privacy:consent", args=[consent_id])).content.decode()
        assert re.search(rf'class="status">{labels[status]}\b', page), (consent_id, status)
    assert not gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested={"medication"},
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    ).allowed
