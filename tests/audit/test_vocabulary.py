"""audit.vocabulary.AuditAction: the one list of what an audit event may name, each with its
plain words; audit.record takes nothing else, and the person's audit page shows the words."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from homegroup.audit import actions as audit
from homegroup.audit.models import AuditEvent
from homegroup.audit.vocabulary import DESCRIPTIONS, AuditAction
from homegroup.journal.views.data import AUDIT_PAGE_SIZE

pytestmark = pytest.mark.django_db


def test_every_action_has_its_words_and_no_words_lack_an_action():
    assert set(DESCRIPTIONS) == set(AuditAction)
    assert all(str(DESCRIPTIONS[action]).strip() for action in AuditAction)


def test_an_action_outside_the_vocabulary_is_refused_and_nothing_is_stored():
    with pytest.raises(ValueError, match=r"journal\.peeked"):
        audit.record(action="journal.peeked", actor_id=1)  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()


def test_the_persons_audit_page_shows_words_never_codes(people, client_for):
    for action in AuditAction:
        audit.record(action=action, actor_id=people.max.pk, subject_id=people.ana.pk)
    client = client_for(people.ana)
    pages = len(AuditAction) // AUDIT_PAGE_SIZE + 1
    html = "".join(
        client.get(f"/journal/audit/?page={page}").content.decode() for page in range(1, pages + 1)
    )
    shown = re.sub(r"<[^>]+>", " ", html)
    codes = [action.value for action in AuditAction if action.value in shown]
    assert codes == []
    missing = [
        action
        for action in AuditAction
        if action != AuditAction.JOURNAL_READ and escape(action.description) not in html
    ]
    assert missing == []


def test_a_row_with_a_code_no_longer_recorded_reads_in_general_words(people, client_for):
    # Rows written before a code was retired stay as they are: the log is append-only.
    audit.append(
        AuditEvent(
            occurred_at=timezone.now(),
            actor_id=people.ana.pk,
            subject_id=people.ana.pk,
            action="journal.retired_verb",
            outcome="success",
        )
    )
    html = client_for(people.ana).get("/journal/audit/").content.decode()
    assert "journal.retired_verb" not in html
    assert "did something with your record" in html
