"""docs/benchmarks.md from bench/run.py's results (and a few lines for the terminal)."""

from __future__ import annotations

from typing import Any

from stats import ms, size

ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
SEARCH_BUDGET_S = 0.010
PARSE_BUDGET = 5_000
FEED_BUDGET_S = 1.0
TYPICAL = "typical: 25 km, today, types O and D"


def _largest(legs: dict[str, Any]) -> dict[str, Any]:
    return legs[max(legs, key=int)]


def _leg(legs: dict[str, Any], measure: str) -> dict[str, Any] | None:
    for key in sorted(legs, key=int):
        if measure in legs[key]:
            return dict(legs[key])
    return None


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def budgets(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(what, budget, measured, met) for each engine's budget lines."""
    found = []
    for engine, legs in results["engines"].items():
        name = ENGINES[engine]
        largest = _largest(legs)
        search = largest.get("search", {}).get(TYPICAL)
        if search:
            p95 = search["p95_s"]
            worst = max(search["cities"].items(), key=lambda item: item[1]["p95_s"])
            over = "" if p95 <= SEARCH_BUDGET_S else f", {p95 / SEARCH_BUDGET_S:.1f}× the budget"
            found.append(
                (
                    f"{name}: search, {largest['generate']['meetings']:,} meetings, {TYPICAL}",
                    "p95 ≤ 10 ms",
                    f"p95 {ms(p95)}{over}; p50 {ms(search['p50_s'])}; worst city "
                    f"{worst[0]}: p95 {ms(worst[1]['p95_s'])}",
                    p95 <= SEARCH_BUDGET_S,
                )
            )
        imports = largest.get("imports")
        if imports:
            rate = imports["parse_per_second"]
            found.append(
                (
                    f"{name}: import, parse + normalise (GNYR, {imports['parse_meetings']:,})",
                    "≥ 5,000 meetings/s",
                    f"{rate:,.0f} meetings/s",
                    rate >= PARSE_BUDGET,
                )
            )
            writes = imports["reimport_meeting_rows_written"]
            found.append(
                (
                    f"{name}: re-import of the unchanged GNYR feed",
                    "writes no meeting row",
                    f"{writes} meeting rows written ({imports['reimport_unchanged']:,} unchanged)",
                    writes == 0,
                )
            )
        feed_leg = _leg(legs, "feed")
        if feed_leg:
            feed = feed_leg["feed"]
            counts = {
                leg["pages"]["Meeting Guide feed (whole directory)"]["queries"]
                for leg in legs.values()
                if "pages" in leg
            }
            slowest = max(feed["build_median_s"], feed["view_median_s"])
            found.append(
                (
                    f"{name}: Meeting Guide feed, {feed['meetings']:,} meetings",
                    "≤ 1 s uncached, constant queries",
                    f"built {ms(feed['build_median_s'])}, served {ms(feed['view_median_s'])}; "
                    f"{feed['view_queries']} queries (at every size: "
                    f"{', '.join(str(c) for c in sorted(counts))})",
                    slowest <= FEED_BUDGET_S and len(counts) == 1,
                )
            )
        page_counts = _page_counts(legs)
        varying = [page for page, counts in page_counts.items() if len(set(counts.values())) > 1]
        found.append(
            (
                f"{name}: any page, query count at {', '.join(_sizes(legs))} meetings",
                "constant",
                "constant for every page" if not varying else "varies: " + "; ".join(varying),
                not varying,
            )
        )
    return found


def _sizes(legs: dict[str, Any]) -> list[str]:
    return [f"{int(key):,}" for key in sorted(legs, key=int)]


def _page_counts(legs: dict[str, Any]) -> dict[str, dict[str, int]]:
    pages: dict[str, dict[str, int]] = {}
    for key in sorted(legs, key=int):
        for page, facts in legs[key].get("pages", {}).items():
            pages.setdefault(page, {})[key] = facts["queries"]
    return pages


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    engines = results["engines"]
    quick = results["options"]["quick"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand — change the bench and run "
        "it again. Budgets are DESIGN.md's.",
        "",
        f"- **Date**: {results['date']}"
        + (" — **quick run (few repetitions): not a measurement**" if quick else ""),
        f"- **Machine**: {machine['cpu']}, {machine['cores']} cores, {machine['memory']} RAM; "
        f"{machine['os']}; Python {machine['python']}. Load average at the start "
        f"{_load(machine.get('load'))}, at the end {_load(machine.get('load_after'))}: the "
        "machine is shared, so single numbers are noisy; medians and p95s over many runs below.",
        "- **Databases**: "
        + "; ".join(
            f"{ENGINES[engine]} {_largest(legs)['server_version']}"
            for engine, legs in engines.items()
        ),
        f"- **Run time**: {results['total_seconds'] / 60:.1f} minutes.",
        "",
        "## Budgets",
        "",
    ]
    rows = [[what, budget, got, _verdict(ok)] for what, budget, got, ok in budgets(results)]
    lines += _table(["What", "Budget", "Measured", ""], rows)
    lines += _findings(results)
    lines += _method(results)
    lines += _directory(results)
    lines += _search(results)
    lines += _imports(results)
    lines += _feed(results)
    lines += _pages(results)
    lines += _visitor(results)
    lines += _peer(results)
    lines += _journal(results)
    lines += _caveats(results)
    return "\n".join(lines).rstrip() + "\n"


def _rounds(results: dict[str, Any]) -> int:
    for legs in results["engines"].values():
        search = _largest(legs).get("search")
        if search:
            kind = search[TYPICAL]
            return int(kind["samples"] / max(1, len(kind["cities"])))
    return 0


def _runs(count: int) -> str:
    return "1 run" if count == 1 else f"{count} runs"


def _load(load: Any) -> str:
    return " / ".join(f"{value:.1f}" for value in load) if load else "unknown"


def _findings(results: dict[str, Any]) -> list[str]:
    """What the numbers say about the budgets, and where a miss comes from."""
    lines = ["## Findings", ""]
    for engine, legs in results["engines"].items():
        largest = _largest(legs)
        search = largest.get("search", {}).get(TYPICAL)
        if not search:
            continue
        name = ENGINES[engine]
        p95 = search["p95_s"]
        cities = ", ".join(
            f"{city} {ms(facts['p95_s'])}" for city, facts in search["cities"].items()
        )
        if p95 <= SEARCH_BUDGET_S:
            lines.append(f"- {name}: the typical search meets its budget (p95 {ms(p95)}; {cities})")
            continue
        text = (
            f"- {name}: the typical search misses its budget by {ms(p95 - SEARCH_BUDGET_S)} at "
            f"p95 ({ms(p95)}, {p95 / SEARCH_BUDGET_S:.1f}×; p50 {ms(search['p50_s'])}; by "
            f"city: {cities}; CPU p95 {ms(search.get('cpu_p95_s', float('nan')))}). New York "
            "is the dense case: "
        )
        breakdown = largest.get("search_breakdown") or {}
        if "narrow_sql_s" in breakdown:
            rest = breakdown["search_s"] - breakdown["narrow_sql_s"] - breakdown["page_load_s"]
            text += (
                f"the narrowing query reads {breakdown['rows_from_sql']:,} rows "
                f"({ms(breakdown['narrow_sql_s'])}: the index on (day, latitude, longitude) "
                "walks the whole latitude band of the day across the country and looks up each "
                "row for its type codes), the exact step in Python takes "
                f"{ms(max(rest, 0.0))}, and loading the page of 50 meetings with their "
                f"fellowship and evidence (two more queries, 50 model instances) "
                f"{ms(breakdown['page_load_s'])}. "
            )
        covered = (largest.get("search_covering_index") or {}).get(TYPICAL)
        if covered:
            verdict = "within" if covered["p95_s"] <= SEARCH_BUDGET_S else "still over"
            text += (
                f"With a covering index on the narrowing columns (see above) p95 is "
                f"{ms(covered['p95_s'])}, {verdict} the budget (an index is a change to "
                "`directory/models.py` and a migration). "
            )
        cpu_p95 = search.get("cpu_p95_s", float("nan"))
        if cpu_p95 < p95 / 2:
            text += (
                f"Most of the p95 is outside this process — the database server and the "
                f"machine's other load — since the search's own CPU p95 is {ms(cpu_p95)}. "
            )
        lines.append(text.rstrip())
    online = keyword = None
    for legs in results["engines"].values():
        search = _largest(legs).get("search", {})
        online = online or search.get("25 km and online anywhere, today")
        keyword = keyword or search.get("keyword 'serenity', whole directory")
    if online and keyword:
        matches = max(city["count"] for city in online["cities"].values())
        lines += [
            "- The searches without a budget show where the design costs most at national "
            f"size: `include_online` brings in every online and hybrid meeting of the day in "
            f"the country ({matches:,} matches around New York) and computes each one's next "
            "start, since the count and the sort need all of them although a page shows 50; "
            "the keyword search reads name, location, notes and group of every meeting "
            "(`icontains`: no ordinary index helps). A trigram index (PostgreSQL) or FTS5 "
            "(SQLite) would bound the keyword search.",
        ]
    return [*lines, ""]


def _method(results: dict[str, Any]) -> list[str]:
    sizes = ", ".join(_sizes(next(iter(results["engines"].values()))))
    return [
        "## Method",
        "",
        f"- Every leg is a fresh database in its own process (`bench/backend.py`) with "
        "production-like settings (`DEBUG=0`, throwaway keys), migrated, then filled by "
        f"`homegroup generate-directory --seed {results['options']['seed']}` "
        f"({sizes} meetings; the smaller directories are the first meetings of the larger "
        "one), then `ANALYZE` on PostgreSQL, as its autovacuum would after a bulk load. "
        "PostgreSQL runs on the same machine.",
        "- Times are wall-clock (`time.perf_counter`). Search: parse the query and run "
        "`directory.search.search` in-process (the same function the page, the API and the "
        "calendar call, page of 50 results loaded), at a fixed moment (Wednesday 2026-11-25 "
        "23:30 UTC, early evening in the US), every query kind around New York, Chicago and "
        f"Albuquerque, interleaved over {_rounds(results)} rounds after 3 unmeasured ones; "
        "p50/p95 are "
        "nearest-rank over all samples of a kind. Other numbers are medians of the runs stated.",
        "- Pages go through `django.test.Client` (the whole middleware stack, no network) and "
        "their queries are counted with `CaptureQueriesContext`, anonymous, after one warm-up "
        "request.",
        "",
    ]


def _directory(results: dict[str, Any]) -> list[str]:
    lines = [
        "## The synthetic directory",
        "",
        "`homegroup generate-directory --meetings N --seed S` "
        "(`directory/synthetic.py`): every meeting is labelled synthetic. Its distributions "
        "against the real feeds in `tests/fixtures/meetings/` (GNYR, New Mexico, Ontario, the "
        "TSML sample; per fellowship, also the yap captures); the attendance mix and the "
        "fellowship mix are choices, not measurements (the old files have almost no online "
        "meetings):",
        "",
    ]
    rows = []
    for what, real, ours in results["profile"]:
        if what == "weekday":
            real, ours = (_day_names(real), _day_names(ours))
        rows.append([what, real, ours])
    lines += _table(["Distribution", "Real feeds", "Synthetic (20,000 meetings)"], rows)
    rows = []
    for engine, legs in results["engines"].items():
        for key in sorted(legs, key=int):
            generated = legs[key]["generate"]
            rows.append(
                [
                    ENGINES[engine],
                    f"{generated['meetings']:,}",
                    f"{generated['seconds']:.1f} s",
                    f"{generated['per_second']:,.0f}",
                ]
            )
    lines += ["Generation time (one run each, includes the MAT evidence and history rows):", ""]
    lines += _table(["Database", "Meetings", "Time", "Meetings/s"], rows)
    return lines


def _day_names(text: str) -> str:
    parts = []
    for part in text.split(", "):
        day, share = part.split(": ")
        parts.append(f"{DAYS[int(day)]} {share}")
    return ", ".join(parts)


def _search(results: dict[str, Any]) -> list[str]:
    engines = results["engines"]
    searched = {e: _largest(legs).get("search") for e, legs in engines.items()}
    searched = {e: s for e, s in searched.items() if s}
    if not searched:
        return []
    first = next(iter(searched.values()))
    meetings = _largest(next(iter(engines.values())))["generate"]["meetings"]
    header = ["Query"]
    for engine in searched:
        header += [f"{ENGINES[engine]} p50", f"{ENGINES[engine]} p95", "CPU p95"]
    header += ["Matches (NY / Chicago / Albuquerque)", "Queries"]
    rows = []
    for kind, facts in first.items():
        row = [kind + (" — **budget**" if kind == TYPICAL else "")]
        for engine_result in searched.values():
            row += [
                ms(engine_result[kind]["p50_s"]),
                ms(engine_result[kind]["p95_s"]),
                ms(engine_result[kind].get("cpu_p95_s", float("nan"))),
            ]
        cities = facts["cities"]
        row.append(" / ".join(f"{c['count']:,}" for c in cities.values()))
        row.append(", ".join(sorted({str(c["queries"]) for c in cities.values()})))
        rows.append(row)
    lines = [
        f"## Search latency ({meetings:,} meetings)",
        "",
        f"{first[TYPICAL]['samples']} samples per query kind and database (all cities). "
        "CPU p95 is this process's CPU time: it leaves out the machine's other load (and, "
        "on PostgreSQL, the server's own work).",
        "",
    ]
    lines += _table(header, rows)
    detail = []
    for engine, engine_result in searched.items():
        for kind, facts in engine_result.items():
            for city, numbers in facts["cities"].items():
                detail.append(
                    [ENGINES[engine], kind, city, ms(numbers["p50_s"]), ms(numbers["p95_s"])]
                )
    for engine in searched:
        breakdown = _largest(engines[engine]).get("search_breakdown") or {}
        if "narrow_sql_s" not in breakdown:
            continue
        rest = breakdown["search_s"] - breakdown["narrow_sql_s"] - breakdown["page_load_s"]
        lines += [
            f"Where the typical query's time goes around New York on {ENGINES[engine]} "
            f"(medians of {breakdown['runs']}): narrowing in SQL "
            f"{ms(breakdown['narrow_sql_s'])} ({breakdown['rows_from_sql']:,} rows for "
            f"{breakdown['matches']:,} matches), exact distance, next start and sort in Python "
            f"{ms(max(rest, 0))}, loading the page of 50 {ms(breakdown['page_load_s'])}; whole "
            f"search {ms(breakdown['search_s'])}. Plan: `{'; '.join(breakdown['plan'])[:400]}`",
            "",
        ]
    what_if = []
    for engine in searched:
        covered = _largest(engines[engine]).get("search_covering_index") or {}
        for kind, facts in covered.items():
            before = searched[engine][kind]
            what_if.append(
                [
                    ENGINES[engine],
                    kind,
                    f"{ms(before['p50_s'])} / {ms(before['p95_s'])}",
                    f"{ms(facts['p50_s'])} / {ms(facts['p95_s'])}",
                    f"{ms(facts['cpu_p95_s'])}",
                ]
            )
    if what_if:
        lines += [
            "What if the narrowing step's columns were all in one index (`bench_covering`: "
            "(day, latitude, longitude) then removed_at, attendance, type_codes, start_time, "
            "end_time, timezone, mat_level, fellowship_id; made in the bench's throwaway "
            "database only, then dropped):",
            "",
        ]
        lines += _table(
            ["Database", "Query", "p50 / p95 now", "p50 / p95 with the index", "CPU p95"],
            what_if,
        )
    lines += ["Per city:", ""]
    lines += _table(["Database", "Query", "Around", "p50", "p95", "CPU p95"], detail)
    return lines


def _imports(results: dict[str, Any]) -> list[str]:
    rows = []
    for engine, legs in results["engines"].items():
        imports = _largest(legs).get("imports")
        if not imports:
            continue
        rows.append(
            [
                ENGINES[engine],
                f"{imports['parse_per_second']:,.0f}/s ({ms(imports['parse_median_s'])})",
                f"{imports['import_per_second']:,.0f}/s ({ms(imports['import_median_s'])})",
                f"{ms(imports['reimport_median_s'])}; {imports['reimport_meeting_rows_written']}"
                f" meeting rows, {imports['reimport_other_writes']} other writes",
                str(imports["runs"]),
            ]
        )
    if not rows:
        return []
    lines = [
        "## Import (the real GNYR BMLT file, 1,513 meetings)",
        "",
        "Parse + normalise is `importers.load_feed` alone (pure). The full import is "
        "`actions.import_feed` of a new source into the national directory (time zones from "
        "the coordinates, slugs, history, MAT evidence, the run record) in one transaction. "
        "The re-import is the same file again: every meeting unchanged; the other writes are "
        "the import run and its audit event.",
        "",
    ]
    return lines + _table(
        ["Database", "Parse + normalise", "Full import", "Re-import, unchanged", "Runs"], rows
    )


def _feed(results: dict[str, Any]) -> list[str]:
    rows = []
    for engine, legs in results["engines"].items():
        leg = _leg(legs, "feed")
        if not leg:
            continue
        feed = leg["feed"]
        rows.append(
            [
                ENGINES[engine],
                f"{feed['meetings']:,}",
                f"{ms(feed['build_median_s'])} ({feed['build_queries']} queries)",
                f"{ms(feed['view_median_s'])} ({feed['view_queries']} queries)",
                size(feed["view_bytes"]),
                str(feed["build_runs"]),
            ]
        )
    if not rows:
        return []
    lines = [
        "## Meeting Guide feed",
        "",
        "`feeds.build_feed` in-process, and `GET /api/v1/feeds/meeting-guide.json` served "
        "(JSON encoding and the middleware included), uncached:",
        "",
    ]
    return lines + _table(["Database", "Meetings", "Built", "Served", "Size", "Runs"], rows)


def _pages(results: dict[str, Any]) -> list[str]:
    lines = ["## Queries per page", ""]
    for engine, legs in results["engines"].items():
        counts = _page_counts(legs)
        keys = sorted(legs, key=int)
        header = ["Page", *[f"{int(k):,} meetings" for k in keys], "Time at the largest"]
        rows = []
        largest = legs[keys[-1]]["pages"]
        for page, by_size in counts.items():
            rows.append(
                [
                    page,
                    *[str(by_size.get(k, "–")) for k in keys],
                    f"{ms(largest[page]['median_s'])}, {size(largest[page]['bytes'])}",
                ]
            )
        lines += [f"{ENGINES[engine]}:", ""]
        lines += _table(header, rows)
    return lines


def _visitor(results: dict[str, Any]) -> list[str]:
    lines = [
        "## What a visitor pays: TSML UI's whole feed against one search answer",
        "",
        "TSML UI downloads the whole Meeting Guide feed and filters in the browser; here the "
        "same filter (today, 25 km around New York, types O and D, sorted) runs in Python on "
        "the parsed JSON, as a stand-in for the browser's work (a phone is slower than this "
        "server). The search answer is one page (up to 50) from `GET /api/v1/meetings`. "
        "Server time is the request through the whole Django stack; the feed is uncached "
        "(a cache would remove most of its server time, not its bytes). The client-side "
        "filter also keeps temporarily closed and inactive meetings, which the search leaves "
        "out, hence a few more matches.",
        "",
    ]
    for engine, legs in results["engines"].items():
        visitor = _largest(legs).get("visitor")
        if not visitor:
            continue
        rows = []
        api = visitor["one search answer (GET /api/v1/meetings)"]
        for way, facts in visitor.items():
            ratio = "1×"
            if facts is not api:
                ratio = (
                    f"{facts['bytes'] / api['bytes']:,.0f}× the bytes, "
                    f"{facts['total_median_s'] / api['total_median_s']:,.0f}× the time"
                )
            rows.append(
                [
                    way,
                    size(facts["bytes"]),
                    size(facts["gzip_bytes"]),
                    ms(facts["server_median_s"]),
                    ms(facts["client_median_s"]),
                    ms(facts["total_median_s"]),
                    f"{facts['matches']:,}",
                    ratio,
                ]
            )
        meetings = _largest(legs)["generate"]["meetings"]
        lines += [
            f"{ENGINES[engine]}, {meetings:,} meetings, median of {_runs(api['runs'])} each:",
            "",
        ]
        lines += _table(
            ["Approach", "Bytes", "Gzipped", "Server", "Client parse + filter", "Total",
             "Matches", "Against one search answer"],
            rows,
        )  # fmt: skip
    return lines


def _peer(results: dict[str, Any]) -> list[str]:
    lines = ["## Peer: wagtail-meeting-guide's feed view", ""]
    peer = results.get("peer") or {}
    skips = [s for s in results["skips"] if s.startswith("wagtail-meeting-guide")]
    for skip in skips:
        lines += [f"SKIP — {skip}", ""]
    if not peer:
        return lines
    versions = next(iter(peer.values()))["versions"]
    lines += [
        f"wagtail-meeting-guide {versions['wagtail-meeting-guide']} (Wagtail "
        f"{versions['wagtail']}, Django {versions['django']}) in its own virtual environment "
        "(`var/bench/peer-venv`, made by the bench), loaded with the same synthetic meetings "
        "(our feed's records → its Region tree, one Location page per venue, one Meeting page "
        "per meeting with its types; `Meeting.save()` bypassed: it crashes on a new page). Its "
        "`MeetingsAPIView` (`GET /meetings/api/`) measured uncached (its week-long `cache_page` "
        "pointed at a dummy cache), against our `GET /api/v1/feeds/meeting-guide.json` on the "
        "directory of the same size:",
        "",
    ]
    rows = []
    for engine, found in peer.items():
        ours_legs = results["engines"][engine]
        for key, facts in found["sizes"].items():
            ours = (
                ours_legs.get(key, {}).get("pages", {}).get("Meeting Guide feed (whole directory)")
            )
            ratio = (
                f"{facts['median_s'] / ours['median_s']:,.0f}× slower, "
                f"{facts['queries'] / max(1, ours['queries']):,.0f}× the queries"
                if ours
                else "–"
            )
            rows.append(
                [
                    ENGINES[engine],
                    f"{int(key):,}",
                    f"{ms(facts['median_s'])} ({_runs(facts['runs'])}), {facts['queries']:,} "
                    f"queries, {size(facts['bytes'])}",
                    f"{ms(ours['median_s'])}, {ours['queries']} queries, {size(ours['bytes'])}"
                    if ours
                    else "–",
                    ratio,
                ]
            )
    lines += _table(["Database", "Meetings", "wagtail-meeting-guide", "Homegroup", "Ratio"], rows)
    per_meeting = _peer_queries_per_meeting(peer)
    lines += [
        f"Its view runs {per_meeting} queries per meeting (the meeting's types; its location's "
        "region, fetched with a prefetch of that region's children; the region's ancestors), "
        "so its query count grows with the directory; ours is constant. Its "
        "records carry fewer fields (no time zone, attendance option or fellowship), so its "
        "bytes are not comparable one for one. Online meetings without coordinates got a "
        "placeholder point: its model cannot list a meeting without one.",
        "",
    ]
    return lines


def _peer_queries_per_meeting(peer: dict[str, Any]) -> str:
    sizes = next(iter(peer.values()))["sizes"]
    keys = sorted(sizes, key=int)
    if len(keys) < 2:
        return "several"
    low, high = sizes[keys[0]], sizes[keys[-1]]
    extra = (high["queries"] - low["queries"]) / max(1, int(keys[-1]) - int(keys[0]))
    return f"{extra:g}"


def _caveats(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Caveats",
        "",
        "- The machine is shared with other work (see the load averages): p95s especially are "
        "sensitive to it. Compare runs on a quiet machine before reading much into a few "
        "milliseconds.",
        "- The directory is synthetic. Its geography (every US city of 15,000 people or more, "
        "by population) puts about 4 % of all meetings within 25 km of Manhattan, close to "
        "real New York; a search around a small town is much cheaper.",
        "- PostgreSQL runs on the same two cores as the benchmark, with its default configuration.",
        "- The client side of the TSML comparison is Python, not a browser's JavaScript engine.",
        "",
    ]
    if results["skips"]:
        lines += ["## Skipped", ""]
        lines += [f"- {skip}" for skip in results["skips"]]
        lines.append("")
    return lines


def summary(results: dict[str, Any]) -> list[str]:
    lines = []
    for what, budget, measured, ok in budgets(results):
        lines.append(f"{'OK  ' if ok else 'MISS'} {what}: {measured} (budget {budget})")
    for skip in results["skips"]:
        lines.append(f"SKIP {skip}")
    return lines


def _journal(results: dict[str, Any]) -> list[str]:
    """Issue 4's legs: check-in save and the progress page, 3 years of data (bench/journal.py)."""
    journal = results.get("journal") or {}
    if not journal:
        return []
    lines = [
        "## The journal: 3 years of daily check-ins",
        "",
        "One person with a buprenorphine plan and 1,095 daily check-ins written through the "
        "journal's actions. A check-in save changes the day each time (so it writes and audits); "
        "the progress page is `/journal/progress/?weeks=156` through the whole middleware stack. "
        "Budget (DESIGN.md): check-in save p95 ≤ 50 ms on PostgreSQL *under load* — measured here "
        "in one process without concurrent writers, so it is the floor, not the loaded figure.",
        "",
        "| Database | Build (s) | Check-in save p50 | p95 | Progress page p50 | p95 | Queries |",
        "|---|---|---|---|---|---|---|",
    ]
    for engine, leg in journal.items():
        save, progress = leg["check_in_save"], leg["progress"]
        lines.append(
            f"| {ENGINES.get(engine, engine)} | {leg['build_seconds']:.1f} | "
            f"{save['p50_ms']:.1f} ms | {save['p95_ms']:.1f} ms ({save['runs']} saves) | "
            f"{progress['p50_ms']:.0f} ms | {progress['p95_ms']:.0f} ms "
            f"({progress['runs']} runs) | {progress['queries']} |"
        )
    rows = {engine: leg["audit_row"] for engine, leg in journal.items() if "audit_row" in leg}
    if rows:
        lines += [
            "",
            "One audit row (`audit.record`) inside a transaction: its id taken from the sequence "
            "(SQLite: the next AUTOINCREMENT value) so its MAC covers it, then its insert; no "
            "lock and no read of other rows (docs/adr/0002-audit-log.md).",
            "",
            "| Database | Audit row p50 | p95 | Queries |",
            "|---|---|---|---|",
        ]
        for engine, row in rows.items():
            lines.append(
                f"| {ENGINES.get(engine, engine)} | {row['p50_ms']:.2f} ms | "
                f"{row['p95_ms']:.2f} ms ({row['runs']} rows) | {row['queries']} |"
            )
    lines.append("")
    return lines
