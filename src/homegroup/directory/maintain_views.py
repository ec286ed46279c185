"""The directory maintainer's pages: sources and their import runs, meetings by hand (with the pin
placed on a map), removal, history, and the queue of MAT reports to review.

Directory maintainers only. Every page reads a constant number of queries whatever the number of
sources, runs or meetings (pinned in tests/directory/test_maintain_*.py); every write is an action.
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
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import role_required
from homegroup.directory import actions
from homegroup.directory.forms import (
    MeetingFilterForm,
    MeetingForm,
    ProblemFilterForm,
    ReviewForm,
    meeting_initial,
)
from homegroup.directory.geocoding import suggest_coordinates
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.models import (
    Fellowship,
    ImportRun,
    MatEvidence,
    Meeting,
    MeetingChange,
    ReviewStatus,
    Source,
    TimezoneOrigin,
    canonical_from_meeting,
)
from homegroup.forms import attach_errors, form_status

maintainer_only = role_required(Role.DIRECTORY_MAINTAINER)

RUNS_SHOWN = 5  # the last runs of each source on the sources page
PROBLEMS_PER_PAGE = 100
DIFF_SHOWN = 200  # slugs listed per part of a run's diff; the rest are counted
PER_PAGE = 50


def _maintainer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _timezone_counts(run: ImportRun) -> list[tuple[str, int]]:
    labels = dict(TimezoneOrigin.choices)
    return [
        (str(labels.get(origin, origin)), len(slugs) if isinstance(slugs, list) else int(slugs))
        for origin, slugs in sorted((run.timezones or {}).items())
    ]


@maintainer_only
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
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
    return render(request, "directory/maintain/sources.html", {"sources": shown})


@maintainer_only
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("source"), pk=run_id)
    problems: list[dict[str, Any]] = list(run.problems or [])
    reason_counts = Counter(str(problem.get("reason") or "") for problem in problems)
    reasons = sorted(reason for reason in reason_counts if reason)
    form = ProblemFilterForm(request.GET or None, reasons=reasons)
    status = 200
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
    diff = run.diff or {}
    created = list(diff.get("created") or [])
    updated = dict(diff.get("updated") or {})
    removed = list(diff.get("removed") or [])
    context = {
        "run": run,
        "form": form,
        "page": page,
        "filter_query": _query_without_page(request),
        "reason_counts": sorted(reason_counts.items()),
        "timezone_counts": _timezone_counts(run),
        "unknown_codes": sorted((run.unknown_codes or {}).items(), key=lambda item: -item[1]),
        "created": created[:DIFF_SHOWN],
        "created_more": max(0, len(created) - DIFF_SHOWN),
        "updated": sorted(updated.items())[:DIFF_SHOWN],
        "updated_more": max(0, len(updated) - DIFF_SHOWN),
        "removed": removed[:DIFF_SHOWN],
        "removed_more": max(0, len(removed) - DIFF_SHOWN),
    }
    return render(request, "directory/maintain/run.html", context, status=status)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@maintainer_only
@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
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
    found = found.active() if state == "active" else found.filter(removed_at__isnull=False)
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
def meeting_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initial={"fellowship": "AA"})
    if data is not None and form.is_valid():
        canonical = _place_pin(request, form.to_canonical(base=None))
        try:
            meeting = actions.create_meeting_by_maintainer(
                canonical=canonical, actor=_maintainer(request)
            )
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


def _public_url(meeting: Meeting) -> str | None:
    """The meeting's public page, when the search pages are installed."""
    try:
        return reverse("directory:meeting", kwargs={"slug": meeting.slug})
    except NoReverseMatch:
        return None


@maintainer_only
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str) -> HttpResponse:
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
                meeting=meeting, canonical=canonical, actor=_maintainer(request)
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
        _form_context(form, meeting=meeting, public_url=_public_url(meeting)),
        status=form_status(request, form),
    )


@maintainer_only
@require_POST
def meeting_remove(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, slug=slug)
    actions.remove_meeting_by_maintainer(meeting=meeting, actor=_maintainer(request))
    messages.success(
        request, _("%(name)s is no longer listed. Its history is kept.") % {"name": meeting.name}
    )
    return redirect("maintain:meeting-edit", slug=meeting.slug)


@maintainer_only
@require_POST
def meeting_restore(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, slug=slug)
    actions.restore_meeting_by_maintainer(meeting=meeting, actor=_maintainer(request))
    messages.success(request, _("%(name)s is listed again.") % {"name": meeting.name})
    return redirect("maintain:meeting-edit", slug=meeting.slug)


def _field_label(name: str) -> str:
    try:
        return str(getattr(Meeting._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:  # a field since renamed still shows by its old name
        return name


@maintainer_only
@require_GET
def meeting_history(request: HttpRequest, slug: str) -> HttpResponse:
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
def reports(request: HttpRequest) -> HttpResponse:
    # Never who: the queue shows what was reported, about which meeting and when.
    pending = (
        MatEvidence.objects.awaiting_review()
        .select_related("meeting")
        .defer("reporter_key", "reviewed_by_id")
        .order_by("recorded_at", "pk")
    )
    page = Paginator(pending, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/maintain/reports.html", {"page": page})


@maintainer_only
@require_POST
def report_review(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(MatEvidence.objects.select_related("meeting"), pk=evidence_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "errors/400.html", status=400)
    if evidence.review_status != ReviewStatus.PENDING:
        messages.info(request, _("That report was already reviewed."))
        return redirect("maintain:reports")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        actions.review_mat_report(evidence=evidence, reviewer=_maintainer(request), accept=accept)
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
