"""The id of the request being served, so an audit row and a log line can be tied together.

A context variable, so each thread or task sees its own; "-" outside any request (a command).
"""

from __future__ import annotations

from contextvars import ContextVar, Token

_request_id: ContextVar[str] = ContextVar("homegroup_request_id", default="-")


def current() -> str:
    return _request_id.get()


def bind(request_id: str) -> Token[str]:
    return _request_id.set(request_id)


def unbind(token: Token[str]) -> None:
    _request_id.reset(token)
