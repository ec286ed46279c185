"""Django's admin for the directory's reference data only: fellowships, regions, sources.

Meetings, evidence and runs are changed through actions (history, audit, MAT levels); nothing
about a person is registered here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.forms import Form
from django.http import HttpRequest

from homegroup.directory import version
from homegroup.directory.models import Fellowship, Region, Source

if TYPE_CHECKING:
    FellowshipBase = admin.ModelAdmin[Fellowship]
    RegionBase = admin.ModelAdmin[Region]
    SourceBase = admin.ModelAdmin[Source]
else:  # ModelAdmin is generic for the type checker only
    FellowshipBase = RegionBase = SourceBase = admin.ModelAdmin


@admin.register(Fellowship)
class FellowshipAdmin(FellowshipBase):
    list_display = ("code", "name", "medication_inclusive_charter")
    list_filter = ("medication_inclusive_charter",)
    search_fields = ("code", "name")

    # A fellowship's code is a search filter and its charter is shown with every result: a
    # change is a new directory version (the admin runs each save in a transaction).
    def save_model(self, request: HttpRequest, obj: Fellowship, form: Form, change: bool) -> None:
        version.bump()
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Fellowship) -> None:
        version.bump()
        super().delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(RegionBase):
    list_display = ("name", "parent")
    search_fields = ("name",)
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


@admin.register(Source)
class SourceAdmin(SourceBase):
    list_display = ("slug", "name", "feed_format", "default_fellowship", "default_timezone")
    search_fields = ("slug", "name")
    list_select_related = ("default_fellowship",)
    # Set on the source's page (actions.configure_source): a new contact policy must re-hide or
    # show its meetings' numbers at once, and a map is checked before it is kept.
    readonly_fields = ("created_at", "contact_policy", "import_map")
