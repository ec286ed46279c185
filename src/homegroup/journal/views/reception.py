"""The answer to the check-in's question "How did this meeting receive you as someone on
medication?" (journal/reception.py): one tap from the check-in page, or a small page to change
it later. Only about a meeting the person logged; any other meeting is a 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import role_required
from homegroup.directory.models import Meeting
from homegroup.journal import actions, reception
from homegroup.journal.models import REPORTED_RECEPTIONS, MeetingReception, Reception

ANSWERS = [
    (Reception.WELCOMING, gettext_lazy("Welcoming")),
    (Reception.DID_NOT_COME_UP, gettext_lazy("It didn't come up")),
    (Reception.UNWELCOMING, gettext_lazy("Unwelcoming")),
    (Reception.PREFER_NOT_TO_SAY, gettext_lazy("Prefer not to say")),
]


def _day_url(day: date) -> str:
    return reverse("journal:day", kwargs={"day": day})


@role_required(Role.PERSON_IN_RECOVERY)
@require_http_methods(["GET", "POST"])
def meeting_reception(request: HttpRequest, meeting_id: int) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    meeting = get_object_or_404(Meeting.objects.select_related("fellowship"), pk=meeting_id)
    attended_on = reception.logged(person, meeting)
    if attended_on is None:
        raise Http404  # not a meeting of this person's journal: nothing to say about it
    day = attended_on
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        note = request.POST.get("note", "") if answer in REPORTED_RECEPTIONS else ""
        if request.POST.get("day"):
            try:
                day = date.fromisoformat(request.POST["day"])
            except ValueError:
                day = attended_on
        try:
            saved = reception.answer_reception(
                person=person, meeting=meeting, answer=answer, note=note, day=day
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        if saved.answer in REPORTED_RECEPTIONS:
            messages.success(
                request,
                _(
                    "Thank you. Your answer is in your journal, and an anonymous report goes to "
                    "a directory maintainer, who reviews it before it counts."
                ),
            )
        elif saved.answer == Reception.SKIPPED:
            messages.info(request, _("All right. We won't ask about this meeting again."))
        else:
            messages.success(request, _("Thank you. Your answer stays in your journal only."))
        return redirect(_day_url(day))
    current = MeetingReception.objects.visible_to(person).filter(meeting=meeting).first()
    actions.note_read(
        viewer=person, person=person, object_type="meeting_reception", object_id=meeting.pk
    )
    return render(
        request,
        "journal/meeting_reception.html",
        {
            "meeting": meeting,
            "day": day,
            "answers": ANSWERS,
            "current": current,
            "back_url": _day_url(day),
        },
    )
