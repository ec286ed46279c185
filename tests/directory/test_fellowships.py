"""The fellowships' reference data, and Django's admin for reference data only."""

from __future__ import annotations

import pytest
from django.contrib import admin

from homegroup.directory.models import Fellowship, ImportRun, MatEvidence, Meeting

pytestmark = pytest.mark.django_db


def test_the_fellowships_are_there_from_the_first_migration():
    codes = set(Fellowship.objects.values_list("code", flat=True))
    assert {"AA", "NA", "CA", "CMA", "MA", "HA", "OA", "GA", "SAA", "ACA", "ALANON"} <= codes
    assert {"MARA", "SMART", "RD", "RR", "LIFERING", "CR"} <= codes
    assert Fellowship.objects.get(code="ALANON").name == "Al-Anon Family Groups"


def test_only_mara_smart_recovery_and_recovery_dharma_have_a_medication_inclusive_charter():
    inclusive = Fellowship.objects.filter(medication_inclusive_charter=True)
    assert set(inclusive.values_list("code", flat=True)) == {"MARA", "SMART", "RD"}
    assert all(fellowship.charter_reference for fellowship in inclusive)
    assert not Fellowship.objects.filter(medication_inclusive_charter=False).exclude(
        charter_reference=""
    )


def test_the_admin_holds_reference_data_and_nothing_about_meetings_or_people():
    registered = set(admin.site._registry)
    assert {model._meta.label for model in registered if model._meta.app_label == "directory"} == {
        "directory.Fellowship",
        "directory.Region",
        "directory.Source",
    }
    assert not {Meeting, MatEvidence, ImportRun} & registered
