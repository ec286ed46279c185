"""Self-report measures (BAM, AAI): the list, a questionnaire, a result."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions
from homegroup.journal.forms import (
    InstrumentForm,
)
from homegroup.journal.models import (
    MeasureResponse,
)
from homegroup.journal.views.common import GET_POST, journal_page, person_required
from homegroup.measures import aai, bam, registry
from homegroup.privacy.access import get_visible_or_404

RESPONSES_LISTED = 50


@person_required
@require_http_methods(["GET"])
def measures(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    titles = {key: instrument.title for key, instrument in registry.INSTRUMENTS.items()}
    responses = MeasureResponse.objects.latest_first().visible_to(person)[:RESPONSES_LISTED]
    context = {
        "responses": [
            {"response": r, "title": titles.get((r.instrument, r.version), r.instrument)}
            for r in responses
        ]
    }
    return journal_page(request, "journal/measures.html", context, object_type="measure_response")


def _instrument_page(request: AuthenticatedRequest, instrument_id: str) -> HttpResponse:
    person = request.user
    instrument = registry.instrument(instrument_id)
    data = request.POST if request.method == "POST" else None
    form = InstrumentForm(data, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            response = actions.record_measure(
                person=person, instrument_id=instrument.id, answers=form.answers()
            )
        except ValidationError as error:
            attach_errors(form, error, prefix="item_")
        else:
            return redirect("journal:measure-result", response_id=response.pk)
    return journal_page(
        request,
        "journal/instrument_form.html",
        {"form": form, "instrument": instrument},
        object_type="measure_response",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def measure_bam(request: AuthenticatedRequest) -> HttpResponse:
    return _instrument_page(request, bam.ID)


@person_required
@GET_POST
def measure_aai(request: AuthenticatedRequest) -> HttpResponse:
    return _instrument_page(request, aai.ID)


@person_required
@require_http_methods(["GET"])
def measure_result(request: AuthenticatedRequest, response_id: int) -> HttpResponse:
    response = get_visible_or_404(MeasureResponse.objects.all(), request.user, pk=response_id)
    context: dict[str, Any] = {"response": response}
    if response.instrument == bam.ID:
        try:
            context["notes"] = bam.item_notes(response.answers, response.version)
        except KeyError:
            raise Http404 from None
        context["template"] = "journal/_bam_result.html"
    else:
        context["template"] = "journal/_aai_result.html"
    try:
        context["instrument"] = registry.instrument(response.instrument, response.version)
    except KeyError:
        raise Http404 from None
    return journal_page(
        request,
        "journal/measure_result.html",
        context,
        object_type="measure_response",
        object_id=response.pk,
    )
