"""Insert many generated rows at once: `executemany` on SQLite, COPY on PostgreSQL.

For the synthetic data generators only (`homegroup generate-directory`, `homegroup
generate-cohort`): at hundreds of thousands of rows `bulk_create`'s model instances and
per-value preparation cost several times the database's own work. Rows name fields (a foreign
key by instance or id); a missing field takes its default. No model `save()`, signal or
validation runs, so only rows built by those generators come here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
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
    connection = connections[router.db_for_write(model)]
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    plain = [f.get_internal_type() in PLAIN_FIELDS or f.name in ready for f in columns]
    defaults = {f.name: f.get_default() for f in columns}
    # The same few values (a run's time, start times, empty lists) recur in every row.
    prepared: dict[tuple[int, str], Any] = {}
    params = []
    for row in rows:
        values = []
        for index, (f, as_is) in enumerate(zip(columns, plain, strict=True)):
            value = row[f.name] if f.name in row else defaults[f.name]
            if isinstance(value, models.Model):
                value = value.pk
            if not as_is:
                key = (index, repr(value))
                if key not in prepared:
                    prepared[key] = f.get_db_prep_save(value, connection)
                value = prepared[key]
            values.append(value)
        params.append(values)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: a tenth of the server's work of as many INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            insert = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from the model
            cursor.executemany(insert, params)
