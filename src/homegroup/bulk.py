"""Insert many generated rows at once: `executemany` on SQLite, COPY on PostgreSQL.

For the synthetic data generators only (`homegroup generate-directory`, `homegroup
generate-cohort`): at hundreds of thousands of rows `bulk_create`'s model instances and
per-value preparation cost several times the database's own work. Rows name fields (a foreign
key by instance or id); a missing field takes its default. No model `save()`, signal or
validation runs, so only rows built by those generators come here."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from itertools import repeat
from typing import Any

from django.db import connections, models, router

# Stored as Python gives them on SQLite and PostgreSQL alike: no per-value preparation.
PLAIN_FIELDS = frozenset(
    ["CharField", "TextField", "SlugField", "URLField", "EmailField", "BooleanField",
     "FloatField", "IntegerField", "BigIntegerField", "PositiveIntegerField",
     "PositiveSmallIntegerField", "ForeignKey"]
)  # fmt: skip


def insert_rows(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    ready: Collection[str] = (),
) -> None:
    """Insert `rows` into `model`'s table. `ready` names fields whose values are already what
    the database stores (an encrypted value sealed by the caller): passed as they are."""
    if not rows:
        return
    named = {name for row in rows for name in row}
    defaults = {f.name: f.get_default() for f in model._meta.concrete_fields if f.name in named}
    columns = {
        name: [row[name] if name in row else defaults[name] for row in rows] for name in named
    }
    insert_columns(model, len(rows), columns, ready=ready)


class _Preparer:
    """A field's values as the database takes them; the same few values (a run's time, dates,
    empty lists) recur in every column, so each distinct one is prepared once."""

    def __init__(self, field: models.Field[Any, Any], connection: Any, as_is: bool) -> None:
        self.field, self.connection, self.as_is = field, connection, as_is
        self.prepared: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, models.Model):
            value = value.pk
        if self.as_is:
            return value
        try:
            key: Any = (type(value), value)
            hash(key)
        except TypeError:
            key = repr(value)
        if key not in self.prepared:
            self.prepared[key] = self.field.get_db_prep_save(value, self.connection)
        return self.prepared[key]


def insert_columns(
    model: type[models.Model],
    count: int,
    columns: Mapping[str, Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    ready: Collection[str] = (),
) -> None:
    """Insert `count` rows given column by column: `columns` maps a field to its `count` values,
    `constants` a field to one value for every row; any other field takes its default. Column
    by column, so that millions of rows cost a few list operations each, not a loop per value."""
    if not count:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    constants = dict(constants or {})
    values: list[Any] = []
    for f in fields:
        as_is = f.get_internal_type() in PLAIN_FIELDS or f.name in ready
        prepare = _Preparer(f, connection, as_is)
        if f.name in columns:
            column = columns[f.name]
            if len(column) != count:
                raise ValueError(f"{f.name}: {len(column)} values for {count} rows")
            if as_is and not isinstance(f, models.ForeignKey):
                values.append(column)
            else:
                values.append([prepare(value) for value in column])
        else:
            values.append(repeat(prepare(constants.pop(f.name, f.get_default())), count))
    if constants:
        raise ValueError(f"not fields of {model._meta.label}: {', '.join(sorted(constants))}")
    params = zip(*values, strict=False)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: a tenth of the server's work of as many INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            insert = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from the model
            cursor.executemany(insert, list(params))
