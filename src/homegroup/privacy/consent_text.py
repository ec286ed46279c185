"""A consent's elements (42 CFR 2.31(a)), their validation and the text the person signs.

Both are functions of a plain `ConsentTerms` value, so each element's absence is tested on its
own (tests/privacy/test_consent_elements.py) and the text is rendered the same way every time.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from homegroup.privacy import categories, rules
from homegroup.privacy.models import Purpose

TEXT_VERSION = "2026.1"
SIGNATURE_METHOD = "password"

# The elements P2-01 requires, by the name validation errors use.
ELEMENTS = (
    "patient",
    "discloser",
    "categories",
    "recipient",
    "purposes",
    "revocation",
    "expiry",
    "signature",
    "signed_at",
)

PURPOSES_BY_KIND = {
    rules.TPO: rules.TPO_PURPOSES,
    rules.SPECIFIC: frozenset({rules.PERSONAL_SUPPORT, rules.TREATMENT}),
    rules.COUNSELING_NOTES: frozenset({rules.TREATMENT}),
    rules.RESEARCH: frozenset({rules.RESEARCH_PURPOSE}),
}
EXPIRY_BY_KIND = {
    # "End of treatment" and "none" are allowed for a single TPO consent only (P2-01); a
    # counseling-notes consent may end with treatment, never run without end.
    rules.TPO: frozenset(
        {rules.EXPIRES_ON_DATE, rules.EXPIRES_AT_END_OF_TREATMENT, rules.NO_EXPIRY}
    ),
    rules.SPECIFIC: frozenset({rules.EXPIRES_ON_DATE}),
    rules.COUNSELING_NOTES: frozenset({rules.EXPIRES_ON_DATE, rules.EXPIRES_AT_END_OF_TREATMENT}),
    rules.RESEARCH: frozenset({rules.EXPIRES_ON_DATE}),
}


def revocation_statement() -> str:
    return _(
        "I may revoke this consent at any time, in writing: on my Sharing page in Homegroup, "
        "with the 'Stop sharing' button, after confirming my password. Revocation takes effect "
        "at once, except for anything already disclosed in reliance on this consent."
    )


@dataclass(frozen=True)
class ConsentTerms:
    kind: str
    patient_id: int | None
    patient_name: str
    discloser: str
    categories: frozenset[str]
    recipient_program_id: int | None
    recipient_program_name: str
    recipient_user_id: int | None
    recipient_label: str
    purposes: frozenset[str]
    revocation: str
    expiry_kind: str
    expires_at: datetime | None
    signature_method: str
    signed_at: datetime | None

    def without(self, element: str) -> ConsentTerms:
        """These terms with one element missing: what a test or a broken form produces."""
        empties: dict[str, dict[str, object]] = {
            "patient": {"patient_id": None, "patient_name": ""},
            "discloser": {"discloser": ""},
            "categories": {"categories": frozenset()},
            "recipient": {
                "recipient_program_id": None,
                "recipient_program_name": "",
                "recipient_user_id": None,
                "recipient_label": "",
            },
            "purposes": {"purposes": frozenset()},
            "revocation": {"revocation": ""},
            "expiry": {"expiry_kind": "", "expires_at": None},
            "signature": {"signature_method": ""},
            "signed_at": {"signed_at": None},
        }
        return replace(self, **empties[element])  # type: ignore[arg-type]


def problems(
    terms: ConsentTerms, *, now: datetime, recipient_bound: bool = True
) -> dict[str, list[str]]:
    """Every missing or inconsistent element, by name. Empty means the consent may activate.

    `recipient_bound=False` accepts a named recipient who has not yet redeemed their code: the
    consent is signed, but stays pending until they do.
    """
    found: dict[str, list[str]] = {}

    def add(element: str, message: str) -> None:
        found.setdefault(element, []).append(message)

    kind = terms.kind
    if kind not in PURPOSES_BY_KIND:
        add("kind", _("Choose what kind of consent this is."))
        return found
    if terms.patient_id is None or not terms.patient_name.strip():
        add("patient", _("A consent names the person whose record it releases."))
    if not terms.discloser.strip():
        add("discloser", _("A consent names who may disclose the record."))
    if not terms.categories:
        add("categories", _("Choose at least one kind of information to share."))
    elif not terms.categories <= categories.ALL:
        add("categories", _("Choose from the listed kinds of information."))
    elif kind == rules.COUNSELING_NOTES and terms.categories != {rules.COUNSELING_NOTES_CATEGORY}:
        add("categories", _("A counseling-notes consent covers counseling notes and nothing else."))
    elif kind != rules.COUNSELING_NOTES and rules.COUNSELING_NOTES_CATEGORY in terms.categories:
        add("categories", _("Counseling notes are shared only with a consent of their own."))
    has_program = terms.recipient_program_id is not None
    has_person = terms.recipient_user_id is not None or (
        not recipient_bound and bool(terms.recipient_label.strip())
    )
    if not has_program and not has_person:
        add("recipient", _("A consent names who receives the information."))
    elif kind in (rules.TPO, rules.COUNSELING_NOTES, rules.RESEARCH) and not has_program:
        add("recipient", _("This kind of consent is given to a program."))
    elif kind == rules.SPECIFIC and not has_person:
        add("recipient", _("This kind of consent names one person."))
    if has_person and not has_program and terms.categories & categories.CARE_RECORD:
        # The sessions page is the care team's record: a sponsor's or friend's view has no place
        # for it, so the form never offers it and no other way in (the API) may ask for it.
        add(
            "categories",
            _("TSF sessions and recovery tasks are shared with a program, not with one person."),
        )
    if not terms.purposes:
        add("purposes", _("A consent states what the information may be used for."))
    elif not terms.purposes <= PURPOSES_BY_KIND[kind]:
        add("purposes", _("That purpose does not fit this kind of consent."))
    if not terms.revocation.strip():
        add("revocation", _("A consent states the right to revoke it and how."))
    if terms.expiry_kind not in EXPIRY_BY_KIND[kind]:
        add("expiry", _("Choose when this consent ends."))
    elif terms.expiry_kind == rules.EXPIRES_ON_DATE and (
        terms.expires_at is None or terms.expires_at <= now
    ):
        add("expiry", _("Choose an end date in the future."))
    if terms.signature_method != SIGNATURE_METHOD:
        add("signature", _("Sign by entering your password."))
    if terms.signed_at is None:
        add("signed_at", _("A consent carries the date it was signed."))
    return found


def _recipient(terms: ConsentTerms) -> str:
    if terms.recipient_program_id is not None:
        return _(
            "the clinicians of %(program)s assigned to my care team, for as long as they are "
            "(not the program's other staff)"
        ) % {"program": terms.recipient_program_name}
    return _("%(name)s, the person who accepts this consent with the code I give them") % {
        "name": terms.recipient_label.strip()
    }


def _expiry(terms: ConsentTerms) -> str:
    if terms.expiry_kind == rules.EXPIRES_ON_DATE and terms.expires_at is not None:
        return _("at the end of %(date)s (UTC)") % {
            "date": last_day(terms.expires_at).strftime("%Y-%m-%d")
        }
    if terms.expiry_kind == rules.EXPIRES_AT_END_OF_TREATMENT:
        return _("when my treatment with the program ends (when I leave it in Homegroup)")
    return _("only when I revoke it")


def last_day(expires_at: datetime) -> datetime:
    """The day a consent runs through: it ends at midnight UTC after that day."""
    return expires_at - timedelta(microseconds=1)


def render(terms: ConsentTerms) -> str:
    """The text the person reads and signs. Deterministic: same terms, same text, same hash."""
    purposes = [label for value, label in _purpose_labels() if value in terms.purposes]
    lines = [
        _("Consent to disclose my records (42 CFR part 2)") + f" — {TEXT_VERSION}",
        "",
        _("1. Patient: %(name)s (Homegroup account %(id)s).")
        % {"name": terms.patient_name, "id": terms.patient_id},
        _("2. Who may disclose: %(discloser)s.") % {"discloser": terms.discloser},
        _("3. What may be disclosed, and nothing else: %(what)s.")
        % {"what": "; ".join(categories.label(c) for c in categories.ordered(terms.categories))},
        _("4. To whom: %(recipient)s.") % {"recipient": _recipient(terms)},
        _("5. For what purpose: %(purposes)s.") % {"purposes": ", ".join(purposes)},
        _("6. My right to revoke: %(how)s") % {"how": terms.revocation},
        _("7. This consent ends %(when)s.") % {"when": _expiry(terms)},
    ]
    if terms.kind == rules.TPO:
        lines.append(
            _(
                "8. Redisclosure: if the recipient is a HIPAA covered entity or business "
                "associate, it may further use and disclose these records as the HIPAA rules "
                "permit, except for uses and disclosures for civil, criminal, administrative or "
                "legislative proceedings against me."
            )
        )
    elif terms.kind == rules.COUNSELING_NOTES:
        lines.append(
            _(
                "8. This consent covers SUD counseling notes only. It can be combined only with "
                "another consent for counseling notes, and signing it is never a condition of "
                "my treatment."
            )
        )
    elif terms.kind == rules.RESEARCH:
        lines.append(_("8. This consent is for research only, never for my treatment."))
    else:
        lines.append(_("8. The recipient may not pass this information on to anyone else."))
    lines += [
        _(
            "9. My treatment, payment, enrolment or eligibility for benefits do not depend on "
            "whether I sign this consent."
        ),
        _("10. Signature: signed electronically by %(name)s by entering their password.")
        % {"name": terms.patient_name},
        _("Date: %(date)s")
        % {"date": terms.signed_at.strftime("%Y-%m-%d %H:%M UTC") if terms.signed_at else ""},
    ]
    return "\n".join(lines) + "\n"


def _purpose_labels() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Purpose.choices]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signature(*, person_id: int, text_sha256: str, signed_at: datetime) -> str:
    """Binds the signed text to the person and the moment, under a key kept outside the database:
    swapping the stored text afterwards no longer matches."""
    message = f"consent-signature|{person_id}|{text_sha256}|{signed_at.isoformat()}"
    return hmac.new(
        settings.HOMEGROUP_AUDIT_KEY.encode(), message.encode(), hashlib.sha256
    ).hexdigest()
