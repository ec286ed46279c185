"""Delimited files (CSV, TSV, pipe-delimited legacy exports, Google Sheets downloads), read
through a per-source map into Meeting Guide records, then normalised like a Meeting Guide feed.

A map is a JSON file; every key is optional (the comments below explain; JSON has none)::

    {
      "name": "New Mexico legacy flat file",
      "encoding": "utf-8",
      "delimiter": "|",              // default: sniffed from the first line (, ; tab |)
      "header": false,               // default true: the first line names the columns
      "quoting": false,              // default true: "..." quotes fields (CSV rules)
      "columns": ["slug", "day_name", ...],  // column names; required without a header
      "fields": {                    // Meeting Guide field -> column (regions: a list)
        "slug": "slug", "day": "day_name", "time": "time", "regions": ["region"]
      },
      "day_numbering": "sunday0",    // digits in the day column: sunday0 | sunday1 |
                                     //   monday0 | monday1
      "types_separator": ",",        // splits every types column ("types" may list several)
      "newline_marker": "``",        // how the file writes a line break inside a field
      "codes": {"SP": "S", "S": "SP", "ST": ["ST", "TR"], "X1": []},
      "fellowship": "AA",            // the default; a "fellowship" column names each row's
      "nulls": ["NULL", "N/A", ""],  // values meaning "nothing" (default: NULL, N/A, None…)
      "values": {                    // a field's values translated (after reading the column)
        "region": {"M": "Manhattan", "BX": "Bronx"}
      },
      "flags": {                     // yes/no columns that add a type code when yes
        "Wheelchair": "X", "Women Only": "W"
      }
    }

Without ``fields``, header names are matched to Meeting Guide fields the way the 12 Step
Meeting List plugin writes its CSV export and TSML UI reads a Google Sheet: case and spaces
ignored ("Conference URL" → conference_url), "ID" is the slug when there is no "Slug" column,
and "Address" is the whole address unless there is also a "City" column. A map naming a column
the file lacks is refused in one line naming it. docs/formats.md documents every key.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from homegroup.directory.importers.canonical import (
    FeedError,
    ImportOptions,
    ImportResult,
)
from homegroup.directory.importers.codes import normalise_code_map
from homegroup.directory.importers.fields import Unreadable, shown
from homegroup.directory.importers.meeting_guide import normalise

DayNumbering = Literal["sunday0", "sunday1", "monday0", "monday1"]
_DAY_OFFSETS: Final[Mapping[str, tuple[int, int]]] = {
    # numbering -> (value of Sunday's first day in the file, shift to 0 = Sunday)
    "sunday0": (0, 0),
    "sunday1": (1, 0),
    "monday0": (0, 1),
    "monday1": (1, 1),
}

# Meeting Guide fields a column may fill ("duration" is ours: some exports only have one).
TARGET_FIELDS: Final = frozenset(
    [
        "id",
        "slug",
        "name",
        "day",
        "time",
        "end_time",
        "duration",
        "timezone",
        "location",
        "location_notes",
        "notes",
        "formatted_address",
        "address",
        "city",
        "state",
        "postal_code",
        "country",
        "latitude",
        "longitude",
        "coordinates",
        "approximate",
        "types",
        "region",
        "sub_region",
        "regions",
        "group",
        "group_notes",
        "district",
        "conference_url",
        "conference_url_notes",
        "conference_phone",
        "conference_phone_notes",
        "url",
        "updated",
        "venmo",
        "square",
        "paypal",
        "entity",
        "entity_email",
        "entity_phone",
        "entity_location",
        "entity_url",
        "entity_website_url",
        "entity_logo",
        "attendance_option",
        "fellowship",
        "contact_1_name",
        "contact_1_email",
        "contact_1_phone",
        "contact_2_name",
        "contact_2_email",
        "contact_2_phone",
        "contact_3_name",
        "contact_3_email",
        "contact_3_phone",
    ]
)
_KEYS: Final = frozenset(
    [
        "name",
        "encoding",
        "delimiter",
        "header",
        "quoting",
        "columns",
        "fields",
        "day_numbering",
        "types_separator",
        "newline_marker",
        "codes",
        "fellowship",
        "nulls",
        "values",
        "flags",
    ]
)
# Flag columns count as "yes" with these (any case); anything else, or empty, is "no".
_YES: Final = frozenset({"yes", "y", "true", "t", "1", "x", "on"})


@dataclass(frozen=True, slots=True)
class SourceMap:
    """How to read one source's delimited file (see the module docstring for the JSON)."""

    name: str = ""
    encoding: str = "utf-8"
    delimiter: str | None = None
    header: bool = True
    quoting: bool = True
    columns: tuple[str, ...] = ()
    fields: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    day_numbering: DayNumbering = "sunday0"
    types_separator: str = ","
    newline_marker: str = ""
    codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fellowship: str | None = None
    nulls: frozenset[str] | None = None
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    flags: Mapping[str, str] = field(default_factory=dict)

    def columns_used(self) -> set[str]:
        """Every column the map names: in its fields and its flags."""
        named = {name for value in self.fields.values() for name in _as_tuple(value)}
        return named | set(self.flags)


def load_map(data: bytes) -> SourceMap:
    """A map file to a SourceMap, or FeedError naming what is wrong with it."""
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"the map is not valid JSON: {error}") from None
    return map_from_dict(raw)


def _string_table(raw: object, what: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
    ):
        raise FeedError(f"the map's {what} must be an object of texts")
    return dict(raw)


def map_from_dict(raw: object) -> SourceMap:
    """A map already read from JSON (as a source keeps it) to a SourceMap, or FeedError."""
    if not isinstance(raw, dict):
        raise FeedError("the map must be a JSON object")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise FeedError(f"the map has unknown keys: {', '.join(unknown)}")
    raw_fields = raw.get("fields") or {}
    if not isinstance(raw_fields, dict):
        raise FeedError("the map's fields must be an object: meeting field -> column")
    fields: dict[str, str | tuple[str, ...]] = {}
    for target, column in raw_fields.items():
        if target not in TARGET_FIELDS:
            raise FeedError(f"the map's fields name {target!r}, which is not a meeting field")
        if isinstance(column, str):
            fields[target] = column
        elif isinstance(column, list) and all(isinstance(item, str) for item in column):
            fields[target] = tuple(column)
        else:
            raise FeedError(f"the map's field {target!r} must name a column or a list of them")
    columns = raw.get("columns") or []
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise FeedError("the map's columns must be a list of names")
    header = raw.get("header", True)
    if not header and not columns:
        raise FeedError("a map for a file without a header must list its columns")
    flags = _string_table(raw.get("flags") or {}, "flags (column -> type code)")
    if columns:
        named = {name for value in fields.values() for name in _as_tuple(value)} | set(flags)
        missing = sorted(named - set(columns))
        if missing:
            raise FeedError(f"the map's fields use columns it does not list: {', '.join(missing)}")
    raw_values = raw.get("values") or {}
    if not isinstance(raw_values, dict):
        raise FeedError("the map's values must be an object: meeting field -> {value: new value}")
    values: dict[str, dict[str, str]] = {}
    for target, table in raw_values.items():
        if target not in TARGET_FIELDS:
            raise FeedError(f"the map's values name {target!r}, which is not a meeting field")
        values[target] = _string_table(table, f"values for {target!r}")
    raw_nulls = raw.get("nulls")
    nulls = None
    if raw_nulls is not None:
        if not isinstance(raw_nulls, list) or not all(isinstance(n, str) for n in raw_nulls):
            raise FeedError('the map\'s nulls must be a list of texts, e.g. ["NULL", "N/A"]')
        nulls = frozenset(token.strip() for token in raw_nulls)
    numbering = raw.get("day_numbering", "sunday0")
    if numbering not in _DAY_OFFSETS:
        raise FeedError(f"day_numbering must be one of {', '.join(_DAY_OFFSETS)}")
    fellowship = raw.get("fellowship")
    if fellowship is not None and not (isinstance(fellowship, str) and fellowship.strip()):
        raise FeedError("the map's fellowship must be a code such as AA or NA")
    delimiter = raw.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise FeedError("the map's delimiter must be one character")
    raw_codes = raw.get("codes") or {}
    if not isinstance(raw_codes, dict):
        raise FeedError("the map's codes must be an object: source code -> code(s)")
    try:
        codes = normalise_code_map(raw_codes)
    except ValueError as error:
        raise FeedError(f"the map's codes: {error}") from None
    return SourceMap(
        name=str(raw.get("name", "")),
        encoding=str(raw.get("encoding", "utf-8")),
        delimiter=delimiter,
        header=bool(header),
        quoting=bool(raw.get("quoting", True)),
        columns=tuple(columns),
        fields=fields,
        day_numbering=numbering,
        types_separator=str(raw.get("types_separator", ",")) or ",",
        newline_marker=str(raw.get("newline_marker", "")),
        codes=codes,
        fellowship=fellowship,
        nulls=nulls,
        values=values,
        flags=flags,
    )


def _as_tuple(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def default_fields(columns: Sequence[str]) -> dict[str, str | tuple[str, ...]]:
    """Meeting Guide fields for header names, as the TSML CSV export and Google Sheets name
    them ("Conference URL", "End Time", "ID", "Address")."""
    by_key = {_header_key(column): column for column in columns}
    fields: dict[str, str | tuple[str, ...]] = {}
    for key, column in by_key.items():
        if key in TARGET_FIELDS:
            fields[key] = column
    if "slug" not in by_key and "id" in by_key:
        fields["slug"] = by_key["id"]
        del fields["id"]
    if "address" in fields and "city" not in by_key and "formatted_address" not in by_key:
        fields["formatted_address"] = fields.pop("address")
    return fields


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(
            "utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding
        )
    except (UnicodeDecodeError, LookupError) as error:
        raise FeedError(
            f"the file is not {encoding} text ({error}); set the map's encoding"
        ) from None


def _sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";", "|")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    if not counts[best]:
        raise FeedError("cannot tell the delimiter from the first line; set it in the map")
    return best


def parse(data: bytes, *, source_map: SourceMap) -> tuple[list[object], list[str]]:
    """Rows as Meeting Guide records with their positions ("line N"). A row with the wrong
    number of columns stays in the list as ``Unreadable`` so the normaliser reports it."""
    text = _decode(data, source_map.encoding)
    if not text.strip():
        raise FeedError("the file is empty")
    if "\x00" in text[:4096]:
        raise FeedError("a binary file, not delimited text")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = source_map.delimiter or _sniff_delimiter(first_line)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quoting=csv.QUOTE_MINIMAL if source_map.quoting else csv.QUOTE_NONE,
        strict=False,
    )
    columns = list(source_map.columns)
    rows: list[dict[str, str] | Unreadable] = []
    positions: list[str] = []
    header_seen = not source_map.header
    last_start = started = 1  # the physical line the (last) row began on
    try:
        for values in reader:
            position = f"line {last_start}"
            started, last_start = last_start, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue
            if not header_seen:
                header_seen = True
                if not columns:
                    columns = [value.strip() for value in values]
                continue
            if len(values) != len(columns):
                reason = f"cannot read the row: {len(values)} columns, expected {len(columns)}"
                rows.append(Unreadable(reason))
            else:
                rows.append(dict(zip(columns, values, strict=True)))
            positions.append(position)
    except csv.Error as error:
        raise FeedError(f"line {reader.line_num}: {error}") from None
    if rows and source_map.quoting and _ends_inside_quotes(text, started, delimiter):
        rows[-1] = Unreadable("the row ends inside a quoted field")
    fields = dict(source_map.fields) or default_fields(columns)
    if not fields:
        raise FeedError("no column matches a meeting field; a --map is needed for this file")
    missing = sorted(_columns_named(fields, source_map) - set(columns))
    if missing:
        shown_columns = ", ".join(shown(column) for column in columns[:30])
        raise FeedError(
            f"the map names {'a column' if len(missing) == 1 else 'columns'} the file lacks: "
            f"{', '.join(shown(column) for column in missing)} (the file's columns: "
            f"{shown_columns}{', …' if len(columns) > 30 else ''})"
        )
    records: list[object] = [
        _to_record(row, fields, source_map) if isinstance(row, dict) else row for row in rows
    ]
    return records, positions


def _columns_named(fields: Mapping[str, str | tuple[str, ...]], source_map: SourceMap) -> set[str]:
    return {name for value in fields.values() for name in _as_tuple(value)} | set(source_map.flags)


def _ends_inside_quotes(text: str, start_line: int, delimiter: str) -> bool:
    """Whether the last row of the file is still inside a quoted field at the end (the csv
    module, lenient, would take it as complete): the sign of a file cut mid-row."""
    tail = "".join(text.splitlines(keepends=True)[start_line - 1 :])
    try:
        list(csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return True
    return False


def _translate(value: str, table: Mapping[str, str] | None) -> str:
    if table is None:
        return value
    return table.get(value, value)


def _to_record(
    row: Mapping[str, str], fields: Mapping[str, str | tuple[str, ...]], source_map: SourceMap
) -> dict[str, object]:
    marker = source_map.newline_marker
    tables = source_map.values
    record: dict[str, object] = {}
    for target, columns in fields.items():
        table = tables.get(target)
        if isinstance(columns, tuple):
            values = [_translate(row[column].strip(), table) for column in columns]
            record[target] = [value.replace(marker, "\n") if marker else value for value in values]
            continue
        value = _translate(row[columns].strip(), table)
        if marker and marker in value:
            value = value.replace(marker, "\n")
        record[target] = value
    types = record.get("types")
    separator = source_map.types_separator
    if isinstance(types, str):
        record["types"] = [part for part in types.split(separator) if part.strip()]
    elif isinstance(types, list):
        # Types spread over several columns: each column may hold several codes.
        record["types"] = [
            part for value in types for part in value.split(separator) if part.strip()
        ]
    if source_map.flags:
        flagged = [code for column, code in source_map.flags.items() if _is_yes(row[column])]
        if flagged:
            record["types"] = [*record.get("types", []), *flagged]  # type: ignore[misc]
    day = record.get("day")
    if isinstance(day, str) and day.isdigit():
        first, shift = _DAY_OFFSETS[source_map.day_numbering]
        number = int(day) - first
        # Leave out-of-range numbers as they are: the normaliser reports them.
        record["day"] = (number + shift) % 7 if 0 <= number <= 6 else day
    return record


def _is_yes(value: str) -> bool:
    return value.strip().lower() in _YES


def load(
    data: bytes, *, source_map: SourceMap | None = None, options: ImportOptions | None = None
) -> ImportResult:
    """Parse and normalise a delimited file through its map (or its header names). The map's
    codes and fellowship apply unless the options (the command line) say otherwise."""
    chosen_map = source_map or SourceMap()
    options = options or ImportOptions()
    records, positions = parse(data, source_map=chosen_map)
    if chosen_map.codes or chosen_map.fellowship or chosen_map.nulls is not None:
        options = replace(
            options,
            fellowship=options.fellowship or chosen_map.fellowship,
            code_map={**chosen_map.codes, **options.code_map},
            nulls=options.nulls if chosen_map.nulls is None else chosen_map.nulls,
        )
    return normalise(records, options=options, positions=positions, feed_format="csv")
