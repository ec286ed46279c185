"""The sources page and an import run's page: counts, time zones, problems and the diff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.directory.maintain_data import REQUEST_QUERIES, import_records, mg_record

pytestmark = pytest.mark.django_db

SOURCES = reverse("maintain:sources")
SOURCES_QUERIES = REQUEST_QUERIES + 2  # the sources with their counts, their last runs
RUN_QUERIES = REQUEST_QUERIES + 1  # the run with its source


def run_url(run):
    return reverse("maintain:run", args=[run.pk])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_each_source_shows_its_last_runs_with_counts_and_time_zones(people, client_for):
    import_records("nyc", [mg_record("a"), mg_record("b", time="25:99")])
    response = client_for(people.max).get(SOURCES)
    assert response.status_code == 200
    (row,) = response.context["sources"]
    assert row["source"].slug == "nyc"
    assert row["source"].listed == 1
    (shown,) = row["runs"]
    run = shown["run"]
    assert (run.created, run.updated, run.unchanged, run.removed, run.skipped) == (1, 0, 0, 0, 1)
    assert shown["timezones"] == [("derived from the coordinates", 1)]
    assert "derived from the coordinates: 1" in response.content.decode()


def test_a_re_import_shows_as_a_new_run_with_updated_and_unchanged_counts(people, client_for):
    import_records("nyc", [mg_record("a"), mg_record("b")])
    import_records("nyc", [mg_record("a", name="Renamed"), mg_record("b")])
    (row,) = client_for(people.max).get(SOURCES).context["sources"]
    newest, oldest = (shown["run"] for shown in row["runs"])
    assert (newest.created, newest.updated, newest.unchanged) == (0, 1, 1)
    assert (oldest.created, oldest.updated, oldest.unchanged) == (2, 0, 0)


def test_only_the_last_five_runs_of_a_source_are_shown(people, client_for):
    runs = [import_records("nyc", [mg_record("a", name=f"Name {n}")]) for n in range(7)]
    (row,) = client_for(people.max).get(SOURCES).context["sources"]
    assert [shown["run"].pk for shown in row["runs"]] == [run.pk for run in runs[::-1][:5]]


def test_the_sources_page_costs_the_same_queries_for_one_source_or_many(
    people, client_for, django_assert_max_num_queries
):
    client = client_for(people.max)
    import_records("one", [mg_record("a")])
    few = count_queries(client, SOURCES)
    for n in range(6):
        for m in range(3):
            import_records(f"source-{n}", [mg_record(f"s{n}", name=f"v{m}"), mg_record(f"t{n}")])
    assert count_queries(client, SOURCES) == few
    with django_assert_max_num_queries(SOURCES_QUERIES):
        client.get(SOURCES)


def test_a_run_lists_its_problems_with_position_slug_reason_and_message(people, client_for):
    run = import_records("nyc", [mg_record("a"), mg_record("b", time="25:99")])
    response = client_for(people.max).get(run_url(run))
    assert response.status_code == 200
    (problem,) = response.context["page"].object_list
    assert (problem["position"], problem["slug"], problem["reason"]) == (
        "record 2",
        "b",
        "invalid_time",
    )
    text = response.content.decode()
    for shown in (
        "record 2",
        "A start time that is not a time of day",  # the kind, in plain words
        "The time &#x27;25:99&#x27; is not a time of day.",
        "<code>invalid_time</code>",  # the key the filter uses
    ):
        assert shown in text


def test_problems_filter_by_severity_and_by_reason(people, client_for):
    run = import_records(
        "nyc", [mg_record("a", types=["O", "ZZZ"]), mg_record("b", time="25:99"), mg_record("c")]
    )
    client = client_for(people.max)
    warnings = client.get(run_url(run), {"severity": "warning"}).context["page"].object_list
    assert [problem["reason"] for problem in warnings] == ["unknown_code"]
    by_reason = client.get(run_url(run), {"reason": "invalid_time"}).context["page"].object_list
    assert [problem["slug"] for problem in by_reason] == ["b"]
    both = client.get(run_url(run), {"severity": "warning", "reason": "invalid_time"})
    assert list(both.context["page"].object_list) == []


def test_a_filter_with_an_unknown_reason_answers_400(people, client_for):
    run = import_records("nyc", [mg_record("a"), mg_record("b", time="25:99")])
    response = client_for(people.max).get(run_url(run), {"reason": "<script>"})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors


def test_a_run_shows_its_diff_and_the_unknown_codes_it_kept(people, client_for):
    import_records("nyc", [mg_record("a"), mg_record("b"), mg_record("c")])
    run = import_records(
        "nyc",
        [mg_record("a", name="Renamed", types=["O", "ZZZ"]), mg_record("b"), mg_record("d")],
        allow_removals=True,
    )
    response = client_for(people.max).get(run_url(run))
    context = response.context
    assert context["created"] == ["d"]
    assert dict(context["updated"])["a"] == ["name", "type_codes", "unknown_codes"]
    assert context["removed"] == ["c"]
    assert context["unknown_codes"] == [("ZZZ", 1)]


def test_a_run_page_costs_the_same_queries_for_few_or_many_problems(
    people, client_for, django_assert_max_num_queries
):
    client = client_for(people.max)
    small = import_records("small", [mg_record("a"), mg_record("b", time="25:99")])
    large = import_records(
        "large", [mg_record(f"m{n}", time="25:99" if n % 2 else "18:00") for n in range(300)]
    )
    assert count_queries(client, run_url(small)) == count_queries(client, run_url(large))
    with django_assert_max_num_queries(RUN_QUERIES):
        client.get(run_url(large))


def test_an_unknown_run_is_not_found(people, client_for):
    assert client_for(people.max).get(reverse("maintain:run", args=[999])).status_code == 404


def test_only_directory_maintainers_see_directory_tools_in_the_navigation(people, client_for):
    def labels(person):
        return [str(item["label"]) for item in client_for(person).get("/").context["nav_items"]]

    assert "Directory tools" in labels(people.max)
    for person in (people.ana, people.cora, people.pat, people.sam):
        assert "Directory tools" not in labels(person)
