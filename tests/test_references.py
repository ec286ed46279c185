"""The project carries its own references (docs/references.md): every instrument module points
there, and the page names each module that implements an instrument or rule."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

REFERENCES = Path(__file__).resolve().parents[1] / "docs" / "references.md"

MODULES = {
    "homegroup.measures.bam": "measures/bam.py",
    "homegroup.measures.aai": "measures/aai.py",
    "homegroup.measures.network": "measures/network.py",
    "homegroup.journal.safety": "journal/safety.py",
    "homegroup.journal.safety_wording": "journal/safety_wording.py",
    "homegroup.journal.recovery": "journal/recovery.py",
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_instrument_and_rule_module_points_to_the_references(module):
    assert "docs/references.md" in (importlib.import_module(module).__doc__ or "")


@pytest.mark.parametrize("path", sorted(MODULES.values()))
def test_the_references_name_the_module_that_implements_each_source(path):
    assert path in REFERENCES.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "source",
    [
        "Brief Addiction Monitor",
        "Cacciola",
        "CESATE",
        "Cloud RN",
        "α = 0.72",
        "Affiliation Scale",
        "PhenX",
        "590202",
        "Zywiak",
        "DSM-5-TR",
        "Overdose Prevention and Response",
        "National Guidelines for Medication-Assisted Treatment",
        "prescribing information",
        "Words Matter",
        "94-3722",
        "Public domain except",
        "paraphrased here, never copied",
        "1-800-484-3731",
        "treatment referral",
    ],
)
def test_the_references_list_every_source_the_issue_names(source):
    assert source.lower() in REFERENCES.read_text(encoding="utf-8").lower()
