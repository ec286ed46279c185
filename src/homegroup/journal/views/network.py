"""The support network (Important People) and its indices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions
from homegroup.journal.forms import (
    NetworkMemberForm,
)
from homegroup.journal.models import (
    JournalProfile,
    MeasureRequest,
    NetworkMember,
    NetworkSnapshot,
)
from homegroup.journal.views.common import GET_POST, journal_page, person_required
from homegroup.measures import network
from homegroup.privacy.access import get_visible_or_404

INDEX_LABELS = {
    "size": _lazy("People in your network"),
    "daily": _lazy("People you are in touch with daily"),
    "average_importance": _lazy("Average importance (1-5)"),
    "percent_heavy_drinkers": _lazy("People who drink heavily (%)"),
    "percent_heavy_drug_users": _lazy("People who use drugs heavily (%)"),
    "percent_abstinent_from_alcohol": _lazy("People who don't drink, or are in recovery (%)"),
    "percent_abstinent_from_drugs": _lazy("People who don't use drugs, or are in recovery (%)"),
    "important_supporting_not_drinking": _lazy(
        "Very important people who encourage you not to drink"
    ),
    "important_supporting_not_using_drugs": _lazy(
        "Very important people who encourage you not to use drugs"
    ),
    "important_encouraging_drinking": _lazy("Very important people who encouraged your drinking"),
    "important_encouraging_drug_use": _lazy("Very important people who encouraged your drug use"),
    "supporters_of_recovery": _lazy("People who support your recovery and treatment"),
    "supporters_of_medication": _lazy("People who support your medication"),
    "in_fellowship": _lazy("People in a fellowship"),
    "sponsor_listed": _lazy("Your sponsor is listed in your network"),
}


@person_required
@require_http_methods(["GET"])
def network_page(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    members = list(NetworkMember.objects.visible_to(person))
    indices = network.network_indices(actions.network_person(m) for m in members)
    earlier = NetworkSnapshot.objects.before(today).visible_to(person).first()
    before = network.NetworkIndices.from_json(earlier.indices, earlier.version) if earlier else None
    changes = [
        {"change": change, "label": INDEX_LABELS[change.name]}
        for change in network.compare(before, indices)
    ]
    context = {
        "members": members,
        "indices": indices,
        "changes": changes,
        "earlier": earlier,
        "can_add": len(members) < network.MAX_PEOPLE,
        "max_people": network.MAX_PEOPLE,
        "asked": MeasureRequest.objects.open()
        .visible_to(person)
        .filter(instrument=actions.NETWORK_REVIEW)
        .exists(),
    }
    return journal_page(request, "journal/network.html", context, object_type="network")


def _member_form_page(request: AuthenticatedRequest, member: NetworkMember | None) -> HttpResponse:
    person = request.user
    data = request.POST if request.method == "POST" else None
    initial = (
        NetworkMemberForm.initial_from(member) if member else {"supports_medication": "unknown"}
    )
    form = NetworkMemberForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_network_member(person=person, member=member, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your network is saved."))
            return redirect("journal:network")
    return journal_page(
        request,
        "journal/network_form.html",
        {"form": form, "member": member},
        object_type="network_member",
        object_id=member.pk if member else "",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def network_new(request: AuthenticatedRequest) -> HttpResponse:
    return _member_form_page(request, None)


@person_required
@GET_POST
def network_edit(request: AuthenticatedRequest, member_id: int) -> HttpResponse:
    member = get_visible_or_404(NetworkMember.objects.all(), request.user, pk=member_id)
    return _member_form_page(request, member)


@person_required
@require_POST
def network_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """ "Still up to date": the network looked over, unchanged (answers the care team's request)."""
    actions.confirm_network(person=request.user)
    messages.success(request, _("Thank you. Your network is marked as looked over today."))
    return redirect("journal:network")


@person_required
@require_POST
def network_delete(request: AuthenticatedRequest, member_id: int) -> HttpResponse:
    member = get_visible_or_404(NetworkMember.objects.all(), request.user, pk=member_id)
    actions.remove_network_member(person=request.user, member=member)
    messages.success(request, _("They were taken off your network."))
    return redirect("journal:network")
