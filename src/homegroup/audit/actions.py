"""Every write of the audit app: `record` (the one function every feature calls to audit),
`append` (one row of any sealed ledger), sealing, and `refuse` (a refused lookup: audited, 404).

A row's id is taken before its insert (the sequence's next value on PostgreSQL; on SQLite, whose
writers are serialised, the next AUTOINCREMENT value), so its MAC covers it: the insert stays one
statement, no lock, no read of other rows. Every so often `seal_pending` writes a seal covering
the rows since the last one (cron `homegroup audit-seal` every minute, and writers seal on their
own every `SEAL_EVERY` rows).
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.http import Http404
from django.utils import timezone

from homegroup.audit import anchor, ledgers, macs
from homegroup.audit.models import AuditEvent, AuditSeal, Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.lib import request_ids

logger = logging.getLogger(__name__)

SEAL_EVERY = 256
# Rows younger than this are left for the next seal, so a transaction still in flight (whose
# id is lower than a committed neighbour's) is never skipped by a seal.
SEAL_SETTLE = timedelta(seconds=60)
_ADVISORY_LOCK = 0x686F6D65  # "home"
# The largest id a BigAutoField holds; a longer number can name no row.
MAX_ID = 2**63 - 1

_M = TypeVar("_M", bound=models.Model)


class SealRefused(Exception):
    """The sealer will not extend a chain that has lost its start; the message says why."""


def record(
    *,
    action: AuditAction,
    actor_id: int | None,
    outcome: Outcome | str = Outcome.SUCCESS,
    subject_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    request_id: str | None = None,
) -> AuditEvent:
    """Append one audit event. Plain ids only: never names, notes or answers. The action is
    one of the vocabulary (`audit.vocabulary.AuditAction`): anything else is refused."""
    action = AuditAction(action)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        action=action,
        outcome=outcome,
        subject_id=subject_id,
        object_type=object_type,
        object_id=str(object_id)[:64],
        request_id=request_id if request_id is not None else request_ids.current(),
    )
    return append(event)


def append(row: _M, *, using: str = DEFAULT_DB_ALIAS) -> _M:
    """Insert one row of a sealed ledger with its MAC: one cheap query for the id, one insert."""
    ledger = ledgers.for_model(type(row))
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor != "sqlite":
        _insert(ledger, row, using)
    else:
        # SQLite: the id read and the insert must share one write transaction (BEGIN IMMEDIATE
        # holds the write lock), or two processes could take the same id.
        with transaction.atomic(using=using):
            _insert(ledger, row, using)
    if row.pk % SEAL_EVERY == 0:
        name = ledger.name
        transaction.on_commit(lambda: _seal_quietly(name, using), using=using)
    return row


def append_many(rows: list[_M], *, using: str = DEFAULT_DB_ALIAS) -> list[_M]:
    """Insert rows of one sealed ledger, each with its MAC, in two queries whatever their number
    (the ids in one, the rows in one): for a page that discloses many records at once (the
    clinician's caseload), where `append` per row would make the query count grow with it."""
    if not rows:
        return rows
    model = type(rows[0])
    if any(type(row) is not model for row in rows):
        raise TypeError("append_many takes rows of one ledger")
    ledger = ledgers.for_model(model)
    with transaction.atomic(using=using):
        ids = next_ids(model, len(rows), using)
        for row, row_id in zip(rows, ids, strict=True):
            row.pk = row_id
            setattr(row, ledger.mac_field, ledger.mac(row_id, ledger.values(row)))
        if connections[using].vendor == "sqlite":
            _insert_many_sqlite(model, rows, using)
        else:
            # PostgreSQL: Django inserts the rows as one statement over UNNEST'ed arrays.
            model._base_manager.using(using).bulk_create(rows)
    if any(row.pk % SEAL_EVERY == 0 for row in rows):
        name = ledger.name
        transaction.on_commit(lambda: _seal_quietly(name, using), using=using)
    return rows


def next_ids(model: type[models.Model], count: int, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """`count` ids for the table's next inserts, in ascending order: reserved from the sequence
    (PostgreSQL), or the next ones after the largest ever given (SQLite, inside the write
    transaction that inserts them, which holds the database's one write lock)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        first = next_id(model, using)
        return list(range(first, first + count))
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return sorted(int(row[0]) for row in cursor.fetchall())


def _insert_many_sqlite(model: type[models.Model], rows: list[_M], using: str) -> None:
    """SQLite: the rows' INSERT as one statement run for each row (`executemany`), each value
    prepared by its field as `bulk_create` prepares it. `bulk_create` would split the rows into
    batches under SQLite's 999 parameters (three statements for 200 audit events) and spend
    most of its time compiling them; this is one query whatever the number of rows."""
    connection = connections[using]
    fields = list(model._meta.local_concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Rows written together share most of their values (the time, the actor, the action, the
    # request): each distinct value is prepared once per field.
    prepared: list[dict[tuple[type, Any], Any]] = [{} for _field in fields]

    def prepare(index: int, field: models.Field[Any, Any], row: models.Model) -> Any:
        value = field.pre_save(row, True)
        try:
            known = prepared[index]
            key = (type(value), value)
            if key not in known:
                known[key] = field.get_db_prep_save(value, connection)
            return known[key]
        except TypeError:  # unhashable (a JSON list or dict)
            return field.get_db_prep_save(value, connection)

    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names
            f"VALUES ({placeholders})",
            [[prepare(index, field, row) for index, field in enumerate(fields)] for row in rows],
        )
    for row in rows:  # saved, as bulk_create leaves them
        row._state.adding = False
        row._state.db = using


def _insert(ledger: ledgers.Ledger, row: models.Model, using: str) -> None:
    row.pk = next_id(ledger.model, using)
    setattr(row, ledger.mac_field, ledger.mac(row.pk, ledger.values(row)))
    row.save(force_insert=True, using=using)


def next_id(model: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> int:
    """The id the table's next insert takes, reserved (PostgreSQL) or stable until commit
    (SQLite, inside the write transaction)."""
    connection = connections[using]
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
        elif connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses an id: the next is past both the largest ever given
            # (sqlite_sequence) and the largest there, as SQLite itself decides.
            quoted_table, quoted_column = (connection.ops.quote_name(n) for n in (table, column))
            largest = f"SELECT MAX({quoted_column}) FROM {quoted_table}"  # noqa: S608 - names
            ever = "SELECT seq FROM sqlite_sequence WHERE name = %s"
            cursor.execute(
                f"SELECT MAX(COALESCE(({ever}), 0), COALESCE(({largest}), 0)) + 1", [table]
            )
        else:
            raise NotImplementedError(
                f"sealed ledgers support SQLite and PostgreSQL, not {connection.vendor}"
            )
        row = cursor.fetchone()
    return int(row[0])


# --- Sealing --------------------------------------------------------------------------------------


def _take_seal_lock(ledger: ledgers.Ledger, *, wait: bool, using: str) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return True  # SQLite serialises writers itself.
    with connection.cursor() as cursor:
        function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        cursor.execute(
            f"SELECT {function}(%s, %s)", [_ADVISORY_LOCK, zlib.crc32(ledger.name.encode()) >> 1]
        )
        row = cursor.fetchone()
    return wait or bool(row and row[0])


def head(ledger_name: str, using: str = DEFAULT_DB_ALIAS) -> AuditSeal | None:
    """The newest seal of a ledger."""
    return (
        AuditSeal.objects.using(using)
        .filter(ledger=ledger_name)
        .order_by("-last_event_id", "-id")
        .first()
    )


def _new_seal(
    ledger: ledgers.Ledger, *, previous: AuditSeal | None, rows: list[tuple[int, str]], using: str
) -> AuditSeal:
    sealed_at = timezone.now()
    previous_mac = previous.mac if previous else macs.ZERO
    after = previous.last_event_id if previous else 0
    mac, count, last = macs.seal_mac(
        ledgers.key(),
        ledger=ledger.name,
        previous_mac=previous_mac,
        after_id=after,
        sealed_at=sealed_at,
        rows=rows,
    )
    seal = AuditSeal(
        ledger=ledger.name,
        sealed_at=sealed_at,
        after_event_id=after,
        last_event_id=last,
        event_count=count,
        previous_mac=previous_mac,
        mac=mac,
    )
    seal.save(force_insert=True, using=using)
    return seal


def ensure_genesis(ledger_name: str, *, using: str = DEFAULT_DB_ALIAS) -> AuditSeal | None:
    """Start an empty ledger's chain with its genesis seal (after `migrate`, and after the test
    runner's flush). A ledger that holds rows but no seal lost its seals: it gets no new start."""
    ledger = ledgers.get(ledger_name)
    with transaction.atomic(using=using):
        _take_seal_lock(ledger, wait=True, using=using)
        if AuditSeal.objects.using(using).filter(ledger=ledger.name).exists():
            return None
        if ledger.model._base_manager.using(using).exists():
            return None
        return _new_seal(ledger, previous=None, rows=[], using=using)


def seal_pending(
    *,
    ledger: str = ledgers.AUDIT,
    wait: bool = True,
    now: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> AuditSeal | None:
    """Seal a ledger's rows written since its last seal that are older than the settle time.

    Refuses (SealRefused) when the ledger holds rows but its chain has no genesis: its seals were
    removed, and sealing what is left would hide that.
    """
    spec = ledgers.get(ledger)
    cutoff = (now or timezone.now()) - SEAL_SETTLE
    with transaction.atomic(using=using):
        if not _take_seal_lock(spec, wait=wait, using=using):
            return None
        last = head(spec.name, using)
        if last is None:
            if spec.model._base_manager.using(using).exists():
                raise SealRefused(
                    f"the {spec.name} ledger holds rows but no genesis seal: its seals were "
                    f"removed. Run `homegroup audit-verify` and investigate before anything else"
                )
            last = _new_seal(spec, previous=None, rows=[], using=using)
        rows: list[tuple[int, str]] = []
        # Stop at the first young row so the sealed ids are a prefix of what will ever exist.
        for row_id, mac, moment in (
            spec.model._base_manager.using(using)
            .filter(pk__gt=last.last_event_id)
            .order_by("pk")
            .values_list("pk", spec.mac_field, spec.time_field)
            .iterator(chunk_size=2000)
        ):
            if moment >= cutoff:
                break
            rows.append((row_id, mac))
        if not rows:
            return None
        return _new_seal(spec, previous=last, rows=rows, using=using)


def _seal_quietly(ledger: str, using: str) -> None:
    """The writers' opportunistic seal, after their commit: never fails the request (cron's
    `audit-seal` seals anyway, and says loudly what is wrong)."""
    try:
        seal_pending(ledger=ledger, wait=False, using=using)
    except (SealRefused, DatabaseError):
        logger.exception("opportunistic sealing of the %s ledger failed", ledger)


@dataclass
class SealRun:
    """What one `audit-seal` run did: seals written, heads anchored, ledgers it refused."""

    sealed: list[AuditSeal] = field(default_factory=list)
    anchored: list[anchor.Head] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def seal_and_anchor(*, anchor_path: str = "", now: datetime | None = None) -> SealRun:
    """Seal every ledger, then append each one's new head to the anchor.

    When the anchor can be read back, a ledger whose newest anchored head is no longer in the
    database is not sealed: its sealed rows were removed, and sealing what is left would only
    hide it behind a fresh head.
    """
    run = SealRun()
    readable = bool(anchor_path) and anchor.can_read_back(anchor_path)
    names = [ledger.name for ledger in ledgers.registered()]
    known = anchor.last_heads(anchor_path, names) if anchor.readable(anchor_path) else {}
    for name in names:
        anchored = known.get(name)
        if anchored is not None and not _holds(anchored):
            run.problems.append(
                f"the {name} ledger no longer holds its anchored seal {anchored.seal_id} "
                f"unchanged: not sealing it. Run `homegroup audit-verify --anchor {anchor_path}`"
            )
            continue
        try:
            seal = seal_pending(ledger=name, now=now)
        except SealRefused as error:
            run.problems.append(str(error))
            continue
        if seal is not None:
            run.sealed.append(seal)
        newest = head(name)
        if not anchor_path or newest is None:
            continue
        # A pipe cannot be read back: anchor what this run sealed (it covers earlier seals).
        if (readable and (anchored is None or not anchored.matches(newest))) or (
            not readable and seal is not None
        ):
            run.anchored.append(anchor.Head.of(newest))
    if anchor_path:
        anchor.append(anchor_path, run.anchored)
    return run


def _holds(anchored: anchor.Head) -> bool:
    seal = AuditSeal.objects.filter(ledger=anchored.ledger, pk=anchored.seal_id).first()
    return seal is not None and anchored.matches(seal)


def after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: every empty ledger gets its genesis; the app's role gets its grants."""
    from homegroup.audit import roles

    try:
        for ledger in ledgers.registered():
            ensure_genesis(ledger.name, using=using)
    except DatabaseError:
        # Migrating backwards: the tables are not (or not yet) what the models say.
        logger.info("no genesis seals written: the audit tables are not migrated")
        return
    roles.grant_configured_role(using=using)


# --- Refused lookups: one denied event, then 404 ----------------------------------------


def refuse(
    *,
    actor_id: int | None,
    object_type: str,
    object_id: str | int,
    subject_id: int | None = None,
    action: AuditAction = AuditAction.ACCESS_REFUSED,
) -> NoReturn:
    """Someone asked for an object they may not see (or that does not exist): the answer is 404,
    never 403 and never the data, and the attempt is one denied audit event with ids only."""
    record(
        action=action,
        actor_id=actor_id,
        outcome=Outcome.DENIED,
        subject_id=subject_id,
        object_type=object_type,
        object_id=object_id,
    )
    raise Http404


def object_type_of(model: type[models.Model]) -> str:
    """NetworkMember -> "network_member", as the audit names objects."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def get_or_refuse(
    queryset: models.QuerySet[_M],
    pk: Any,
    *,
    actor_id: int | None,
    owner_field: str | None = None,
    object_type: str | None = None,
) -> _M:
    """One object of a scoped QuerySet (what this user may see), or `refuse`.

    `owner_field` names the field holding whose record the object is: a refusal of an existing
    object then records that person as the subject, so breach scoping and the person's own
    audit page see the attempt.
    """
    wanted = _as_id(pk)
    model = queryset.model
    if wanted is not None:
        try:
            return queryset.get(pk=wanted)
        except ObjectDoesNotExist:
            pass
    subject_id = None
    if wanted is not None and owner_field is not None:
        subject_id = (
            model._base_manager.filter(pk=wanted).values_list(owner_field, flat=True).first()
        )
    refuse(
        actor_id=actor_id,
        object_type=object_type or object_type_of(model),
        object_id=str(pk),
        subject_id=subject_id,
    )


def _as_id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None
