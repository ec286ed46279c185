"""A-01, A-02: every URL pattern of the project × every named person.

The test enumerates the resolver. A pattern missing from MATRIX fails the suite: whoever adds a
URL decides, here, who may use it. Each later issue extends MATRIX.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from homegroup.accounts import actions
from homegroup.accounts.models import Role
from tests.people import People

pytestmark = pytest.mark.django_db

ANON = "anonymous"
EVERYONE = ["ana", "ben", "cora", "dev", "pat", "max", "sam"]
SIGN_IN = "sign-in"  # a redirect to the sign-in page


@dataclass
class Rule:
    """Who gets what. `expect` maps a person (or ANON) to a status code or SIGN_IN."""

    kind: str  # public | signed-in | role-only | owner-only | anonymous-only | token
    expect: dict[str, int | str]
    method: str = "get"
    url: Callable[[People], str] | None = None  # for patterns with arguments
    data: dict[str, object] = field(default_factory=dict)


def everyone(status: int | str, anon: int | str | None = None) -> dict[str, int | str]:
    return {ANON: status if anon is None else anon} | {name: status for name in EVERYONE}


def only(roles: dict[str, int | str], others: int | str, anon: int | str) -> dict[str, int | str]:
    return {ANON: anon} | {name: roles.get(name, others) for name in EVERYONE}


def other_admins_invitation(people: People) -> str:
    other = actions.create_account(
        email="pia@people.test",
        display_name="Pia",
        password="pia's long password 1",
        roles={Role.PROGRAM_ADMIN},
    )
    issued = actions.invite_staff(
        invited_by=other, email="z@clinic.test", display_name="Z", roles={Role.CLINICIAN}
    )
    return f"/accounts/invitations/{issued.invitation.pk}/withdraw/"


def pats_invitation(people: People) -> str:
    issued = actions.invite_staff(
        invited_by=people.pat, email="y@clinic.test", display_name="Y", roles={Role.CLINICIAN}
    )
    return f"/accounts/invitations/{issued.invitation.pk}/withdraw/"


# --- The directory maintainer's pages and the MAT report (objects made through actions) --------


def _listed_meeting(people: People):
    from tests.directory.maintain_data import listed_meeting

    return listed_meeting(people.max)


def _maintain_url(name: str, *, removed: bool = False) -> Callable[[People], str]:
    def url(people: People) -> str:
        from homegroup.directory import actions as directory_actions

        meeting = _listed_meeting(people)
        if removed:
            directory_actions.remove_meeting_by_maintainer(meeting=meeting, actor=people.max)
        return f"/directory/manage/meetings/{meeting.slug}/{name}/"

    return url


def _import_run_url(people: People) -> str:
    from tests.directory.maintain_data import import_records, mg_record

    run = import_records("matrix", [mg_record("a"), mg_record("b", time="25:99")])
    return f"/directory/manage/runs/{run.pk}/"


def _source_url(suffix: str = "") -> Callable[[People], str]:
    def url(people: People) -> str:
        from homegroup.directory import actions as directory_actions

        source = directory_actions.create_source(
            name="Matrix Intergroup", url="https://example.org/feed.json", actor=people.max
        )
        return f"/directory/manage/sources/{source.slug}/{suffix}"

    return url


def _run_status_url(people: People) -> str:
    return _import_run_url(people) + "status/"


def _evidence_withdraw_url(people: People) -> str:
    from datetime import date

    from homegroup.directory import actions as directory_actions

    meeting = _listed_meeting(people)
    evidence = directory_actions.add_mat_evidence(
        meeting=meeting,
        actor=people.max,
        kind="maintainer",
        stance="welcoming",
        summary="Checked with the group.",
        observed_on=date.today(),
    )
    return f"/directory/manage/meetings/{meeting.slug}/medication/{evidence.pk}/withdraw/"


def _pending_report_url(people: People) -> str:
    from datetime import date

    from homegroup.directory import actions as directory_actions

    evidence = directory_actions.report_mat_experience(
        meeting=_listed_meeting(people),
        reporter=people.ben,
        stance="welcoming",
        observed_on=date.today(),
    )
    return f"/directory/manage/reports/{evidence.pk}/review/"


def _report_form_url(people: People) -> str:
    return f"/meetings/{_listed_meeting(people).slug}/report/"


MAINTAINER_ONLY = only({"max": 200}, 403, SIGN_IN)
MAINTAINER_POSTS = only({"max": 302}, 403, SIGN_IN)


# --- Privacy: sharing, programs and care teams, break-glass (objects made through actions) ------


def _anas_consent_url(suffix: str = "") -> Callable[[People], str]:
    def url(people: People) -> str:
        from tests.people import share_as_in_the_story

        return f"/privacy/sharing/{share_as_in_the_story(people).sam_consent.pk}/{suffix}"

    return url


def _anas_enrolment_url(people: People) -> str:
    return f"/privacy/sharing/programs/{people.ana.enrolments.get().pk}/leave/"


def _anas_restriction_url(people: People) -> str:
    from homegroup.privacy import actions as privacy_actions

    restriction = privacy_actions.request_restriction(
        person=people.ana, categories_restricted={"medication"}
    )
    return f"/privacy/sharing/restrictions/{restriction.pk}/withdraw/"


def _other_program(people: People):
    from homegroup.privacy import actions as privacy_actions

    pia = actions.create_account(
        email="pia@people.test",
        display_name="Pia",
        password="pia's long password 1",
        roles={Role.PROGRAM_ADMIN, Role.CLINICIAN},
    )
    program = privacy_actions.create_program(name="Westside Clinic", admin=pia)
    privacy_actions.add_program_member(program=program, user=pia, role="clinician", actor_id=pia.pk)
    code = privacy_actions.issue_enrolment_code(program=program, by=pia).code
    privacy_actions.join_program(person=people.ben, code=code)
    return program, pia


def _care_team_url(other: bool) -> Callable[[People], str]:
    def url(people: People) -> str:
        from homegroup.privacy import actions as privacy_actions

        if other:
            program, pia = _other_program(people)
            member = privacy_actions.assign_clinician(
                program=program, person_id=people.ben.pk, clinician_id=pia.pk, by=pia
            )
        else:
            member = people.ana.care_team.get()
        return f"/privacy/program/care-team/{member.pk}/end/"

    return url


def _proposed_place_url(answer: str) -> Callable[[People], str]:
    def url(people: People) -> str:
        from homegroup.privacy import actions as privacy_actions

        place = privacy_actions.assign_clinician(
            program=people.program,
            person_id=people.ana.pk,
            clinician_id=people.dev.pk,
            by=people.pat,
        )
        return f"/care/care-teams/{place.pk}/{answer}/"

    return url


PROPOSED_TO_DEV = only({"dev": 302, "cora": 404}, 403, SIGN_IN)


def _review_url(other: bool) -> Callable[[People], str]:
    def url(people: People) -> str:
        from homegroup.privacy import actions as privacy_actions

        reason = "Ana collapsed in the waiting room; I need her medication list."
        if other:
            _program, pia = _other_program(people)
            grant = privacy_actions.open_break_glass(
                clinician=pia, person_id=people.ben.pk, reason=reason
            )
        else:
            grant = privacy_actions.open_break_glass(
                clinician=people.dev, person_id=people.ana.pk, reason=reason
            )
        return f"/privacy/program/reviews/{grant.pk}/"

    return url


PERSON_ONLY = only({"ana": 200, "ben": 200}, 403, SIGN_IN)
STAFF = ("cora", "dev", "pat", "max")


# --- The public meeting search, meeting pages and calendar files (meetings made through actions)


def _public_meeting_url(suffix: str) -> Callable[[People], str]:
    def url(people: People) -> str:
        from tests.directory.search_data import meeting

        return f"/meetings/{meeting(name='Matrix Hope').slug}{suffix}"

    return url


def _chosen_ics(people: People) -> str:
    from tests.directory.search_data import meeting

    return f"/meetings.ics?slugs={meeting(name='Matrix Hope').slug}"


def _anas_meeting_reception(people: People) -> str:
    """A directory meeting Ana logged yesterday: only she may say how it received her."""
    from homegroup.journal import actions as journal_actions
    from homegroup.journal.models import JournalProfile
    from tests.journal.journal_data import meeting

    went = meeting("Matrix Reception Group")
    journal_actions.record_check_in(
        person=people.ana,
        day=JournalProfile().today() - timedelta(days=1),
        values=journal_actions.CheckInValues(
            meetings=[journal_actions.MeetingAttended(meeting_id=went.pk)]
        ),
    )
    return f"/journal/meetings/{went.pk}/reception/"


# --- The journal: Ana's own objects, made through journal actions --------------------------------


def _journal_url(kind: str, suffix: str = "") -> Callable[[People], str]:
    """A URL of one of Ana's journal objects: Ana gets it, Ben gets 404, staff get 403."""

    def url(people: People) -> str:
        from homegroup.journal import actions as journal_actions
        from homegroup.journal.models import JournalProfile

        ana, today = people.ana, JournalProfile().today()
        if kind == "medication":
            plan = journal_actions.save_medication_plan(
                person=ana, medication="buprenorphine", dose="16", active_from=today
            )
            return f"/journal/medication/{plan.pk}/{suffix}"
        if kind == "service":
            commitment = journal_actions.save_service_commitment(
                person=ana, role="greeter", meeting_name="Serenity Group", started_on=today
            )
            return f"/journal/twelve-step/service/{commitment.pk}/{suffix}"
        if kind == "network":
            member = journal_actions.save_network_member(
                person=ana, name="Kim", relationship="friend", contact=6, importance=5
            )
            return f"/journal/network/{member.pk}/{suffix}"
        if kind == "measure":
            response = journal_actions.record_measure(
                person=ana,
                instrument_id="aai-core",
                answers={"meetings": 3, "steps": 1, "member": 1},
            )
            return f"/journal/measures/{response.pk}/"
        if kind == "check-in":
            day = today - timedelta(days=1)
            journal_actions.record_check_in(
                person=ana, day=day, values=journal_actions.CheckInValues(use_status="none")
            )
            return f"/api/v1/me/checkins/{day.isoformat()}"
        raise ValueError(kind)

    return url


def _journal_day(days_from_today: int) -> Callable[[People], str]:
    def url(people: People) -> str:
        from homegroup.journal.models import JournalProfile

        return f"/journal/{JournalProfile().today() + timedelta(days=days_from_today)}/"

    return url


def _matrix_usual_meeting(people: People) -> str:
    from tests.journal.journal_data import meeting

    meeting("Matrix Usual Group", slug="matrix-usual")
    return "/journal/twelve-step/meetings/"


# --- Shared views (P2-06): Ana's story consents; Cora's counseling note about Ana --------------


def _anas_shared_url(suffix: str) -> Callable[[People], str]:
    """A URL showing Ana's record to someone else, after Ana shared as in the story."""

    def url(people: People) -> str:
        from tests.people import share_as_in_the_story

        share_as_in_the_story(people)
        return suffix.format(ana=people.ana.pk)

    return url


def _coras_counseling_note_url(people: People) -> str:
    from tests.care.care_data import coras_note

    return f"/care/counseling-notes/{coras_note(people).pk}/"


def _anas_session(people: People):
    from tests.care.sessions_data import coras_session
    from tests.people import share_as_in_the_story

    share_as_in_the_story(people)
    return coras_session(people)


def _anas_session_url(suffix: str = "") -> Callable[[People], str]:
    def url(people: People) -> str:
        session = _anas_session(people)
        return f"/care/people/{people.ana.pk}/sessions/{session.pk}/{suffix}"

    return url


def _my_session_url(people: People) -> str:
    return f"/care/my-sessions/{_anas_session(people).pk}/"


def _anas_task_url(people: People) -> str:
    from tests.care.sessions_data import meeting_task
    from tests.journal.journal_data import meeting

    task = meeting_task(people, _anas_session(people), meeting("Matrix Meeting"))
    return f"/journal/tasks/{task.pk}/"


def _anas_alert_url(people: People) -> str:
    """An alert about Ana (no check-in for 9 days) after she shared, raised as the caseload
    raises it (without a caseload view, so no disclosure is written before the one counted)."""
    from datetime import date

    from django.utils import timezone

    from homegroup.care import actions as care_actions
    from homegroup.care import alert_rules
    from tests.people import share_as_in_the_story

    share_as_in_the_story(people)
    finding = alert_rules.no_check_in(
        today=date.today(), last_check_in=date.today() - timedelta(days=9)
    )
    assert finding is not None
    raised = care_actions.raise_alerts(
        findings={people.ana.pk: [finding]},
        evaluated={people.ana.pk: frozenset({"check_ins"})},
        now=timezone.now(),
    )
    return f"/care/alerts/{raised[people.ana.pk][0].pk}/"


# Clinicians: Cora (care team + consent) sees it, Dev (same program, not on the team) gets 404.
CARE_TEAM_ONLY = only({"cora": 200, "dev": 404}, 403, SIGN_IN)


JOURNAL_PAGE = only({"ana": 200, "ben": 200}, 403, SIGN_IN)
JOURNAL_POST = only({"ana": 302, "ben": 302}, 403, SIGN_IN)
ANAS_PAGE = only({"ana": 200, "ben": 404}, 403, SIGN_IN)
ANAS_POST = only({"ana": 302, "ben": 404}, 403, SIGN_IN)
JOURNAL_API = only({"ana": 200, "ben": 200}, 403, 401)


def _other_programs_report(tail: str) -> Callable[[People], str]:
    def url(people: People) -> str:
        program, _pia = _other_program(people)
        return f"/programs/outcomes/{tail}?program={program.pk}"

    return url


MATRIX: dict[str, list[Rule]] = {
    "": [Rule("public", everyone(200))],
    "healthz": [Rule("public", everyone(200))],
    # The installable web app: manifest, service worker and the offline page it keeps.
    "manifest.webmanifest": [Rule("public", everyone(200))],
    "sw.js": [Rule("public", everyone(200))],
    "offline/": [Rule("public", everyone(200))],
    "readyz": [Rule("public", everyone(200))],
    "accounts/sign-in/": [Rule("anonymous-only", everyone(302, anon=200))],
    "accounts/sign-out/": [Rule("signed-in", everyone(302), method="post")],
    # Quick exit: anyone may leave; a signed-in session ends on the way (no confirmation).
    "accounts/quick-exit/": [Rule("public", everyone(302))],
    "accounts/sign-up/": [Rule("anonymous-only", everyone(302, anon=200))],
    "accounts/sign-up/sent/": [Rule("public", everyone(200))],
    "accounts/activate/<str:token>/": [
        Rule("token", everyone(404), url=lambda p: "/accounts/activate/not-a-token/")
    ],
    "accounts/password-reset/": [Rule("public", everyone(200))],
    "accounts/password-reset/sent/": [Rule("public", everyone(200))],
    "accounts/password-reset/<uidb64>/<token>/": [
        Rule("token", everyone(200), url=lambda p: "/accounts/password-reset/MQ/bad-token/")
    ],
    "accounts/password-reset/complete/": [Rule("public", everyone(200))],
    "accounts/account/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/account/email/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/account/password/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/confirm-password/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/invitations/": [Rule("role-only", only({"pat": 200}, 403, SIGN_IN))],
    "accounts/invitations/<id:invitation_id>/withdraw/": [
        # Pat withdraws her own invitation; another admin's is simply not found for her.
        Rule("owner-only", only({"pat": 302}, 403, SIGN_IN), "post", url=pats_invitation),
        Rule("owner-only", only({"pat": 404}, 403, SIGN_IN), "post", url=other_admins_invitation),
    ],
    "accounts/invitations/accept/<str:token>/": [
        Rule("token", everyone(404), url=lambda p: "/accounts/invitations/accept/not-a-token/")
    ],
    # ninja's API root answers 404 (no interactive docs: they would load a CDN's scripts).
    "api/v1/": [Rule("public", everyone(404))],
    "api/v1/me": [Rule("signed-in", everyone(200, anon=401))],
    "api/v1/openapi.json": [Rule("public", everyone(200))],
    # Second factor (H-08): staff here are verified already, so the pages send them on.
    "accounts/two-factor/": [Rule("signed-in", everyone(302, anon=SIGN_IN))],
    "accounts/two-factor/enrol/": [
        Rule("signed-in", only({"ana": 200, "ben": 200, "sam": 200}, 302, SIGN_IN))
    ],
    "accounts/two-factor/recovery-codes/": [
        Rule("signed-in", only(dict.fromkeys(STAFF, 200), 302, SIGN_IN), "post")
    ],
    "accounts/two-factor/disable/": [
        Rule("signed-in", only(dict.fromkeys(STAFF, 403), 302, SIGN_IN))
    ],
    # A person's own sharing: people in recovery only; another person's consent is not found.
    "privacy/sharing/": [Rule("role-only", PERSON_ONLY)],
    "privacy/sharing/program/": [Rule("role-only", PERSON_ONLY)],
    "privacy/sharing/supporter/": [Rule("role-only", PERSON_ONLY)],
    "privacy/sharing/<id:consent_id>/": [
        Rule("owner-only", only({"ana": 200, "ben": 404}, 403, SIGN_IN), url=_anas_consent_url())
    ],
    "privacy/sharing/<id:consent_id>/revoke/": [
        Rule(
            "owner-only",
            only({"ana": 200, "ben": 404}, 403, SIGN_IN),
            url=_anas_consent_url("revoke/"),
        )
    ],
    "privacy/sharing/join/": [
        Rule("role-only", only({"ana": 400, "ben": 400}, 403, SIGN_IN), "post", data={"code": "NO"})
    ],
    "privacy/sharing/programs/<id:enrolment_id>/leave/": [
        Rule(
            "owner-only",
            only({"ana": 302, "ben": 404}, 403, SIGN_IN),
            "post",
            url=_anas_enrolment_url,
        )
    ],
    "privacy/sharing/restrictions/": [
        Rule(
            "role-only",
            only({"ana": 302, "ben": 302}, 403, SIGN_IN),
            "post",
            data={"categories": ["medication"]},
        )
    ],
    "privacy/sharing/restrictions/<id:restriction_id>/withdraw/": [
        Rule(
            "owner-only",
            only({"ana": 302, "ben": 404}, 403, SIGN_IN),
            "post",
            url=_anas_restriction_url,
        )
    ],
    "privacy/accounting/": [Rule("role-only", PERSON_ONLY)],
    "privacy/shared-with-me/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    # The program admin's pages: Pat's program only; another program's objects are not found.
    "privacy/program/": [Rule("role-only", only({"pat": 200}, 403, SIGN_IN))],
    "privacy/program/enrolment-codes/": [
        Rule("role-only", only({"pat": 200}, 403, SIGN_IN), "post")
    ],
    "privacy/program/care-team/": [
        # An empty form is refused with 400: the role gate comes first.
        Rule("role-only", only({"pat": 400}, 403, SIGN_IN), "post")
    ],
    "privacy/program/care-team/<id:member_id>/end/": [
        Rule("owner-only", only({"pat": 302}, 403, SIGN_IN), "post", url=_care_team_url(False)),
        Rule("owner-only", only({"pat": 404}, 403, SIGN_IN), "post", url=_care_team_url(True)),
    ],
    "privacy/program/reviews/": [Rule("role-only", only({"pat": 200}, 403, SIGN_IN))],
    "privacy/program/reviews/<id:grant_id>/": [
        Rule(
            "owner-only",
            only({"pat": 302}, 403, SIGN_IN),
            "post",
            url=_review_url(False),
            data={"outcome": "justified"},
        ),
        Rule(
            "owner-only",
            only({"pat": 404}, 403, SIGN_IN),
            "post",
            url=_review_url(True),
            data={"outcome": "justified"},
        ),
    ],
    # Break-glass (H-02): clinicians of the person's program; someone not enrolled is not found.
    "privacy/break-glass/<id:person_id>/": [
        Rule(
            "role-only",
            only({"cora": 200, "dev": 200}, 403, SIGN_IN),
            url=lambda p: f"/privacy/break-glass/{p.ana.pk}/",
        ),
        Rule(
            "role-only",
            only({"cora": 404, "dev": 404}, 403, SIGN_IN),
            url=lambda p: f"/privacy/break-glass/{p.ben.pk}/",
        ),
    ],
    "api/v1/me/consents": [Rule("signed-in", everyone(200, anon=401))],
    "api/v1/me/disclosures": [Rule("signed-in", everyone(200, anon=401))],
    # The directory published as a Meeting Guide feed: public listings, no sign-in.
    "api/v1/feeds/meeting-guide.json": [Rule("public", everyone(200))],
    # Directory maintainers only: sources (settings, imports from the web) and runs, meetings by
    # hand, held numbers, statements about medication, history, the review queue.
    "directory/manage/": [Rule("role-only", MAINTAINER_ONLY)],
    "directory/manage/sources/new/": [
        Rule(
            "role-only",
            MAINTAINER_POSTS,
            "post",
            data={"name": "Matrix Intergroup", "url": "https://example.org/feed.json"},
        )
    ],
    "directory/manage/sources/<slug:slug>/": [
        Rule("role-only", MAINTAINER_ONLY, url=_source_url())
    ],
    "directory/manage/sources/<slug:slug>/import/": [
        Rule("role-only", MAINTAINER_POSTS, "post", url=_source_url("import/"))
    ],
    "directory/manage/runs/<id:run_id>/": [Rule("role-only", MAINTAINER_ONLY, url=_import_run_url)],
    "directory/manage/runs/<id:run_id>/status/": [
        Rule("role-only", MAINTAINER_ONLY, url=_run_status_url)
    ],
    "directory/manage/meetings/": [Rule("role-only", MAINTAINER_ONLY)],
    "directory/manage/meetings/new/": [Rule("role-only", MAINTAINER_ONLY)],
    "directory/manage/meetings/<slug:slug>/edit/": [
        Rule("role-only", MAINTAINER_ONLY, url=_maintain_url("edit"))
    ],
    "directory/manage/meetings/<slug:slug>/remove/": [
        Rule("role-only", MAINTAINER_POSTS, "post", url=_maintain_url("remove"))
    ],
    "directory/manage/meetings/<slug:slug>/restore/": [
        Rule("role-only", MAINTAINER_POSTS, "post", url=_maintain_url("restore", removed=True))
    ],
    "directory/manage/meetings/<slug:slug>/history/": [
        Rule("role-only", MAINTAINER_ONLY, url=_maintain_url("history"))
    ],
    "directory/manage/meetings/<slug:slug>/publish-contact/": [
        Rule(
            "role-only",
            MAINTAINER_POSTS,
            "post",
            url=_maintain_url("publish-contact"),
            data={"value": "505-555-0100"},
        )
    ],
    "directory/manage/meetings/<slug:slug>/medication/": [
        Rule("role-only", MAINTAINER_ONLY, url=_maintain_url("medication"))
    ],
    "directory/manage/meetings/<slug:slug>/medication/<id:evidence_id>/withdraw/": [
        Rule("role-only", MAINTAINER_POSTS, "post", url=_evidence_withdraw_url)
    ],
    "directory/manage/reports/": [Rule("role-only", MAINTAINER_ONLY)],
    "directory/manage/reports/<id:evidence_id>/review/": [
        Rule(
            "role-only",
            MAINTAINER_POSTS,
            "post",
            url=_pending_report_url,
            data={"decision": "accept"},
        )
    ],
    # People in recovery and clinicians report how a meeting treats people on medication.
    "meetings/<slug:slug>/report/": [
        Rule(
            "role-only",
            only({"ana": 200, "ben": 200, "cora": 200, "dev": 200}, 403, SIGN_IN),
            url=_report_form_url,
        )
    ],
    # The meeting search, meeting pages and calendar files: public, like the listings they show.
    "meetings/": [Rule("public", everyone(200))],
    "meetings/<slug:slug>/": [
        Rule("public", everyone(200), url=_public_meeting_url("/")),
        Rule("public", everyone(404), url=lambda p: "/meetings/no-such-meeting/"),
    ],
    "meetings.ics": [
        Rule("public", everyone(200), url=_chosen_ics),
        Rule("public", everyone(400)),  # a calendar of chosen meetings only: none chosen
    ],
    "meetings/<slug:slug>.ics": [
        Rule("public", everyone(200), url=_public_meeting_url(".ics")),
        Rule("public", everyone(404), url=lambda p: "/meetings/no-such-meeting.ics"),
    ],
    "api/v1/meetings": [Rule("public", everyone(200))],
    # The journal: people in recovery only (staff and Sam 403); another person's object is 404.
    "journal/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/<isodate:day>/": [
        Rule("role-only", JOURNAL_PAGE, url=_journal_day(-1)),
        Rule("role-only", only({"ana": 404, "ben": 404}, 403, SIGN_IN), url=_journal_day(1)),
    ],
    "journal/calendar/": [Rule("role-only", JOURNAL_PAGE)],
    # The home page's quick check-in and "same as yesterday" (saves nothing without a yesterday).
    "journal/quick/": [Rule("role-only", JOURNAL_POST, "post", data={"mood": "3"})],
    "journal/same-as-yesterday/": [Rule("role-only", JOURNAL_POST, "post")],
    "journal/more/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/setup/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/recovery/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/medication/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/medication/new/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/medication/<id:plan_id>/edit/": [
        Rule("owner-only", ANAS_PAGE, url=_journal_url("medication", "edit/"))
    ],
    "journal/medication/<id:plan_id>/delete/": [
        Rule("owner-only", ANAS_POST, "post", url=_journal_url("medication", "delete/"))
    ],
    "journal/meetings/<id:meeting_id>/reception/": [
        Rule("owner-only", ANAS_PAGE, url=_anas_meeting_reception)
    ],
    "journal/twelve-step/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/twelve-step/meetings/": [
        Rule(
            "role-only",
            JOURNAL_POST,
            "post",
            url=_matrix_usual_meeting,
            data={"what": "add", "slug": "matrix-usual"},
        )
    ],
    "journal/twelve-step/service/new/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/twelve-step/service/<id:commitment_id>/edit/": [
        Rule("owner-only", ANAS_PAGE, url=_journal_url("service", "edit/"))
    ],
    "journal/twelve-step/service/<id:commitment_id>/delete/": [
        Rule("owner-only", ANAS_POST, "post", url=_journal_url("service", "delete/"))
    ],
    "journal/tasks/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/tasks/<id:task_id>/": [
        Rule("owner-only", ANAS_POST, "post", url=_anas_task_url, data={"status": "done"})
    ],
    "journal/network/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/network/new/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/network/confirm/": [Rule("role-only", JOURNAL_POST, "post")],
    "journal/network/<id:member_id>/edit/": [
        Rule("owner-only", ANAS_PAGE, url=_journal_url("network", "edit/"))
    ],
    "journal/network/<id:member_id>/delete/": [
        Rule("owner-only", ANAS_POST, "post", url=_journal_url("network", "delete/"))
    ],
    "journal/measures/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/measures/bam/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/measures/aai/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/measures/<id:response_id>/": [
        Rule("owner-only", ANAS_PAGE, url=_journal_url("measure"))
    ],
    "journal/settings/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/settings/discreet/": [Rule("role-only", JOURNAL_POST, "post")],
    "journal/settings/pin/": [
        Rule("role-only", JOURNAL_POST, "post", data={"pin": "2468", "idle_minutes": "5"})
    ],
    "journal/unlock/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/settings/reminder/": [
        Rule("role-only", JOURNAL_POST, "post", data={"reminder_time": "20:30"})
    ],
    "journal/progress/": [Rule("role-only", JOURNAL_PAGE)],
    # Their data is theirs: each person downloads only their own journal (a fresh password, which
    # the matrix's just-signed-in clients have); an unknown format is not found.
    "journal/data/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/data/download/<str:export_format>/": [
        Rule("owner-only", JOURNAL_PAGE, url=lambda p: "/journal/data/download/json/"),
        Rule("owner-only", JOURNAL_PAGE, url=lambda p: "/journal/data/download/csv/"),
        Rule(
            "owner-only",
            only({"ana": 404, "ben": 404}, 403, SIGN_IN),
            url=lambda p: "/journal/data/download/xml/",
        ),
    ],
    "journal/data/download/fhir/": [Rule("role-only", JOURNAL_PAGE)],
    "journal/data/delete/": [Rule("role-only", JOURNAL_PAGE)],
    # Only a browser that just gave the right password for an account awaiting deletion.
    "journal/data/keep/": [Rule("token", everyone(SIGN_IN))],
    "journal/audit/": [Rule("owner-only", JOURNAL_PAGE)],
    "api/v1/me/checkins": [Rule("role-only", JOURNAL_API)],
    "api/v1/me/checkins/<day>": [
        # Ana reads her day; Ben asks for the same date and finds nothing of his (404).
        Rule("owner-only", only({"ana": 200, "ben": 404}, 403, 401), url=_journal_url("check-in")),
        Rule("role-only", JOURNAL_API, "put", url=_journal_url("check-in")),
    ],
    "api/v1/me/summary": [Rule("role-only", JOURNAL_API)],
    # The clinician's pages: their people (names only), a person's shared record and its exports
    # through the gate, and their own counseling notes (author-only, P2-03).
    # The caseload: every clinician has one (Dev's is empty); the old list's address redirects.
    "care/": [Rule("role-only", only({"cora": 200, "dev": 200}, 403, SIGN_IN))],
    "care/people/": [Rule("role-only", only({"cora": 301, "dev": 301}, 403, SIGN_IN))],
    # The program's alert rules: its admin only.
    "care/alert-rules/": [Rule("role-only", only({"pat": 200}, 403, SIGN_IN))],
    # An alert about Ana: Cora (care team, consent) sees and acts on it; Dev 404.
    "care/alerts/<id:alert_id>/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_alert_url),
        Rule(
            "owner-only",
            only({"cora": 302, "dev": 404}, 403, SIGN_IN),
            "post",
            url=_anas_alert_url,
            data={"do": "acknowledge", "note": "Called her."},
        ),
    ],
    "care/people/<id:person_id>/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_shared_url("/care/people/{ana}/"))
    ],
    "care/people/<id:person_id>/print/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_shared_url("/care/people/{ana}/print/"))
    ],
    "care/people/<id:person_id>/fhir/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_shared_url("/care/people/{ana}/fhir/"))
    ],
    # Asking for a questionnaire: the care team only (a place, not a consent); Dev not found.
    "care/people/<id:person_id>/measure-requests/": [
        Rule(
            "owner-only",
            only({"cora": 302, "dev": 404}, 403, SIGN_IN),
            "post",
            url=lambda p: f"/care/people/{p.ana.pk}/measure-requests/",
            data={"instrument": "bam"},
        )
    ],
    "care/people/<id:person_id>/counseling-notes/": [
        # Writing needs a care-team place, not a consent: Cora yes, Dev not found.
        Rule(
            "owner-only", CARE_TEAM_ONLY, url=lambda p: f"/care/people/{p.ana.pk}/counseling-notes/"
        )
    ],
    "care/people/<id:person_id>/diagnosis-group/": [
        # Program data of the enrolment, recorded by the care team: Cora yes, Dev not found.
        Rule(
            "owner-only", CARE_TEAM_ONLY, url=lambda p: f"/care/people/{p.ana.pk}/diagnosis-group/"
        )
    ],
    "care/counseling-notes/<id:note_id>/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_coras_counseling_note_url)
    ],
    # TSF sessions (issue 15): through the gate under a consent naming them, Cora (on the care
    # team) yes, Dev not found; the person reads her own summaries, Ben finds none of hers.
    "care/people/<id:person_id>/sessions/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_shared_url("/care/people/{ana}/sessions/"))
    ],
    "care/people/<id:person_id>/sessions/new/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_shared_url("/care/people/{ana}/sessions/new/"))
    ],
    "care/people/<id:person_id>/sessions/fhir/": [
        Rule(
            "owner-only", CARE_TEAM_ONLY, url=_anas_shared_url("/care/people/{ana}/sessions/fhir/")
        )
    ],
    "care/people/<id:person_id>/sessions/<id:session_id>/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_session_url())
    ],
    "care/people/<id:person_id>/sessions/<id:session_id>/tasks/": [
        Rule(
            "owner-only",
            only({"cora": 302, "dev": 404}, 403, SIGN_IN),
            "post",
            url=_anas_session_url("tasks/"),
            data={"kind": "reading", "text": "Read Step 1"},
        )
    ],
    "care/people/<id:person_id>/sessions/<id:session_id>/meetings/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_session_url("meetings/"))
    ],
    "care/people/<id:person_id>/sessions/<id:session_id>/summary/": [
        Rule("owner-only", CARE_TEAM_ONLY, url=_anas_session_url("summary/"))
    ],
    "care/my-sessions/": [Rule("role-only", JOURNAL_PAGE)],
    "care/my-sessions/<id:session_id>/": [Rule("owner-only", ANAS_PAGE, url=_my_session_url)],
    # A care-team place Pat proposed for Dev: only Dev answers it; Cora finds nothing.
    "care/care-teams/<id:member_id>/confirm/": [
        Rule("owner-only", PROPOSED_TO_DEV, "post", url=_proposed_place_url("confirm"))
    ],
    "care/care-teams/<id:member_id>/decline/": [
        Rule("owner-only", PROPOSED_TO_DEV, "post", url=_proposed_place_url("decline"))
    ],
    # The program admin's outcome report (aggregate, de-identified): Pat's program only; another
    # program's report is not found.
    "programs/outcomes/": [
        Rule("role-only", only({"pat": 200}, 403, SIGN_IN)),
        Rule("owner-only", only({"pat": 404}, 403, SIGN_IN), url=_other_programs_report("")),
    ],
    "programs/outcomes/report.json": [
        Rule("role-only", only({"pat": 200}, 403, SIGN_IN)),
        Rule(
            "owner-only",
            only({"pat": 404}, 403, SIGN_IN),
            url=_other_programs_report("report.json"),
        ),
    ],
    "programs/outcomes/export.csv": [
        Rule("role-only", only({"pat": 200}, 403, SIGN_IN)),
        Rule(
            "owner-only",
            only({"pat": 404}, 403, SIGN_IN),
            url=_other_programs_report("export.csv"),
        ),
    ],
    "programs/outcomes/tables/<slug:table>.csv": [
        Rule(
            "role-only",
            only({"pat": 200}, 403, SIGN_IN),
            url=lambda p: "/programs/outcomes/tables/models.csv",
        ),
        Rule(
            "owner-only",
            only({"pat": 404}, 403, SIGN_IN),
            url=_other_programs_report("tables/models.csv"),
        ),
    ],
    # What Ana shares with Sam: Sam sees it, Ana is sent to her own journal, anyone else 404.
    "shared/<id:person_id>/": [
        Rule(
            "owner-only",
            only({"sam": 200, "ana": 302}, 404, SIGN_IN),
            url=_anas_shared_url("/shared/{ana}/"),
        )
    ],
}


def all_patterns(resolvers=None, prefix: str = "") -> list[str]:
    found = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(all_patterns(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def test_every_url_pattern_is_classified():
    unclassified = sorted(set(all_patterns()) - set(MATRIX))
    assert unclassified == [], f"add these URL patterns to MATRIX: {unclassified}"
    stale = sorted(set(MATRIX) - set(all_patterns()))
    assert stale == [], f"MATRIX lists patterns that no longer exist: {stale}"


CASES = [
    (route, index, who)
    for route, rules in MATRIX.items()
    for index, rule in enumerate(rules)
    for who in [ANON, *EVERYONE]
]


@pytest.mark.parametrize(("route", "index", "who"), CASES)
def test_each_person_gets_what_the_matrix_says(route, index, who, people, client_for):
    rule = MATRIX[route][index]
    url = rule.url(people) if rule.url else "/" + route
    client = client_for(None if who == ANON else getattr(people, who))
    response = getattr(client, rule.method)(url, rule.data)
    expected = rule.expect[who]
    if expected == SIGN_IN:
        assert response.status_code == 302, response
        assert response["Location"].startswith("/accounts/sign-in/")
    else:
        assert response.status_code == expected, f"{who} {rule.method.upper()} {url}"
