"""A-07, A-08, A-11: headers on every kind of new page; no person data in the logs."""

import logging

import pytest
from django.urls import reverse

from homegroup.privacy import actions, gate, rules
from homegroup.privacy.models import Channel
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


PAGE_KINDS = [
    ("ana", "/privacy/sharing/", 200),  # a person's own page
    ("ana", "/privacy/accounting/", 200),  # a list of disclosures
    ("ana", "/privacy/sharing/program/", 200),  # a signing form
    ("sam", "/privacy/shared-with-me/", 200),  # a sponsor's page
    ("pat", "/privacy/program/", 200),  # an admin page
    ("pat", "/privacy/program/reviews/", 200),
    ("dev", "/privacy/break-glass/{ana}/", 200),  # a clinician's emergency page
    ("ana", "/accounts/two-factor/enrol/", 200),  # the second-factor page
    ("ana", "/api/v1/me/consents", 200),  # the API
    ("ana", "/api/v1/me/disclosures", 200),
]


@pytest.mark.parametrize(("who", "path", "status"), PAGE_KINDS)
def test_A_07_A_08_every_new_page_kind_sends_the_headers_and_is_never_cached(
    client_for, people, who, path, status
):
    response = client_for(getattr(people, who)).get(path.format(ana=people.ana.pk))
    assert response.status_code == status
    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_A_07_a_staff_member_before_the_second_factor_gets_the_headers_too(client_for, people):
    response = client_for(people.cora, verified=False).get("/accounts/two-factor/enrol/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_A_07_the_throttled_answer_sends_the_headers(client_for, people):
    sam = client_for(people.sam)
    for _ in range(11):
        response = sam.post("/privacy/shared-with-me/", {"code": "GUESS"})
    assert response.status_code == 429
    assert_security_headers(response)


CANARY_NAME = "Zebulon-Canary-7731"
CANARY_LABEL = "Quokka-Canary-4482, my sponsor"
CANARY_REASON = "Narwhal-Canary-9120 collapsed in the waiting room and needs care now."


def test_A_11_no_person_data_reaches_the_logs(client_for, people, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    actions_client = client_for(people.ana)
    actions_client.post(
        reverse("accounts:account"), {"display_name": CANARY_NAME}
    )  # the person's name
    actions_client.post(
        reverse("privacy:share-with-supporter"),
        {
            "recipient_label": CANARY_LABEL,
            "categories": ["recovery_time"],
            "expires_on": "2099-01-01",
            "password": PASSWORD,
        },
    )
    actions_client.post(
        reverse("privacy:share-with-supporter"),
        {"recipient_label": CANARY_LABEL, "categories": [], "password": "wrong"},
    )  # a refused form logs nothing of it either
    share_as_in_the_story(people)
    client_for(people.dev).post(
        f"/privacy/break-glass/{people.ana.pk}/", {"reason": CANARY_REASON, "attested": "on"}
    )
    gate.disclose(
        viewer=people.dev,
        person=people.ana,
        categories_requested={"medication"},
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    # A failure inside the gate is logged even when its message quotes the record.
    real_decide = gate.rules.decide

    def failing(**kwargs):
        raise ValueError(f"{CANARY_NAME} takes buprenorphine")

    monkeypatch.setattr(gate.rules, "decide", failing)
    gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested={"medication"},
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    monkeypatch.setattr(gate.rules, "decide", real_decide)
    client_for(people.ana).get("/privacy/sharing/")
    client_for(people.ana).get("/privacy/accounting/")
    actions.request_restriction(person=people.ana, categories_restricted={"network"})
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, 'exc_text', '')}"
        for record in caplog.records
    )
    assert caplog.records, "the canary test must see some log output to mean anything"
    assert "disclosure gate failed closed (ValueError)" in logged
    for canary in (CANARY_NAME, "Quokka-Canary", "Narwhal-Canary", PASSWORD, people.ana.email):
        assert canary not in logged
