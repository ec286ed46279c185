"""Sign-in signals, forwarded (no logic lives here)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from homegroup.journal import context_processors, pin_lock
from homegroup.journal.models import JournalProfile


@receiver(user_logged_in)
def _remember_discreet_mode(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is None or not getattr(user, "is_person_in_recovery", False):
        return
    found = JournalProfile.objects.filter(person=user).values_list(
        "discreet_mode", "timezone", "pin_hash", "pin_idle_minutes"
    )
    on, zone, pin_hash, idle = found.first() or (False, "", "", None)
    context_processors.remember_discreet_mode(request, on)
    context_processors.remember_timezone(request, zone)
    pin_lock.remember_pin(request, idle if pin_hash else None)
