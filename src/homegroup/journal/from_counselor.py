"""What the person's counselor asks of them, for the "From your counselor" part of the home page.

The journal knows nothing about clinicians (docs/architecture.md), so it does not read their
requests itself: an app that has something to ask of a person in recovery (measures on request,
recovery tasks from a TSF session) registers one small provider here, usually in its
`AppConfig.ready()`:

    from homegroup.journal import from_counselor

    def open_recovery_tasks(person):
        return [from_counselor.Ask(text=..., url=..., due=...) for task in ...]

    from_counselor.register(open_recovery_tasks)

A provider takes the person, returns what is open for them now (at most a few items, oldest due
first), and makes a constant number of queries: the home page's query budget grows by each
provider's count. The journal registers two (`journal/counselor_asks.py`): open recovery tasks
and questionnaires asked for; with nothing open the home page shows nothing of this part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

MAX_ITEMS = 5


@dataclass(frozen=True)
class Ask:
    """One open request or task: a short text in the counselor's words, where to answer it."""

    text: str
    url: str
    due: date | None = None


Provider = Callable[[Any], list[Ask]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (once); returns it, so it can be used as a decorator."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def asks_for(person: Any) -> list[Ask]:
    """Everything open for the person from every provider, soonest due first, a few at most."""
    asks = [ask for provider in PROVIDERS for ask in provider(person)]
    asks.sort(key=lambda ask: (ask.due is None, ask.due or date.max))
    return asks[:MAX_ITEMS]
