"""Their data is theirs: downloads (JSON, CSV, FHIR), deleting the account and journal with a
grace period, and the list of who looked at their record.

Downloads and deletion ask for the password again (`reauth_required`); each download is audited
as `journal.export` with its format. Deleting deactivates the account at once (every session
ends) and `homegroup purge-deleted-accounts` removes it after the grace period; a right password
during the grace period lands on `keep_account` (see `journal.backends`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import BadRequest
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from homegroup.accounts import throttle
from homegroup.accounts.models import ROLE_FIELDS, STAFF_ROLES, User
from homegroup.accounts.permissions import reauth_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.forms import form_status
from homegroup.journal import actions, export
from homegroup.journal.backends import KEEP_SESSION_KEY, pending_keep
from homegroup.journal.forms import DeleteAccountForm
from homegroup.journal.models import JournalProfile
from homegroup.journal.views.common import GET_POST, journal_page, person_required
from homegroup.lib.timezones import is_timezone
from homegroup.privacy.models import CareTeamMember, Consent, ProgramMembership, ProgramRole

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
AUDIT_PAGE_SIZE = 50

# The FHIR download is interop's (`interop.views.journal_fhir`, the same path and limits).
DOWNLOADS: dict[str, tuple[str, str, Callable[[export.JournalData], bytes | str]]] = {
    "json": (
        "application/json",
        "homegroup-journal.json",
        lambda data: json.dumps(export.as_json(data), ensure_ascii=False, indent=2),
    ),
    "csv": ("application/zip", "homegroup-journal-csv.zip", export.as_csv_zip),
}


@person_required
@require_http_methods(["GET"])
def data_page(request: AuthenticatedRequest) -> HttpResponse:
    context = {"grace_days": settings.HOMEGROUP_DELETION_GRACE_DAYS}
    return journal_page(request, "journal/data.html", context, object_type="data")


@person_required
@reauth_required
@require_http_methods(["GET"])
def download(request: AuthenticatedRequest, export_format: str) -> HttpResponse:
    if export_format not in DOWNLOADS:
        raise Http404
    return export_download(request, export_format, *DOWNLOADS[export_format])


def export_download(
    request: AuthenticatedRequest,
    export_format: str,
    content_type: str,
    filename: str,
    write: Callable[[export.JournalData], bytes | str],
) -> HttpResponse:
    """The person's whole journal as one file, within the export limits; audited."""
    person = request.user
    wait = throttle.attempt(
        throttle.per_account(throttle.EXPORT_PER_ACCOUNT, person),
        throttle.per_client(throttle.EXPORT_PER_CLIENT, request),
    )
    if wait is not None:
        return throttle.too_many(request, wait)
    body = write(export.gather(person))
    actions.note_export(person=person, export_format=export_format)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Deleting the account and journal ----------------------------------------------------------


@person_required
@reauth_required
@GET_POST
def delete_account(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    data = request.POST if request.method == "POST" else None
    form = DeleteAccountForm(data)
    if request.method == "POST" and form.is_valid():
        deletion = actions.request_account_deletion(person=person)
        request.homegroup_sign_out_reason = "account_deletion"  # type: ignore[attr-defined]
        logout(request)
        messages.info(
            request,
            _(
                "Your account is closed and everything in it will be deleted on %(day)s. "
                "Changed your mind? Sign in before then to keep it."
            )
            % {"day": formats.date_format(deletion.purge_after, "DATE_FORMAT")},
        )
        return redirect("home")
    context = {
        "form": form,
        "grace_days": settings.HOMEGROUP_DELETION_GRACE_DAYS,
        "word": form.word,
    }
    return journal_page(
        request,
        "journal/delete_account.html",
        context,
        object_type="account",
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def keep_account(request: HttpRequest) -> HttpResponse:
    """Reached from the sign-in page after the right password for an account awaiting deletion
    (within a few minutes); anyone else is sent to sign in."""
    person = pending_keep(request)
    if person is None:
        return redirect("accounts:sign-in")
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice == "keep":
            request.session.pop(KEEP_SESSION_KEY, None)
            actions.cancel_account_deletion(person=person)
            login(request, person, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome back. Your account and journal are kept."))
            return redirect("journal:check-in")
        if choice == "delete":
            request.session.pop(KEEP_SESSION_KEY, None)
            messages.info(request, _("Your account will be deleted as you asked."))
            return redirect("home")
        raise BadRequest("choice must be keep or delete")
    context = {"purge_after": person.account_deletion.purge_after}
    return render(request, "journal/keep_account.html", context)


# --- Who looked at my record ---------------------------------------------------------------------

READ_OBJECTS = {
    "home": gettext_lazy("your home page"),
    "setup": gettext_lazy("the first-run setup"),
    "menu": gettext_lazy("the menu"),
    "check_in": gettext_lazy("a day of your journal"),
    "calendar": gettext_lazy("your calendar"),
    "recovery_time": gettext_lazy("your recovery time"),
    "medication_plan": gettext_lazy("your medication"),
    "twelve_step_life": gettext_lazy("your 12-step life"),
    "service_commitment": gettext_lazy("a service commitment"),
    "network": gettext_lazy("your support network"),
    "network_member": gettext_lazy("a person in your network"),
    "measure_response": gettext_lazy("your questionnaires"),
    "journal_profile": gettext_lazy("your journal settings"),
    "progress": gettext_lazy("your progress"),
    "data": gettext_lazy("your data page"),
    "audit": gettext_lazy("this list"),
    "account": gettext_lazy("the page to delete your account"),
    "summary": gettext_lazy("your summary (app)"),
    "checkins": gettext_lazy("your check-ins (app)"),
}


def _what(event: AuditEvent) -> str:
    """The vocabulary's plain words for the row (never its code)."""
    if event.action == AuditAction.JOURNAL_READ:
        thing = READ_OBJECTS.get(event.object_type, _("your journal"))
        return _("looked at %(thing)s") % {"thing": thing}
    return AuditAction.describe(event.action)


class _Who:
    """Describes the actor of an audit row for the person, in at most three queries for a page:
    the people they share with, their care team, and the roles of anyone else on the page."""

    def __init__(self, person: User, actor_ids: set[int]) -> None:
        self.person = person
        self.shared: dict[int, str] = dict(
            Consent.objects.given_by(person)
            .filter(recipient_user__isnull=False)
            .values_list("recipient_user_id", "recipient_user__display_name")
        )
        self.care_team: dict[int, str] = dict(
            CareTeamMember.objects.filter(person=person).values_list(
                "clinician_id", "clinician__display_name"
            )
        )
        others = actor_ids - {person.pk} - set(self.shared) - set(self.care_team)
        fields = [ROLE_FIELDS[role] for role in STAFF_ROLES]
        self.staff: dict[int, bool] = {
            row[0]: any(row[1:])
            for row in User.objects.filter(pk__in=others).values_list("pk", *fields)
        }
        # Staff outside the care team are named by their place, never by name or number: "a
        # clinician of <program>", else "a staff member of Homegroup" (issue 17).
        self.places: dict[int, tuple[str, str]] = {}
        staff_ids = [pk for pk, is_staff in self.staff.items() if is_staff]
        if staff_ids:
            for user_id, role, program in (
                ProgramMembership.objects.current()
                .filter(user_id__in=staff_ids)
                .order_by("joined_at", "id")
                .values_list("user_id", "role", "program__name")
            ):
                self.places.setdefault(user_id, (role, program))

    def __call__(self, actor_id: int | None) -> str:
        if actor_id is None:
            return _("Homegroup itself (no one signed in)")
        if actor_id == self.person.pk:
            return _("You")
        if actor_id in self.care_team:
            return _("Your clinician %(name)s") % {"name": self.care_team[actor_id]}
        if actor_id in self.shared:
            return _("%(name)s, whom you share with") % {"name": self.shared[actor_id]}
        if actor_id not in self.staff:
            return _("An account that no longer exists")
        if self.staff[actor_id]:
            role, program = self.places.get(actor_id, ("", ""))
            if role == ProgramRole.CLINICIAN:
                return _("A clinician of %(program)s") % {"program": program}
            if program:
                return _("A staff member of %(program)s") % {"program": program}
            return _("A staff member of Homegroup")
        return _("Another Homegroup account")


@person_required
@require_http_methods(["GET"])
def audit_page(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    # The view itself is recorded first, so the list shows this visit too.
    actions.note_read(viewer=person, person=person, object_type="audit")
    paginator = Paginator(AuditEvent.objects.about(person.pk).order_by("-id"), AUDIT_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404 from None
    events = list(page.object_list)
    who = _Who(person, {e.actor_id for e in events if e.actor_id is not None})
    profile_zone = JournalProfile.objects.for_person(person).timezone
    zone = profile_zone if is_timezone(profile_zone) else settings.TIME_ZONE
    rows = [
        {
            "when": django_timezone.localtime(event.occurred_at, ZoneInfo(zone)),
            "who": who(event.actor_id),
            "what": _what(event),
            "refused": event.outcome != Outcome.SUCCESS,
        }
        for event in events
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "page": page,
        "zone": zone,
        "zone_words": zone.rsplit("/", 1)[-1].replace("_", " "),
    }
    return render(request, "journal/audit.html", context)
