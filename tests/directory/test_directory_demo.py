"""The directory step of `homegroup demo`: the real sample feeds and a few synthetic records."""

from __future__ import annotations

from collections import Counter

import pytest

from homegroup.accounts import demo as accounts_demo
from homegroup.directory import demo
from homegroup.directory.models import ImportRun, MatEvidence, Meeting, Source

pytestmark = pytest.mark.django_db


def test_the_demo_imports_the_sample_feeds_once_and_shows_every_level():
    accounts_demo.load()
    first = demo.load()
    assert first.startswith("Directory: 6 sources, 2346 meetings (2346 created)")
    assert set(Source.objects.values_list("slug", flat=True)) == {
        "gnyr-na",
        "finger-lakes-na",
        "quinte-aa",
        "tsml-sample",
        "new-mexico-aa",
        "synthetic-demo",
    }
    levels = Counter(Meeting.objects.values_list("mat_level", flat=True))
    assert levels == {
        "unknown": 2341,
        "confirmed_welcoming": 3,  # a synthetic statement; the MARA meeting on two days
        "reported_welcoming": 1,
        "reported_unwelcoming": 1,
    }
    assert MatEvidence.objects.filter(review_status="pending").count() == 1
    synthetic = MatEvidence.objects.filter(kind="publisher_statement").get()
    assert synthetic.summary.startswith("Synthetic demo data")
    runs = ImportRun.objects.count()
    second = demo.load()
    assert "(0 created), 0 synthetic evidence records added" in second
    assert ImportRun.objects.count() == runs
    assert Meeting.objects.count() == 2346


def test_without_the_demo_accounts_only_the_feeds_are_loaded(monkeypatch):
    tsml_only = [source for source in demo.DEMO_SOURCES if source.slug == "tsml-sample"]
    monkeypatch.setattr(demo, "DEMO_SOURCES", tsml_only)
    summary = demo.load()
    assert summary.startswith("Directory: 2 sources, 14 meetings (14 created)")
    assert "0 synthetic evidence records added" in summary
    assert Meeting.objects.filter(name__startswith="MARA").count() == 2
