"""The program admin's outcome report: the page, its JSON and CSV tables, and the de-identified
export for researchers. Program admins only (others 403); only the programs they administer
(another program is not found). Every answer is audited with the program's id, never a person's.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from homegroup.accounts.models import Role
from homegroup.accounts.permissions import role_required
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.outcomes import analysis, charts, reports
from homegroup.privacy.models import Program, ProgramMembership


def _programs(request: HttpRequest) -> list[Program]:
    return [
        membership.program
        for membership in ProgramMembership.objects.admins()
        .filter(user=request.user)  # type: ignore[misc]
        .select_related("program")
        .order_by("program__name")
    ]


def _program(request: HttpRequest) -> tuple[Program | None, list[Program]]:
    """The administered program the page is about: `?program=<id>` or the first one."""
    programs = _programs(request)
    chosen = request.GET.get("program")
    if chosen is None:
        return (programs[0] if programs else None), programs
    found = next((p for p in programs if str(p.pk) == chosen), None)
    if found is None:
        raise Http404
    return found, programs


def _program_or_404(request: HttpRequest) -> Program:
    program, _programs = _program(request)
    if program is None:
        raise Http404
    return program


def _audited(request: HttpRequest, program: Program, what: AuditAction) -> None:
    audit.record(
        action=what,
        actor_id=request.user.pk,
        object_type="program",
        object_id=program.pk,
    )


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.PROGRAM_ADMIN)
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    program, programs = _program(request)
    if program is None:
        return render(request, "outcomes/report.html", {"report": None, "programs": programs})
    built = reports.build(program=program)
    _audited(request, program, AuditAction.OUTCOMES_REPORT_VIEWED)
    context: dict[str, Any] = {
        "program": program,
        "programs": programs,
        "report": built.numbers,
        "figures": charts.figures(built.numbers),
        "tables": reports.TABLES,
        "meeting_bins": analysis.MEETING_BINS,
    }
    return render(request, "outcomes/report.html", context)


@role_required(Role.PROGRAM_ADMIN)
@require_GET
def report_json(request: HttpRequest) -> HttpResponse:
    program = _program_or_404(request)
    built = reports.build(program=program)
    _audited(request, program, AuditAction.OUTCOMES_REPORT_DOWNLOADED)
    return _download(
        json.dumps(built.numbers, indent=2), "application/json", "outcomes-report.json"
    )


@role_required(Role.PROGRAM_ADMIN)
@require_GET
def table_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in reports.TABLES:
        raise Http404
    program = _program_or_404(request)
    built = reports.build(program=program)
    _audited(request, program, AuditAction.OUTCOMES_TABLE_DOWNLOADED)
    return _download(
        reports.to_csv(reports.table_rows(built.numbers, table)),
        "text/csv; charset=utf-8",
        f"outcomes-{table.replace('_', '-')}.csv",
    )


@role_required(Role.PROGRAM_ADMIN)
@require_GET
def research_export(request: HttpRequest) -> HttpResponse:
    """One row per person and window, de-identified by HIPAA Safe Harbor (P2-14)."""
    program = _program_or_404(request)
    built = reports.build(program=program)
    _audited(request, program, AuditAction.OUTCOMES_EXPORT)
    return _download(
        reports.research_export(built),
        "text/csv; charset=utf-8",
        "outcomes-deidentified.csv",
    )
