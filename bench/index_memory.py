"""The resident memory a web process gains by making its search index: run by
bench/search_bench.py in a fresh process (DATABASE_URL and the rest from the environment), so
that nothing else the benchmark did is counted. Prints JSON.

Everything a web process loads anyway (Django, the apps, numpy, a first query) is loaded before
the first measurement; then the index is made once (a process's first search) and three times
more (a rebuild after each change keeps the old index until the new one replaces it).
"""

from __future__ import annotations

import gc
import json
import os
import resource

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
django.setup()

import numpy  # noqa: E402, F401 - a web process has it loaded: not the index's memory
from django.test import Client  # noqa: E402

from homegroup.directory import search  # noqa: E402, F401
from homegroup.directory.index import indexes  # noqa: E402


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    Client().get("/meetings/")  # what any process has done once: templates, URLs, a query
    gc.collect()
    before = resident_mb()
    index = indexes.refresh()
    assert index is not None
    nbytes = index.nbytes
    del index  # only the holder keeps it, as in a web process
    gc.collect()
    first = resident_mb()
    for _ in range(3):
        indexes.refresh()
    gc.collect()
    after = resident_mb()
    print(
        json.dumps(
            {
                "before_mb": before,
                "first_build_mb": first - before,
                "after_rebuilds_mb": after - before,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3 - before,
                "index_nbytes": nbytes,
            }
        )
    )


if __name__ == "__main__":
    main()
