"""The sponsor's or supporter's view of what a person shared with them (`/shared/<person_id>/`).

It lives in the journal because it shows journal data to someone with no clinical role: the
journal asks `privacy.gate` (an arrow the layering allows) and knows nothing about clinicians,
whose view of the same record is in `care`. Marked `@gated`: without an active consent for
this viewer the answer is 404 and the gate has audited the attempt.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from homegroup.accounts.models import User
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.journal import disclosed
from homegroup.privacy import categories, gate
from homegroup.privacy.models import Channel, Purpose


@login_required
@require_GET
@gate.gated
def shared_record(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    if viewer.pk == person_id:
        # A person's own journal has its own pages; this one is for the people they share with.
        return redirect("journal:recovery")
    disclosure = gate.disclose(
        viewer=viewer,
        person=person_id,
        # Everything a personal share can hold: counseling notes are never part of one.
        categories_requested=categories.JOURNAL,
        channel=Channel.PAGE,
        purpose=Purpose.PERSONAL_SUPPORT,
    )
    if not disclosure.allowed:
        raise Http404
    person = User.objects.get(pk=person_id, is_active=True)  # the gate denied anyone else
    return render(
        request,
        "journal/shared_record.html",
        {
            "person": person,
            "disclosure": disclosure,
            "record": disclosed.shared_record(disclosure, person),
        },
    )
