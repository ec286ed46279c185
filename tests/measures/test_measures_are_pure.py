"""measures, journal.recovery and journal.safety are pure: importing them loads no Django and
no model (the clinician's alerts reuse the safety rule as it is)."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
MODULES = [
    "homegroup.measures.bam",
    "homegroup.measures.aai",
    "homegroup.measures.network",
    "homegroup.measures.registry",
    "homegroup.journal.recovery",
    "homegroup.journal.safety",
]


def test_importing_measures_and_recovery_loads_no_django_and_no_other_app():
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in MODULES)
        + "loaded = sorted(name for name in sys.modules if name == 'django' "
        + "or name.startswith('django.') or (name.startswith('homegroup.') and not "
        + "name.startswith(('homegroup.measures', 'homegroup.journal.recovery', "
        + "'homegroup.journal.safety')) "
        + "and name != 'homegroup.journal'))\n"
        + "print(','.join(loaded))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    assert completed.stdout.strip() == ""


def test_the_registry_scores_each_instrument_by_id():
    from homegroup.measures import registry

    scored = registry.score("aai-core", {"meetings": 3, "steps": 1, "member": 1})
    assert scored.instrument.version == "1"
    assert scored.scores["meetings"] == 3
