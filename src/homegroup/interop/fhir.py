"""A person's own journal as a FHIR R4B bundle (type "collection"), for them to take elsewhere.

Built from `journal.export.gather` (the same read as the JSON and CSV downloads) with the
`fhir.resources.R4B` models: constructing each model validates its structure; the codes are
checked here against the small vocabularies below, since the library checks no terminology
(reference/privacy-security.md, FHIR).

- **Patient**: the display name only.
- **Observation** per checked-in day and fact, coded in a local CodeSystem (no standard concept
  exists for these): meetings attended (with in-person/online counts), 12-step activities,
  substance use (only when the use question was answered: a day without an answer is simply
  absent, never "no use"), craving (0-10) and mood (1-5). A day filled in afterwards says so in
  ``method``.
- **MedicationStatement** for each medication of the plan (RxNorm ingredient codes) and for each
  self-reported dose (``completed`` or ``not-taken``, ``partOf`` the plan's statement).
- **QuestionnaireResponse** per questionnaire (raw answers by item key), and for the BAM an
  **Observation** per composite (Use, Risk, Protective) ``derivedFrom`` it, with the VA flag as
  an interpretation.
- **RelatedPerson** for the sponsor: initials only.

Every resource, and the bundle, carries the security labels of P2-15: confidentiality ``R``,
policy ``42CFRPart2``, sensitivity ``SUD``, handling ``NORDSCLCD``. The person's private notes
are left out: this file is meant for health systems, and the JSON and CSV downloads hold them.
Resource ids are UUIDs derived from the rows, so the same journal gives the same ids.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.relatedperson import RelatedPerson
from fhir.resources.R4B.resource import Resource

from homegroup.journal.export import JournalData
from homegroup.journal.models import CheckIn, MedicationPlan
from homegroup.measures import bam

CONTENT_TYPE = "application/fhir+json"
# A local CodeSystem: no standard code exists for 12-step attendance, activities, the journal's
# use answers or the BAM composites (reference/privacy-security.md, FHIR).
BASE = "http://homegroup.example.org/fhir"
JOURNAL_SYSTEM = f"{BASE}/CodeSystem/journal"
SUBSTANCE_SYSTEM = f"{BASE}/CodeSystem/substance"
ACTIVITY_SYSTEM = f"{BASE}/CodeSystem/twelve-step-activity"
QUESTIONNAIRE_BASE = f"{BASE}/Questionnaire"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
STATEMENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/medication-statement-category"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

# P2-15, on every resource and on the bundle.
SECURITY_LABELS: tuple[dict[str, str], ...] = (
    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
    {
        "system": ACT_CODE,
        "code": "SUD",
        "display": "substance use disorder information sensitivity",
    },
    {
        "system": ACT_CODE,
        "code": "NORDSCLCD",
        "display": "no redisclosure without consent directive",
    },
)

VOCABULARY: dict[str, dict[str, str]] = {
    JOURNAL_SYSTEM: {
        "meetings-attended": "12-step or mutual-help meetings attended that day",
        "meetings-in-person": "Meetings attended in person",
        "meetings-online": "Meetings attended online",
        "twelve-step-activities": "12-step activities that day",
        "step-worked": "Step worked on",
        "substance-use": "Alcohol or drug use that day (self-report)",
        "no-use": "No use",
        "use": "Used",
        "substance": "Substance used",
        "drinks": "Drinks",
        "misused-medication": "A prescribed medication taken other than prescribed",
        "craving": "Craving, 0 (none) to 10 (the strongest)",
        "mood": "Mood, 1 (very low) to 5 (very good)",
        "bam-use": "BAM Use composite (items 4+5+6, 0-12)",
        "bam-risk": "BAM Risk composite (items 1+2+3+8+11+15, 0-24)",
        "bam-protective": "BAM Protective composite (items 9+10+12+13+14+16, 0-24)",
        "sponsor": "12-step sponsor",
    },
    ACTIVITY_SYSTEM: {
        "service": "Service",
        "talked-with-sponsor": "Talked with my sponsor",
        "sponsored-someone": "Sponsored someone",
        "step-work": "Step work",
        "literature": "Read literature",
        "shared": "Shared or spoke at a meeting",
        "helped-member": "Helped another member",
        "fellowship-time": "Fellowship time",
    },
    SUBSTANCE_SYSTEM: {
        "alcohol": "Alcohol",
        "opioids": "Opioids",
        "cannabis": "Cannabis",
        "sedatives": "Sedatives or tranquilizers",
        "cocaine": "Cocaine or crack",
        "stimulants": "Other stimulants",
        "inhalants": "Inhalants",
        "other": "Other drug",
        "methadone": "Methadone",
        "buprenorphine": "Buprenorphine",
        "naltrexone": "Naltrexone",
    },
    # RxNorm ingredients.
    RXNORM: {"6813": "methadone", "1819": "buprenorphine", "7243": "naltrexone"},
    OBSERVATION_CATEGORY: {
        "social-history": "Social History",
        "activity": "Activity",
        "survey": "Survey",
    },
    INTERPRETATION: {"H": "High", "L": "Low"},
    STATEMENT_CATEGORY: {"patientspecified": "Patient Specified"},
}
RXNORM_OF = {"methadone": "6813", "buprenorphine": "1819", "naltrexone": "7243"}
DAY_CODES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # index = our day (0 = Sunday)
# The check-in's activity fields, and their codes.
ACTIVITIES = {name.replace("-", "_"): name for name in VOCABULARY[ACTIVITY_SYSTEM]}
_NAMESPACE = uuid.UUID("6f1d8a52-3b4e-5c1a-9a57-0d6f2e9b7c11")


class UnknownCode(ValueError):
    pass


def coding(system: str, code: str) -> dict[str, str]:
    """A Coding from our vocabularies: an unknown code is a bug, caught before anything ships."""
    try:
        display = VOCABULARY[system][code]
    except KeyError:
        raise UnknownCode(f"{code!r} is not in {system}") from None
    return {"system": system, "code": code, "display": display}


def concept(system: str, code: str) -> dict[str, Any]:
    return {"coding": [coding(system, code)]}


def _meta() -> dict[str, Any]:
    return {"security": [dict(label) for label in SECURITY_LABELS]}


class _Builder:
    def __init__(self, data: JournalData) -> None:
        self.data = data
        self.entries: list[dict[str, Any]] = []
        self.raw: list[dict[str, Any]] = []
        self.patient_ref = {"reference": self._url("Patient", data.person.pk)}

    def _id(self, kind: str, key: object) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.data.person.pk}/{kind}/{key}"))

    def _url(self, kind: str, key: object) -> str:
        return f"urn:uuid:{self._id(kind, key)}"

    def add(self, model: type[Resource], kind: str, key: object, fields: dict[str, Any]) -> str:
        raw: dict[str, Any] = {"resourceType": model.get_resource_type(), "id": self._id(kind, key)}
        raw |= {"meta": _meta(), **fields}
        # Constructing the model is the validation; the plain dict is kept to write the file,
        # because the library's own serialiser is several times slower than the json module.
        resource = model.model_validate({k: v for k, v in raw.items() if k != "resourceType"})
        url = self._url(kind, key)
        self.entries.append({"fullUrl": url, "resource": resource})
        self.raw.append({"fullUrl": url, "resource": raw})
        return url

    def observation(
        self, kind: str, key: object, code: str, category: str, effective: str, **fields: Any
    ) -> str:
        return self.add(
            Observation,
            kind,
            key,
            {
                "status": "final",
                "category": [concept(OBSERVATION_CATEGORY, category)],
                "code": concept(JOURNAL_SYSTEM, code),
                "subject": self.patient_ref,
                "effectiveDateTime": effective,
                **fields,
            },
        )

    # --- resources ---------------------------------------------------------------------------

    def patient(self) -> None:
        person = self.data.person
        self.add(Patient, "Patient", person.pk, {"name": [{"text": person.display_name}]})

    def check_in(self, day: CheckIn) -> None:
        effective = day.date.isoformat()
        extra: dict[str, Any] = {}
        if day.retrospective:
            extra["method"] = {"text": "Filled in afterwards (calendar recall)"}
        attended = list(day.meetings.all())
        in_person = sum(1 for m in attended if m.attendance == "in_person")
        self.observation(
            "meetings",
            day.pk,
            "meetings-attended",
            "activity",
            effective,
            valueInteger=len(attended),
            component=[
                {"code": concept(JOURNAL_SYSTEM, "meetings-in-person"), "valueInteger": in_person},
                {
                    "code": concept(JOURNAL_SYSTEM, "meetings-online"),
                    "valueInteger": len(attended) - in_person,
                },
            ],
            **extra,
        )
        done = [name for name in ACTIVITIES if getattr(day, name)]
        if done or day.step_worked:
            components: list[dict[str, Any]] = [
                {"code": concept(ACTIVITY_SYSTEM, ACTIVITIES[name]), "valueBoolean": True}
                for name in done
            ]
            if day.step_worked:
                components.append(
                    {
                        "code": concept(JOURNAL_SYSTEM, "step-worked"),
                        "valueInteger": day.step_worked,
                    }
                )
            self.observation(
                "activities",
                day.pk,
                "twelve-step-activities",
                "activity",
                effective,
                valueInteger=len(done),
                component=components,
                **extra,
            )
        if day.use_status:
            used = day.use_status == "used"
            components = [
                {
                    "code": concept(JOURNAL_SYSTEM, "substance"),
                    "valueCodeableConcept": concept(SUBSTANCE_SYSTEM, substance),
                }
                for substance in sorted(day.substances or [])
            ]
            if day.drinks is not None:
                components.append(
                    {"code": concept(JOURNAL_SYSTEM, "drinks"), "valueInteger": day.drinks}
                )
            if day.misused_medication:
                components.append(
                    {
                        "code": concept(JOURNAL_SYSTEM, "misused-medication"),
                        "valueCodeableConcept": concept(SUBSTANCE_SYSTEM, day.misused_medication),
                    }
                )
            self.observation(
                "use",
                day.pk,
                "substance-use",
                "social-history",
                effective,
                valueCodeableConcept=concept(JOURNAL_SYSTEM, "use" if used else "no-use"),
                **({"component": components} if components else {}),
                **extra,
            )
        if day.craving is not None:
            self.observation(
                "craving", day.pk, "craving", "survey", effective, valueInteger=day.craving, **extra
            )
        if day.mood is not None:
            self.observation(
                "mood", day.pk, "mood", "survey", effective, valueInteger=day.mood, **extra
            )

    def plan(self, plan: MedicationPlan) -> str:
        medication: dict[str, Any] = {"text": plan.label}
        if plan.medication in RXNORM_OF:
            medication["coding"] = [coding(RXNORM, RXNORM_OF[plan.medication])]
        dosage: dict[str, Any] = {"text": f"{plan.schedule_label}"}
        if plan.schedule == "daily":
            dosage["timing"] = {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}
        else:
            days = [DAY_CODES[int(day)] for day in sorted(plan.weekdays)]
            dosage["timing"] = {"repeat": {"dayOfWeek": days}}
        if plan.dose is not None:
            dosage["doseAndRate"] = [{"doseQuantity": _quantity(plan.dose, plan.dose_unit)}]
            dosage["text"] = f"{_number(plan.dose)} {plan.dose_unit}, {plan.schedule_label}"
        period: dict[str, str] = {"start": plan.active_from.isoformat()}
        if plan.active_to is not None:
            period["end"] = plan.active_to.isoformat()
        return self.add(
            MedicationStatement,
            "MedicationStatement",
            f"plan-{plan.pk}",
            {
                "status": "active" if plan.active_to is None else "completed",
                "category": concept(STATEMENT_CATEGORY, "patientspecified"),
                "medicationCodeableConcept": medication,
                "subject": self.patient_ref,
                "effectivePeriod": period,
                "informationSource": self.patient_ref,
                "dosage": [dosage],
            },
        )

    def doses(self, plan_urls: dict[int, str]) -> None:
        plans = {plan.pk: plan for plan in self.data.plans}
        for day in self.data.check_ins:
            for dose in day.doses.all():
                plan = plans.get(dose.plan_id)
                if plan is None:
                    continue
                medication: dict[str, Any] = {"text": plan.label}
                if plan.medication in RXNORM_OF:
                    medication["coding"] = [coding(RXNORM, RXNORM_OF[plan.medication])]
                fields: dict[str, Any] = {
                    "status": "not-taken" if dose.status == "missed" else "completed",
                    "category": concept(STATEMENT_CATEGORY, "patientspecified"),
                    "medicationCodeableConcept": medication,
                    "subject": self.patient_ref,
                    "effectiveDateTime": day.date.isoformat(),
                    "informationSource": self.patient_ref,
                    "partOf": [{"reference": plan_urls[plan.pk]}],
                }
                if dose.status == "different_dose":
                    fields["note"] = [{"text": "Took a different dose than prescribed"}]
                    if dose.dose_taken is not None:
                        fields["dosage"] = [
                            {
                                "text": "dose taken",
                                "doseAndRate": [
                                    {"doseQuantity": _quantity(dose.dose_taken, plan.dose_unit)}
                                ],
                            }
                        ]
                elif dose.status == "taken":
                    fields["note"] = [{"text": "Taken as prescribed"}]
                self.add(MedicationStatement, "dose", dose.pk, fields)

    def responses(self) -> None:
        for response in self.data.responses:
            items = [
                {"linkId": key, "answer": [{"valueInteger": int(value)}]}
                for key, value in sorted(
                    response.answers.items(), key=lambda kv: _item_order(kv[0])
                )
                if value is not None
            ]
            url = self.add(
                QuestionnaireResponse,
                "QuestionnaireResponse",
                response.pk,
                {
                    "questionnaire": (
                        f"{QUESTIONNAIRE_BASE}/{response.instrument}|{response.version}"
                    ),
                    "status": "completed",
                    "subject": self.patient_ref,
                    "authored": response.taken_on.isoformat(),
                    "item": items,
                },
            )
            if response.instrument != bam.ID:
                continue
            flags = response.scores.get("flags", {})
            for composite, interpretation in (("use", "H"), ("risk", "H"), ("protective", "L")):
                if composite not in response.scores:
                    continue
                extra: dict[str, Any] = {}
                if flags.get(composite):
                    extra["interpretation"] = [concept(INTERPRETATION, interpretation)]
                self.observation(
                    f"bam-{composite}",
                    response.pk,
                    f"bam-{composite}",
                    "survey",
                    response.taken_on.isoformat(),
                    valueInteger=int(response.scores[composite]),
                    derivedFrom=[{"reference": url}],
                    **extra,
                )

    def sponsor(self) -> None:
        life = self.data.life
        if life.pk is None or life.sponsor_status == "none":
            return
        self.add(
            RelatedPerson,
            "RelatedPerson",
            "sponsor",
            {
                "patient": self.patient_ref,
                "relationship": [concept(JOURNAL_SYSTEM, "sponsor")],
                **(
                    {"name": [{"text": initials(str(life.sponsor_name))}]}
                    if life.sponsor_name
                    else {}
                ),
            },
        )


def _number(value: Decimal) -> str:
    return str(value.normalize()) if value == value.to_integral() else str(value)


def _quantity(value: Decimal, unit: str) -> dict[str, Any]:
    return {"value": Decimal(_number(value)), "unit": unit}


def _item_order(key: str) -> tuple[int, str]:
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits) if digits else 0, key)


def initials(name: str) -> str:
    """'Sam' → 'S.', 'Mary Jo' → 'M. J.', 'JT' → 'J. T.': never more than the initials."""
    words = name.split()
    letters = [word[0] for word in words if word[:1].isalpha()]
    if len(words) == 1 and words[0].isalpha() and words[0].isupper() and len(words[0]) <= 3:
        letters = list(words[0])  # already initials
    return " ".join(f"{letter.upper()}." for letter in letters)


def _build(data: JournalData) -> tuple[_Builder, dict[str, Any]]:
    builder = _Builder(data)
    builder.patient()
    plan_urls = {plan.pk: builder.plan(plan) for plan in data.plans}
    for day in data.check_ins:
        builder.check_in(day)
    builder.doses(plan_urls)
    builder.responses()
    builder.sponsor()
    envelope = {
        "id": str(uuid.uuid5(_NAMESPACE, f"{data.person.pk}/bundle/{data.exported_at}")),
        "meta": _meta(),
        "type": "collection",
        "timestamp": data.exported_at.isoformat(),
    }
    return builder, envelope


def journal_bundle(data: JournalData) -> Bundle:
    """The person's journal as a validated R4B collection bundle."""
    builder, envelope = _build(data)
    return Bundle.model_validate(envelope | {"entry": builder.entries})


def bundle_json(data: JournalData) -> str:
    """The bundle as FHIR JSON: every resource validated by its model, the whole by `Bundle`."""
    builder, envelope = _build(data)
    Bundle.model_validate(envelope | {"entry": builder.entries})
    document = {"resourceType": "Bundle", **envelope, "entry": builder.raw}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_json_number)


def _json_number(value: object) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
