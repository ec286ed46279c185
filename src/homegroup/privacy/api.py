"""A person's own sharing and accounting, for apps: what they consented to, who saw what."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from homegroup.accounts.models import User
from homegroup.api_schemas import invalid, responses
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.privacy import accounting
from homegroup.privacy.models import Consent

router = Router(tags=["privacy"])


class ConsentOut(Schema):
    id: int
    kind: str
    status: str
    categories: list[str]
    purposes: list[str]
    recipient_type: str
    recipient_name: str
    signed_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    text_version: str
    text_sha256: str


class DisclosureOut(Schema):
    occurred_at: datetime
    recipient: str
    program: str
    categories: list[str]
    purpose: str
    basis: str
    consent_id: int | None
    channel: str


class Window(Schema):
    start: date | None = Field(None, alias="from", description="First day (YYYY-MM-DD).")
    end: date | None = Field(None, alias="to", description="Last day (YYYY-MM-DD).")


@router.get(
    "/me/consents", response=responses(list[ConsentOut]), summary="My consents: who may see what"
)
def my_consents(request: HttpRequest) -> list[ConsentOut]:
    user: User = request.user  # type: ignore[assignment]
    consents = (
        Consent.objects.given_by(user)
        .with_treatment()
        .select_related("recipient_program", "recipient_user")
    )
    audit.record(action=AuditAction.PRIVACY_SHARING_VIEWED, actor_id=user.pk, subject_id=user.pk)
    now = timezone.now()
    return [
        ConsentOut(
            id=c.pk,
            kind=c.kind,
            status=c.status(now=now),
            categories=list(c.categories),
            purposes=list(c.purposes),
            recipient_type="program" if c.recipient_program_id else "person",
            recipient_name=(c.recipient_program.name if c.recipient_program else c.recipient_label),
            signed_at=c.signed_at,
            expires_at=c.expires_at,
            revoked_at=c.revoked_at,
            text_version=c.text_version,
            text_sha256=c.text_sha256,
        )
        for c in consents
    ]


@router.get(
    "/me/disclosures",
    response=responses(list[DisclosureOut]),
    summary="My accounting of disclosures for a window of up to 3 years (from, to: dates)",
)
def my_disclosures(request: HttpRequest, window: Query[Window]) -> list[DisclosureOut]:
    user: User = request.user  # type: ignore[assignment]
    try:
        start, end = accounting.window(window.start, window.end, today=timezone.now().date())
    except DjangoValidationError as error:
        raise invalid(error, where="query", field="from") from None
    rows, _truncated = accounting.entries(person_id=user.pk, start=start, end=end)
    audit.record(action=AuditAction.PRIVACY_ACCOUNTING_VIEWED, actor_id=user.pk, subject_id=user.pk)
    return [
        DisclosureOut(
            occurred_at=row.occurred_at,
            recipient=row.recipient,
            program=row.program,
            categories=row.what,
            purpose=row.purpose,
            basis=row.basis,
            consent_id=row.consent_id,
            channel=row.channel,
        )
        for row in rows
    ]
