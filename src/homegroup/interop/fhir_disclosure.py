"""A disclosure as a FHIR R4B bundle: what the gate let through, labelled and with its notice.

The person's own bundle (`interop.fhir`) is built from `journal.export.gather`; this one from
`journal.disclosed.gather`, which already holds nothing the disclosure withholds. The builder
here is the same builder with a category filter on top (defence in depth): each resource kind
belongs to one data category, and a kind this module does not know is left out (deny by
default), so a resource added to the person's own bundle later never leaks into a disclosure.

Every artifact of a disclosure carries (P2-07, P2-15):

- a **Basic** resource with the §2.32 notice and the scope summary as its narrative, and a
  **Consent** resource per consent the disclosure rests on (LOINC 64292-6, policy
  `42CFRPart2`, its purposes and period), its narrative the notice too;
- the security labels on the bundle and on every resource: confidentiality ``R``, policy
  ``42CFRPart2``, sensitivity ``SUD``, handling ``NORDSCLCD``;
- SUD counseling notes, only when a counseling-notes consent released them (P2-03), as
  **DocumentReference** resources labelled confidentiality ``V`` and ``PSYTHPN``; the bundle
  then carries ``V`` (its highest confidentiality).
"""

from __future__ import annotations

import base64
import html
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.basic import Basic
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.relatedperson import RelatedPerson
from fhir.resources.R4B.resource import Resource

from homegroup.interop.fhir import ACT_CODE, BASE, CONFIDENTIALITY, SECURITY_LABELS, _Builder
from homegroup.journal.export import JournalData
from homegroup.privacy import rules
from homegroup.privacy.categories import Category
from homegroup.privacy.gate import Disclosure

if TYPE_CHECKING:
    from homegroup.care.models import CounselingNote

DISCLOSURE_SYSTEM = f"{BASE}/CodeSystem/disclosure"
LOINC = "http://loinc.org"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
XHTML = "http://www.w3.org/1999/xhtml"
_NAMESPACE = uuid.UUID("0b7a3f5e-52a1-4c39-8d0e-8f1f3c7a9e21")

CATEGORY_OF_OBSERVATION = {
    "meetings": Category.MEETINGS_AND_ACTIVITIES.value,
    "activities": Category.MEETINGS_AND_ACTIVITIES.value,
    "use": Category.SUBSTANCE_USE.value,
    "craving": Category.CHECK_INS.value,
    "mood": Category.CHECK_INS.value,
    "bam-use": Category.MEASURES.value,
    "bam-risk": Category.MEASURES.value,
    "bam-protective": Category.MEASURES.value,
}
CATEGORY_OF_RESOURCE: dict[type[Resource], str | None] = {
    Patient: None,  # the subject of every disclosure
    MedicationStatement: Category.MEDICATION.value,
    QuestionnaireResponse: Category.MEASURES.value,
    # The sponsor comes from the 12-step life (meetings and activities), initials only.
    RelatedPerson: Category.MEETINGS_AND_ACTIVITIES.value,
}
PURPOSE_CODES = {
    rules.TREATMENT: "TREAT",
    rules.PAYMENT: "HPAYMT",
    rules.OPERATIONS: "HOPERAT",
}
NOTE_LABELS: tuple[dict[str, str], ...] = (
    {"system": CONFIDENTIALITY, "code": "V", "display": "very restricted"},
    *(label for label in SECURITY_LABELS if label["system"] != CONFIDENTIALITY),
    {
        "system": ACT_CODE,
        "code": "PSYTHPN",
        "display": "psychotherapy note information sensitivity",
    },
)


def _meta(labels: Iterable[dict[str, str]]) -> dict[str, Any]:
    return {"security": [dict(label) for label in labels]}


def _narrative(*paragraphs: str) -> dict[str, str]:
    body = "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs if text)
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


class _DisclosedBuilder(_Builder):
    """The person's bundle builder, refusing any resource the disclosure does not allow."""

    def __init__(self, data: JournalData, disclosure: Disclosure) -> None:
        super().__init__(data)
        self.disclosure = disclosure

    def observation(
        self, kind: str, key: object, code: str, category: str, effective: str, **fields: Any
    ) -> str:
        wanted = CATEGORY_OF_OBSERVATION.get(kind)
        if wanted is None or not self.disclosure.allows(wanted):
            return ""
        return super().observation(kind, key, code, category, effective, **fields)

    def add(self, model: type[Resource], kind: str, key: object, fields: dict[str, Any]) -> str:
        if model is not Observation:  # observations were checked in `observation`
            if model not in CATEGORY_OF_RESOURCE:
                return ""
            wanted = CATEGORY_OF_RESOURCE[model]
            if wanted is not None and not self.disclosure.allows(wanted):
                return ""
        return super().add(model, kind, key, fields)

    def add_labelled(
        self,
        model: type[Resource],
        kind: str,
        key: object,
        fields: dict[str, Any],
        labels: Iterable[dict[str, str]] = SECURITY_LABELS,
    ) -> str:
        resource = model.model_validate(
            {"id": self._id(kind, key), "meta": _meta(labels), **fields}
        )
        url = self._url(kind, key)
        self.entries.append({"fullUrl": url, "resource": resource})
        return url

    # --- what travels with every disclosure (P2-07) ------------------------------------------

    def notice(self) -> None:
        self.add_labelled(
            Basic,
            "Basic",
            "part2-notice",
            {
                "code": {
                    "coding": [
                        {
                            "system": DISCLOSURE_SYSTEM,
                            "code": "part2-notice",
                            "display": "42 CFR 2.32 notice accompanying a disclosure",
                        }
                    ]
                },
                "subject": self.patient_ref,
                "text": _narrative(self.disclosure.notice, self.disclosure.scope_summary),
            },
        )

    def consents(self) -> None:
        for consent in self.disclosure.consents:
            provision: dict[str, Any] = {"type": "permit"}
            period = {"start": consent.activated_at or consent.signed_at}
            if consent.expires_at is not None:
                period["end"] = consent.expires_at
            provision["period"] = {key: value.isoformat() for key, value in period.items()}
            purposes = [
                {"system": ACT_REASON, "code": PURPOSE_CODES[purpose]}
                for purpose in sorted(consent.purposes)
                if purpose in PURPOSE_CODES
            ]
            if purposes:
                provision["purpose"] = purposes
            self.add_labelled(
                FhirConsent,
                "Consent",
                consent.pk,
                {
                    "status": "active",
                    "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": LOINC,
                                    "code": "64292-6",
                                    "display": "Release of information consent",
                                }
                            ]
                        }
                    ],
                    "patient": self.patient_ref,
                    "dateTime": consent.signed_at.isoformat(),
                    "policyRule": {"coding": [{"system": ACT_CODE, "code": "42CFRPart2"}]},
                    "provision": provision,
                    "text": _narrative(self.disclosure.notice, self.disclosure.scope_summary),
                },
            )

    def counseling_notes(self, notes: Iterable[CounselingNote]) -> int:
        added = 0
        for note in notes:
            body = str(note.body).encode("utf-8")
            self.add_labelled(
                DocumentReference,
                "DocumentReference",
                f"counseling-{note.pk}",
                {
                    "status": "current",
                    "type": {
                        "coding": [
                            {
                                "system": DISCLOSURE_SYSTEM,
                                "code": "counseling-note",
                                "display": "SUD counseling note (42 CFR 2.11)",
                            }
                        ]
                    },
                    "subject": self.patient_ref,
                    "date": note.created_at.isoformat(),
                    "author": [{"display": note.author.display_name}],
                    "context": {"period": {"start": note.session_date.isoformat()}},
                    "content": [
                        {
                            "attachment": {
                                "contentType": "text/plain; charset=utf-8",
                                "data": base64.b64encode(body).decode("ascii"),
                            }
                        }
                    ],
                },
                labels=NOTE_LABELS,
            )
            added += 1
        return added


def disclosure_bundle(
    data: JournalData, disclosure: Disclosure, *, counseling_notes: Iterable[CounselingNote] = ()
) -> Bundle:
    """The disclosed part of the journal as a validated R4B collection bundle.

    `counseling_notes` must come from `CounselingNote.objects.disclosed(disclosure)`; they are
    left out unless the disclosure allows the category whatever the caller passes."""
    if not disclosure.allowed or disclosure.basis == rules.SELF:
        raise ValueError("not a disclosure to someone else")
    builder = _DisclosedBuilder(data, disclosure)
    builder.patient()
    builder.notice()
    builder.consents()
    medication = disclosure.allows(Category.MEDICATION.value)
    plan_urls = {plan.pk: builder.plan(plan) for plan in data.plans} if medication else {}
    for day in data.check_ins:
        builder.check_in(day)
    if medication:
        builder.doses(plan_urls)
    builder.responses()
    builder.sponsor()
    notes = 0
    if disclosure.allows(Category.COUNSELING_NOTES.value):
        notes = builder.counseling_notes(counseling_notes)
    labels = NOTE_LABELS if notes else SECURITY_LABELS
    key = f"{disclosure.person_id}/{disclosure.viewer_id}/{data.exported_at.isoformat()}"
    return Bundle.model_validate(
        {
            "id": str(uuid.uuid5(_NAMESPACE, key)),
            "meta": _meta(labels),
            "type": "collection",
            "timestamp": data.exported_at.isoformat(),
            "entry": builder.entries,
        }
    )


def disclosure_json(
    data: JournalData, disclosure: Disclosure, *, counseling_notes: Iterable[CounselingNote] = ()
) -> str:
    bundle = disclosure_bundle(data, disclosure, counseling_notes=counseling_notes)
    return bundle.model_dump_json(exclude_none=True)
