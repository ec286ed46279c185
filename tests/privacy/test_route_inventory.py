"""P2-06: the route inventory — every path by which one person's record reaches another goes
through the one disclosure gate.

Three checks, each able to fail on its own:

1. OTHERS_RECORD lists the URL patterns (pages and API operations) that return another person's
   record. Each must resolve to a view marked `@gated` (privacy.gate.gated), and each, asked by
   a viewer with consent, writes exactly one disclosure record; asked by Dev, answers 404 and
   leaves a denied audit row.
2. Every routed view (pages and API) is read with `ast`: a view that reaches the disclosure
   machinery — `gate.disclose(...)`, `.disclosed(...)`, `journal.disclosed`,
   `interop.fhir_disclosure` — directly or through a helper of its own module, must be listed
   in OTHERS_RECORD and be `@gated`.
3. Only the modules in READERS may touch that machinery at all, so a helper in a new module
   cannot carry another person's rows to a view unseen: adding one means adding it here, in
   review.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from homegroup.api import api
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import gate
from homegroup.privacy.models import DisclosureRecord
from tests.people import People, share_as_in_the_story
from tests.test_authorization_matrix import all_patterns

SRC = Path(__file__).resolve().parents[2] / "src" / "homegroup"

# The patterns that return another person's record, and who may see it in the story.
OTHERS_RECORD: dict[str, Callable[[People], tuple[Any, str]]] = {
    "care/people/<id:person_id>/": lambda p: (p.cora, f"/care/people/{p.ana.pk}/"),
    "care/people/<id:person_id>/print/": lambda p: (p.cora, f"/care/people/{p.ana.pk}/print/"),
    "care/people/<id:person_id>/fhir/": lambda p: (p.cora, f"/care/people/{p.ana.pk}/fhir/"),
    "shared/<id:person_id>/": lambda p: (p.sam, f"/shared/{p.ana.pk}/"),
    # TSF sessions (issue 15); a session's own pages make one first through the actions.
    "care/people/<id:person_id>/sessions/": lambda p: (
        p.cora,
        f"/care/people/{p.ana.pk}/sessions/",
    ),
    "care/people/<id:person_id>/sessions/new/": lambda p: (
        p.cora,
        f"/care/people/{p.ana.pk}/sessions/new/",
    ),
    "care/people/<id:person_id>/sessions/fhir/": lambda p: (
        p.cora,
        f"/care/people/{p.ana.pk}/sessions/fhir/",
    ),
    "care/people/<id:person_id>/sessions/<id:session_id>/": lambda p: (
        p.cora,
        f"/care/people/{p.ana.pk}/sessions/{_session(p).pk}/",
    ),
    "care/people/<id:person_id>/sessions/<id:session_id>/meetings/": lambda p: (
        p.cora,
        f"/care/people/{p.ana.pk}/sessions/{_session(p).pk}/meetings/",
    ),
    "care/people/<id:person_id>/sessions/<id:session_id>/summary/": lambda p: (
        p.cora,
        f"/care/people/{p.ana.pk}/sessions/{_session(p).pk}/summary/",
    ),
    "care/alerts/<id:alert_id>/": lambda p: (p.cora, _anas_alert(p)),
}
# Routes that return nothing of the record but write to it: gated too, asked with POST.
OTHERS_RECORD_POSTS = {
    "care/people/<id:person_id>/sessions/<id:session_id>/tasks/",
}


def _session(people: People):
    from tests.care.sessions_data import coras_session

    return coras_session(people)


# Pages that list many people's records at once: one bulk disclosure per view, one record per
# person and basis. A clinician outside every care team sees an empty page, disclosed nothing.
MANY_RECORDS: dict[str, Callable[[People], tuple[Any, str]]] = {
    "care/": lambda p: (p.cora, "/care/"),
}


def _anas_alert(people: People) -> str:
    from tests.test_authorization_matrix import _anas_alert_url

    return _anas_alert_url(people)


# Modules allowed to reach the disclosure machinery (besides privacy, which defines it).
READERS = {
    "journal/disclosed.py",  # the reader: everything another person sees of a journal
    "care/models.py",  # counseling notes narrow `disclosed` to counseling-notes consents
    "care/views.py",  # the clinician's view and its exports (gated)
    "interop/views.py",  # the clinician's FHIR download of that view (gated)
    "journal/views/shared.py",  # the sponsor's view (gated)
    "care/session_views.py",  # the TSF session pages, their summary and FHIR bundle (gated)
    "care/session_review.py",  # a session's review, read through the disclosure it is given
    "interop/fhir_sessions.py",  # the sessions' FHIR bundle, built on the disclosure builder
    "care/caseload.py",  # the caseload: one bulk disclosure, reads narrowed by its categories
    "care/caseload_table.py",  # the caseload's rows as HTML (from caseload.Row, for the view)
    "care/record.py",  # the record page's summary, from the page's one disclosure
}
DISCLOSING_MODULES = (
    "homegroup.journal.disclosed",
    "homegroup.interop.fhir_disclosure",
    "homegroup.care.caseload",
)
DISCLOSING_NAMES = {"disclose", "disclose_many", "disclosed", "fhir_disclosure", "caseload"}


def routed_views() -> Iterator[tuple[str, Callable[..., Any]]]:
    """(pattern, view function) for every page pattern and every API operation."""

    def walk(entries: list[Any], prefix: str) -> Iterator[tuple[str, Callable[..., Any]]]:
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route, entry.callback

    for route, callback in walk(get_resolver().url_patterns, ""):
        if getattr(callback, "__module__", "").startswith("ninja"):
            continue  # API operations are listed from the routers below
        yield route, callback
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                route = ("api/v1" + prefix + path).replace("//", "/")
                yield route, operation.view_func


def unwrapped(view: Callable[..., Any]) -> Callable[..., Any]:
    while True:
        if isinstance(view, functools.partial):
            view = view.func
        elif hasattr(view, "__wrapped__"):
            view = view.__wrapped__
        else:
            return view


def _names(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)
    return names


def _calls(node: ast.AST) -> set[str]:
    """The module-level functions a function calls by name (not variables that share a name)."""
    return {
        child.func.id
        for child in ast.walk(node)
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
    }


def disclosing_functions(module_name: str) -> set[str]:
    return disclosing_functions_in(inspect.getsource(sys.modules[module_name]))


def disclosing_functions_in(source: str) -> set[str]:
    """Top-level functions of a module that reach the disclosure machinery, directly or through
    other functions of the same module (a fixed point over the module's call graph)."""
    tree = ast.parse(source)
    functions = [
        node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    calls = {node.name: _calls(node) for node in functions}
    reaching = {node.name for node in functions if _names(node) & DISCLOSING_NAMES}
    while True:
        more = {name for name, called in calls.items() if called & reaching} - reaching
        if not more:
            return reaching
        reaching |= more


def test_P2_06_every_registered_route_exists():
    patterns = set(all_patterns()) | {route for route, _view in routed_views()}
    assert set(OTHERS_RECORD) | set(MANY_RECORDS) <= patterns


def test_P2_06_every_route_that_returns_someone_elses_record_is_gated():
    views = dict(routed_views())
    listed = [*OTHERS_RECORD, *OTHERS_RECORD_POSTS, *MANY_RECORDS]
    ungated = [route for route in listed if not getattr(views[route], "gated", False)]
    assert ungated == []


def test_P2_06_no_view_reaches_a_disclosure_without_being_registered_and_gated():
    offenders = []
    cache: dict[str, set[str]] = {}
    for route, view in routed_views():
        inner = unwrapped(view)
        module = getattr(inner, "__module__", "")
        if not module.startswith("homegroup."):
            continue
        if module not in cache:
            cache[module] = disclosing_functions(module)
        if inner.__name__ in cache[module] and (
            route not in {*OTHERS_RECORD, *OTHERS_RECORD_POSTS, *MANY_RECORDS}
            or not getattr(view, "gated", False)
        ):
            offenders.append(route)
    assert offenders == [], f"register these in OTHERS_RECORD and mark them @gated: {offenders}"


def test_P2_06_the_scan_sees_the_views_it_must_see():
    # The check above is only as good as its reading: it must find the known gated views.
    found = {
        route
        for route, view in routed_views()
        if getattr(unwrapped(view), "__module__", "").startswith("homegroup.")
        and unwrapped(view).__name__ in disclosing_functions(unwrapped(view).__module__)
    }
    assert set(OTHERS_RECORD) | set(MANY_RECORDS) <= found


def test_P2_06_the_view_scan_follows_helpers_and_ignores_look_alike_variables():
    source = """
def _helper(request, person_id):
    return gate.disclose(viewer=request.user, person=person_id)

def view(request, person_id):
    return render(request, "x.html", {"d": _helper(request, person_id)})

def other(request):
    _helper = "a variable, not a call"
    return render(request, "y.html", {"h": _helper})
"""
    assert disclosing_functions_in(source) == {"_helper", "view"}


def _touches_disclosures(source: str) -> bool:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("disclose", "disclose_many", "disclosed")
        ):
            return True
        if isinstance(node, ast.ImportFrom) and node.module:
            imported = {f"{node.module}.{alias.name}" for alias in node.names}
            if imported & set(DISCLOSING_MODULES) or node.module in DISCLOSING_MODULES:
                return True
        if isinstance(node, ast.Import) and any(
            alias.name in DISCLOSING_MODULES for alias in node.names
        ):
            return True
    return False


def test_P2_06_only_the_reviewed_modules_reach_the_disclosure_machinery():
    touching = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and path.parts[len(SRC.parts)] != "privacy"
        and _touches_disclosures(path.read_text())
    }
    assert touching == READERS


def test_P2_06_the_module_scan_catches_a_hidden_reader():
    assert _touches_disclosures("rows = CheckIn.objects.disclosed(d)")
    assert _touches_disclosures("from homegroup.journal import disclosed")
    assert _touches_disclosures("import homegroup.interop.fhir_disclosure")
    assert not _touches_disclosures('"""CheckIn.objects.disclosed(d) in a docstring"""')


def test_A_10_a_gated_view_that_never_asks_the_gate_answers_404():
    @gate.gated
    def leaky(request):
        from django.http import HttpResponse

        return HttpResponse("someone else's record")

    with pytest.raises(Http404):
        leaky(RequestFactory().get("/"))


def test_P2_06_a_gated_view_may_redirect_or_refuse_without_asking():
    from django.http import HttpResponseRedirect

    @gate.gated
    def elsewhere(request):
        return HttpResponseRedirect("/")

    assert elsewhere(RequestFactory().get("/")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(OTHERS_RECORD))
def test_P2_06_each_gated_route_discloses_once_and_denies_dev_with_an_audit_row(
    route, people, client_for
):
    share_as_in_the_story(people)
    viewer, url = OTHERS_RECORD[route](people)
    response = client_for(viewer).get(url)
    assert response.status_code == 200
    assert DisclosureRecord.objects.filter(recipient_user_id=viewer.pk).count() == 1
    refused = client_for(people.dev).get(url)
    assert refused.status_code == 404
    assert AuditEvent.objects.filter(
        action="privacy.disclosure", actor_id=people.dev.pk, outcome=Outcome.DENIED
    ).exists()
    assert not DisclosureRecord.objects.filter(recipient_user_id=people.dev.pk).exists()


@pytest.mark.django_db
def test_P2_06_setting_a_recovery_task_asks_the_gate_and_denies_dev_with_an_audit_row(
    people, client_for
):
    share_as_in_the_story(people)
    session = _session(people)
    url = f"/care/people/{people.ana.pk}/sessions/{session.pk}/tasks/"
    data = {"kind": "reading", "text": "Read Step 1"}
    assert client_for(people.cora).post(url, data).status_code == 302
    assert DisclosureRecord.objects.filter(recipient_user_id=people.cora.pk).count() == 1
    assert client_for(people.dev).post(url, data).status_code == 404
    assert AuditEvent.objects.filter(
        action="privacy.disclosure", actor_id=people.dev.pk, outcome=Outcome.DENIED
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(MANY_RECORDS))
def test_P2_06_a_page_of_many_records_discloses_once_per_person_and_dev_gets_nothing(
    route, people, client_for
):
    share_as_in_the_story(people)
    viewer, url = MANY_RECORDS[route](people)
    page = client_for(viewer).get(url)
    assert page.status_code == 200
    assert list(
        DisclosureRecord.objects.filter(recipient_user_id=viewer.pk).values_list(
            "person_id", flat=True
        )
    ) == [people.ana.pk]
    other = client_for(people.dev).get(url)
    assert other.status_code == 200
    assert f"/care/people/{people.ana.pk}/" not in other.content.decode()
    assert not DisclosureRecord.objects.filter(recipient_user_id=people.dev.pk).exists()
