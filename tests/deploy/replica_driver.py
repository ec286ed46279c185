"""Run by tests/deploy/test_streaming_replica.py in its own process, with DATABASE_URL on the
throwaway primary and DATABASE_REPLICA_URL on its replica. Each argument is a step:

- ``get:<path>`` requests the path through Django (the whole middleware stack and view) and
  reports the status, whether the witness meeting is in the answer, and how many queries on
  the directory's tables each server answered;
- ``stop-replica`` runs the command in REPLICA_STOP_COMMAND (JSON) between two requests.

Prints one JSON object per step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from contextlib import ExitStack

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

WITNESS = "Replica Witness Group"


def main() -> None:
    setup_test_environment()
    from homegroup.directory.models import Meeting

    witness_slug = (
        Meeting.objects.using("default").filter(name=WITNESS).values_list("slug", flat=True).get()
    )
    client = Client()
    for step in sys.argv[1:]:
        if step == "stop-replica":
            subprocess.run(json.loads(os.environ["REPLICA_STOP_COMMAND"]), check=True)
            print(json.dumps({"step": step}), flush=True)
            continue
        path = step.removeprefix("get:").replace("<witness>", witness_slug)
        reads: Counter[str] = Counter()

        def counting(alias):  # type: ignore[no-untyped-def]
            def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
                if "directory_" in sql:
                    reads[alias] += 1
                return execute(sql, params, many, context)

            return wrapper

        with ExitStack() as stack:
            for alias in ("default", "replica"):
                stack.enter_context(connections[alias].execute_wrapper(counting(alias)))
            response = client.get(path)
        print(
            json.dumps(
                {
                    "step": step,
                    "status": response.status_code,
                    "witness": WITNESS in response.content.decode(),
                    "reads": dict(reads),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
