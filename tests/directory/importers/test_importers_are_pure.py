"""The importers and lib are pure: importing them loads no Django and no other app."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src"

MODULES = [
    "homegroup.lib.weekdays",
    "homegroup.lib.times",
    "homegroup.lib.text",
    "homegroup.lib.geo",
    "homegroup.lib.timezones",
    "homegroup.directory.importers",
    "homegroup.directory.importers.detect",
]


def test_importing_the_importers_and_lib_loads_no_django_and_no_other_app():
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in MODULES)
        + "import homegroup.directory.importers as importers\n"
        + "importers.load_feed(b'[]')\n"
        + "loaded = sorted(name for name in sys.modules if name == 'django' "
        + "or name.startswith('django.') or (name.startswith('homegroup.') "
        + "and not name.startswith(('homegroup.lib', 'homegroup.directory.importers'))"
        + " and name != 'homegroup.directory'))\n"
        + "print(','.join(loaded))\n"
    )
    # A fresh interpreter: this test process has Django loaded by pytest-django already.
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    assert completed.stdout.strip() == ""
