"""The directory maintainer's pages: sources (their settings, imports from the web) and their
import runs (refusals, problems in plain words, the diff and its conflicts with local edits),
meetings by hand (with the pin placed on a map), numbers held for review, statements about
medication, removal, history, and the queue of MAT reports to review.

Directory maintainers only. Every page reads a constant number of queries whatever the number of
sources, runs or meetings (pinned in tests/directory/test_maintain_*.py); every write is an action.

Over 600 lines on purpose for now: the maintainer's pages share their guards, paging and
the meeting form's helpers; the next step is a package like `journal/views/`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.directory import actions, evidence_summary, refresh
from homegroup.directory.forms import (
    MatStatementForm,
    MeetingFilterForm,
    MeetingForm,
    NewSourceForm,
    ProblemFilterForm,
    PublishContactForm,
    ReviewForm,
    SourceForm,
    meeting_initial,
    source_initial,
)
from homegroup.directory.geocoding import suggest_coordinates
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.local_edits import TRACKED
from homegroup.directory.models import (
    EvidenceKind,
    Fellowship,
    ImportRun,
    MatEvidence,
    MatLevel,
    Meeting,
    MeetingChange,
    ReviewStatus,
    RunState,
    Source,
    Stance,
    TimezoneOrigin,
    canonical_from_meeting,
)
from homegroup.directory.problem_kinds import kind_label, sentence, where
from homegroup.forms import attach_errors, form_status

maintainer_only = role_required(Role.DIRECTORY_MAINTAINER)

RUNS_SHOWN = 5  # the last runs of each source on the sources page
SOURCE_RUNS_SHOWN = 10  # on the source's own page
POLL_SECONDS = 2  # how often a run's page asks whether an import from the web has finished
PROBLEMS_PER_PAGE = 100
DIFF_SHOWN = 200  # slugs listed per part of a run's diff; the rest are counted
PER_PAGE = 50


def _timezone_counts(run: ImportRun) -> list[tuple[str, int]]:
    labels = dict(TimezoneOrigin.choices)
    return [
        (str(labels.get(origin, origin)), len(slugs) if isinstance(slugs, list) else int(slugs))
        for origin, slugs in sorted((run.timezones or {}).items())
    ]


@maintainer_only
@require_GET
def sources(request: AuthenticatedRequest) -> HttpResponse:
    # One query for the sources (with their listed meetings counted), one for their last runs
    # (a sliced prefetch is a window query): the page costs the same for 3 sources or 300.
    last_runs = ImportRun.objects.defer("problems", "diff").order_by("-started_at", "-pk")
    listed = Count("meetings", filter=Q(meetings__removed_at__isnull=True))
    rows = list(
        Source.objects.annotate(listed=listed)
        .prefetch_related(Prefetch("runs", queryset=last_runs[:RUNS_SHOWN], to_attr="last_runs"))
        .order_by("slug")
    )
    shown = [
        {
            "source": source,
            "runs": [
                {"run": run, "timezones": _timezone_counts(run)}
                for run in getattr(source, "last_runs", [])
            ],
        }
        for source in rows
    ]
    return render(
        request,
        "directory/maintain/sources.html",
        {"sources": shown, "new_source_form": NewSourceForm()},
    )


@maintainer_only
@require_POST
def source_create(request: AuthenticatedRequest) -> HttpResponse:
    form = NewSourceForm(request.POST)
    if form.is_valid():
        try:
            source = actions.create_source(
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                actor=request.user,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The source is added. Check its settings, then import it."))
            return redirect("maintain:source", slug=source.slug)
    return render(
        request,
        "directory/maintain/source_new.html",
        {"new_source_form": form},
        status=400,
    )


def _source_page(request: HttpRequest, source: Source, form: SourceForm) -> HttpResponse:
    # One query for the counts, one for the runs: the page costs the same for any source.
    counts = Meeting.objects.filter(source=source).aggregate(
        listed=Count("pk", filter=Q(removed_at__isnull=True)),
        held=Count("pk", filter=Q(removed_at__isnull=True) & ~Q(contact_details_held=[])),
        edited=Count("pk", filter=Q(removed_at__isnull=True) & ~Q(local_edits={})),
    )
    runs = list(
        ImportRun.objects.filter(source=source)
        .defer("problems", "diff", "timezones", "unknown_codes", "without_coordinates")
        .order_by("-started_at", "-pk")[:SOURCE_RUNS_SHOWN]
    )
    context = {
        "source": source,
        "form": form,
        "counts": counts,
        "runs": runs,
        "map_fields": sorted((source.import_map or {}).get("fields", {})),
    }
    return render(
        request,
        "directory/maintain/source.html",
        context,
        status=form_status(request, form),
    )


@maintainer_only
@require_http_methods(["GET", "POST"])
def source_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("default_fellowship"), slug=slug)
    data = request.POST if request.method == "POST" else None
    form = SourceForm(data, initial=source_initial(source))
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            actions.configure_source(
                source=source,
                name=values["name"],
                url=values["url"],
                refresh_hours=values["refresh_hours"] or 0,
                removal_limit=values["removal_limit"],
                contact_policy=values["contact_policy"],
                default_timezone=values["default_timezone"],
                default_fellowship=values["default_fellowship"] or None,
                actor_id=request.user.pk,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("maintain:source", slug=source.slug)
    return _source_page(request, source, form)


@maintainer_only
@require_POST
def source_import(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Start an import of the source's URL (outside this request) and show its run."""
    source = get_object_or_404(Source, slug=slug)
    try:
        run = refresh.queue_import(
            source=source,
            actor=request.user,
            allow_removals=request.POST.get("allow_removals") == "1",
            skip_unreadable=request.POST.get("skip_unreadable") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("maintain:source", slug=source.slug)
    return redirect("maintain:run", run_id=run.pk)


def _problem_rows(problems: list[dict[str, Any]], *, several_files: bool) -> list[dict[str, Any]]:
    return [
        {
            **problem,
            "where": where(problem, several_files=several_files),
            "kind": kind_label(str(problem.get("reason") or "")),
            "sentence": sentence(str(problem.get("message") or "")),
        }
        for problem in problems
    ]


def _field_name(name: str) -> str:
    """A canonical field's name as the maintainer's form labels it."""
    field = MeetingForm.base_fields.get({"start": "start_time", "end": "end_time"}.get(name, name))
    return str(field.label) if field is not None and field.label else name.replace("_", " ")


def _conflicts(run: ImportRun) -> list[dict[str, Any]]:
    return [
        {
            "slug": slug,
            "field": _field_name(name),
            "local": values.get("local"),
            "feed": values.get("feed"),
        }
        for slug, fields in sorted((run.diff.get("conflicts") or {}).items())
        for name, values in sorted(fields.items())
    ]


@maintainer_only
@require_GET
def run_detail(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("source"), pk=run_id)
    problems: list[dict[str, Any]] = list(run.problems or [])
    reason_counts = Counter(str(problem.get("reason") or "") for problem in problems)
    reasons = sorted(reason for reason in reason_counts if reason)
    form = ProblemFilterForm(request.GET or None, reasons=reasons)
    status = 200
    held = [problem for problem in problems if problem.get("reason") == "contact_in_text"]
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        severity, reason = form.cleaned_data["severity"], form.cleaned_data["reason"]
        problems = [
            problem
            for problem in problems
            if (not severity or problem.get("severity") == severity)
            and (not reason or problem.get("reason") == reason)
        ]
    page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    several = len(run.files) > 1
    diff = run.diff or {}
    created = list(diff.get("created") or [])
    updated = dict(diff.get("updated") or {})
    removed = list(diff.get("removed") or [])
    kept = dict(diff.get("local_edits_kept") or {})
    context = {
        "run": run,
        "form": form,
        "page": page,
        "problem_rows": _problem_rows(list(page.object_list), several_files=several),
        "filter_query": _query_without_page(request),
        "reason_counts": [
            (reason, kind_label(reason), count) for reason, count in sorted(reason_counts.items())
        ],
        "timezone_counts": _timezone_counts(run),
        "unknown_codes": sorted((run.unknown_codes or {}).items(), key=lambda item: -item[1]),
        "created": created[:DIFF_SHOWN],
        "created_more": max(0, len(created) - DIFF_SHOWN),
        "updated": sorted(updated.items())[:DIFF_SHOWN],
        "updated_more": max(0, len(updated) - DIFF_SHOWN),
        "removed": removed[:DIFF_SHOWN],
        "removed_more": max(0, len(removed) - DIFF_SHOWN),
        "conflicts": _conflicts(run),
        "kept_edits": sorted(kept.items())[:DIFF_SHOWN],
        "held": _problem_rows(held[:DIFF_SHOWN], several_files=several),
        "held_more": max(0, len(held) - DIFF_SHOWN),
        "without_coordinates": (run.without_coordinates or [])[:DIFF_SHOWN],
        "in_progress": run.state in (RunState.QUEUED, RunState.RUNNING),
        "poll_seconds": POLL_SECONDS,
        "can_fetch": bool(run.source.url),
    }
    return render(request, "directory/maintain/run.html", context, status=status)


@maintainer_only
@require_GET
def run_status(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    """What the run's page polls while an import from the web runs. Once it has finished,
    htmx reloads the whole page, which then shows the result."""
    run = get_object_or_404(ImportRun.objects.select_related("source"), pk=run_id)
    in_progress = run.state in (RunState.QUEUED, RunState.RUNNING)
    response = render(
        request,
        "directory/maintain/_run_status.html",
        {"run": run, "in_progress": in_progress, "poll_seconds": POLL_SECONDS},
    )
    if not in_progress and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@maintainer_only
@require_GET
def meetings(request: AuthenticatedRequest) -> HttpResponse:
    slugs = list(Source.objects.order_by("slug").values_list("slug", flat=True))
    form = MeetingFilterForm(request.GET or None, sources=slugs)
    found = Meeting.objects.select_related("source", "fellowship")
    status = 200
    state = "active"
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        state = form.cleaned_data["state"] or "active"
        if form.cleaned_data["q"]:
            found = found.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["source"]:
            found = found.filter(source__slug=form.cleaned_data["source"])
    if state == "removed":
        found = found.filter(removed_at__isnull=False)
    elif state == "held":
        found = found.active().held_for_review()
    elif state == "edited":
        found = found.active().edited_locally()
    else:
        found = found.active()
    page = Paginator(found.order_by(Lower("name"), "day", "start_time", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/maintain/meetings.html",
        {"form": form, "page": page, "filter_query": _query_without_page(request)},
        status=status,
    )


def _place_pin(request: HttpRequest, canonical: CanonicalMeeting) -> CanonicalMeeting:
    """Ask the geocoder for a pin when none was placed; never blocks the save."""
    if canonical.latitude is not None:
        return canonical
    address = canonical.formatted_address
    point = suggest_coordinates(address) if address and not canonical.approximate else None
    if point is None:
        if canonical.attendance in ("in_person", "hybrid"):
            messages.info(
                request,
                _("This meeting has no pin yet: place it on the map so people nearby find it."),
            )
        return canonical
    messages.info(request, _("The pin was placed from the address: check it on the map."))
    return dataclasses.replace(canonical, latitude=point[0], longitude=point[1])


def _note_unknown_codes(request: HttpRequest, canonical: CanonicalMeeting) -> None:
    if canonical.unknown_codes:
        messages.warning(
            request,
            _("Kept type codes the %(fellowship)s list does not know: %(codes)s.")
            % {"fellowship": canonical.fellowship, "codes": ", ".join(canonical.unknown_codes)},
        )


def _map_config() -> dict[str, Any]:
    # The search page's tile server (HOMEGROUP_MAP_TILES). Without tiles (offline) the pin still
    # goes on a blank map, and the coordinates can always be typed.
    return {
        "tiles": getattr(settings, "HOMEGROUP_MAP_TILES", ""),
        "attribution": "© OpenStreetMap contributors",
        "pinTitle": _("The meeting's pin"),
    }


def _form_context(form: MeetingForm, **extra: Any) -> dict[str, Any]:
    fellowships = list(Fellowship.objects.order_by("code").values_list("code", flat=True))
    return {
        "form": form,
        "fellowship_codes": fellowships,
        "map_config": _map_config(),
        **extra,
    }


@maintainer_only
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initial={"fellowship": "AA"})
    if data is not None and form.is_valid():
        canonical = _place_pin(request, form.to_canonical(base=None))
        try:
            meeting = actions.create_meeting_by_maintainer(canonical=canonical, actor=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            _note_unknown_codes(request, canonical)
            messages.success(request, _("The meeting is listed."))
            return redirect("maintain:meeting-edit", slug=meeting.slug)
    return render(
        request,
        "directory/maintain/meeting_form.html",
        _form_context(form, meeting=None),
        status=form_status(request, form),
    )


def _public_url(meeting: Meeting) -> str:
    """The meeting's public page."""
    return reverse("directory:meeting", kwargs={"slug": meeting.slug})


@maintainer_only
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related("source", "fellowship", "region__parent__parent"),
        slug=slug,
    )
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initial=meeting_initial(meeting))
    if data is not None and form.is_valid():
        if not form.has_changed():
            messages.info(request, _("Nothing was changed."))
            return redirect("maintain:meeting-edit", slug=meeting.slug)
        base = canonical_from_meeting(meeting)
        canonical = _place_pin(
            request,
            form.to_canonical(
                base=base, base_attendance=(meeting.attendance, meeting.attendance_reason)
            ),
        )
        try:
            saved = actions.update_meeting_by_maintainer(
                meeting=meeting, canonical=canonical, actor=request.user
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            _note_unknown_codes(request, canonical)
            messages.success(request, _("Saved."))
            return redirect("maintain:meeting-edit", slug=saved.meeting.slug)
    return render(
        request,
        "directory/maintain/meeting_form.html",
        _form_context(
            form,
            meeting=meeting,
            public_url=_public_url(meeting),
            local_edits=_local_edits(meeting),
        ),
        status=form_status(request, form),
    )


def _local_edits(meeting: Meeting) -> list[dict[str, Any]]:
    """The meeting's edits kept over its feed, in the form's order, with the feed's value."""
    edits = meeting.local_edits or {}
    return [
        {"field": _field_name(name), "local": edits[name]["local"], "feed": edits[name]["feed"]}
        for name in TRACKED
        if name in edits and name not in ("duration", "attendance_reason")
    ]


@maintainer_only
@require_POST
def meeting_publish_contact(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, slug=slug)
    form = PublishContactForm(request.POST)
    if not form.is_valid():
        return render(request, "errors/400.html", status=400)
    try:
        actions.publish_contact_details(
            meeting=meeting, values=[form.cleaned_data["value"]], actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(value)s is shown on the public page and in the feed now.")
            % {"value": form.cleaned_data["value"]},
        )
    return redirect("maintain:meeting-edit", slug=meeting.slug)


@maintainer_only
@require_http_methods(["GET", "POST"])
def meeting_medication(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Record a statement about people on medication: the group's own, or the maintainer's own
    check of the meeting. It counts at once and shows on the meeting's page."""
    meeting = get_object_or_404(Meeting.objects.select_related("fellowship"), slug=slug)
    data = request.POST if request.method == "POST" else None
    form = MatStatementForm(data, initial={"observed_on": timezone.localdate()})
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            actions.add_mat_evidence(
                meeting=meeting,
                actor=request.user,
                kind=values["kind"],
                stance=values["stance"],
                summary=values["summary"],
                observed_on=values["observed_on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            meeting.refresh_from_db(fields=["mat_level"])
            messages.success(
                request,
                _("Recorded. %(name)s is now: %(level)s.")
                % {"name": meeting.name, "level": meeting.get_mat_level_display()},
            )
            return redirect("maintain:meeting-medication", slug=meeting.slug)
    kinds = dict(EvidenceKind.choices)
    stances = dict(Stance.choices)
    evidence = [
        {
            "item": item,
            "kind": kinds.get(item.kind, item.kind),
            "stance": stances.get(item.stance, item.stance),
            "withdrawable": item.source_id is None,
        }
        for item in MatEvidence.objects.counted()
        .filter(meeting=meeting)
        .defer("reporter_key")
        .order_by("-observed_at", "-pk")
    ]
    return render(
        request,
        "directory/maintain/medication.html",
        {"meeting": meeting, "form": form, "evidence": evidence},
        status=form_status(request, form),
    )


@maintainer_only
@require_POST
def evidence_withdraw(request: AuthenticatedRequest, slug: str, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(
        MatEvidence.objects.select_related("meeting"), pk=evidence_id, meeting__slug=slug
    )
    try:
        actions.withdraw_mat_evidence(evidence=evidence, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("maintain:meeting-medication", slug=slug)


@maintainer_only
@require_POST
def meeting_remove(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, slug=slug)
    actions.remove_meeting_by_maintainer(meeting=meeting, actor=request.user)
    messages.success(
        request, _("%(name)s is no longer listed. Its history is kept.") % {"name": meeting.name}
    )
    return redirect("maintain:meeting-edit", slug=meeting.slug)


@maintainer_only
@require_POST
def meeting_restore(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, slug=slug)
    actions.restore_meeting_by_maintainer(meeting=meeting, actor=request.user)
    messages.success(request, _("%(name)s is listed again.") % {"name": meeting.name})
    return redirect("maintain:meeting-edit", slug=meeting.slug)


def _field_label(name: str) -> str:
    try:
        return str(getattr(Meeting._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:  # a field since renamed still shows by its old name
        return name


@maintainer_only
@require_GET
def meeting_history(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("source"), slug=slug)
    page = Paginator(
        MeetingChange.objects.filter(meeting=meeting).order_by("-changed_at", "-pk"), PER_PAGE
    ).get_page(request.GET.get("page"))
    changes = list(page.object_list)
    actor_ids = {change.actor_id for change in changes if change.actor_id}
    # The audit keeps plain ids; one query turns this page's ids into names.
    names = (
        dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "display_name"))
        if actor_ids
        else {}
    )
    rows = [
        {
            "change": change,
            "actor_name": names.get(change.actor_id) if change.actor_id else None,
            "fields": [
                {"label": _field_label(name), "old": pair[0], "new": pair[1]}
                for name, pair in sorted((change.fields or {}).items())
                if isinstance(pair, list | tuple) and len(pair) == 2
            ],
        }
        for change in changes
    ]
    return render(
        request,
        "directory/maintain/history.html",
        {"meeting": meeting, "page": page, "rows": rows},
    )


@maintainer_only
@require_GET
def reports(request: AuthenticatedRequest) -> HttpResponse:
    # Never who: the queue shows what was reported, about which meeting and when; the meetings
    # with the most reports waiting first (directory/evidence_summary.py).
    page = Paginator(evidence_summary.review_queue(), PER_PAGE).get_page(request.GET.get("page"))
    total, areas = evidence_summary.by_area()
    return render(
        request,
        "directory/maintain/reports.html",
        {"page": page, "total": total, "areas": areas, "levels": MatLevel.choices},
    )


@maintainer_only
@require_POST
def report_review(request: AuthenticatedRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(MatEvidence.objects.select_related("meeting"), pk=evidence_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "errors/400.html", status=400)
    if evidence.review_status != ReviewStatus.PENDING:
        messages.info(request, _("That report was already reviewed."))
        return redirect("maintain:reports")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        actions.review_mat_report(evidence=evidence, reviewer=request.user, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        meeting = Meeting.objects.only("name", "mat_level").get(pk=evidence.meeting_id)
        messages.success(
            request,
            (
                _("Accepted. %(name)s is now: %(level)s.")
                if accept
                else _("Rejected. %(name)s stays: %(level)s.")
            )
            % {"name": meeting.name, "level": meeting.get_mat_level_display()},
        )
    return redirect("maintain:reports")
