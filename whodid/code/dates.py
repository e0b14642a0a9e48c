"""Event dates: resolve date expressions against the publication date (CODEBOOK §5).

News text dates events relative to the day it was written ("on Sunday", "last month"),
so every expression is resolved against the document's publication date. This runs on
every event of very large corpora, so the common phrases are handled by precompiled
regexes; dateparser is called only for absolute dates (a month name or a numeric date),
and resolutions are cached per (text, publication date).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from whodid.code.wordlists import NUMBERS, SEQUENCE, KnowledgeError, Section
from whodid.nlp import sentence_ents
from whodid.records import DateInfo

if TYPE_CHECKING:
    from dateparser.date import DateDataParser
    from spacy.tokens import Span, Token

__all__ = ["date_for_event", "find_dates", "history", "resolve_expression"]

# --------------------------------------------------------------------------- vocabulary


def _seven_days(lists: Section) -> None:
    if len(lists.weekdays) != 7:
        raise KnowledgeError(f"{lists.where('weekdays')}: expected the seven days")


LISTS = Section("dates", validate=_seven_days,  # whodid/data/words.yaml, read on first use
                weekdays=SEQUENCE, times_of_day=SEQUENCE,
                month_abbreviations=NUMBERS, number_words=NUMBERS)
_YEAR = r"(?:1[89]|20)\d\d"

# ------------------------------------------------------- resolve_expression: one phrase

# Words around the core that do not change the resolved date at our precision.
_LEAD = re.compile(
    r"^(?:(?:on|in|during|over|since|at)\s+|(?:early|earlier|late|later)(?:\s+|-)"
    r"|mid(?:-|\s+)|the\s+(?:end|start|beginning|middle)\s+of\s+)"
)
_TRAIL = re.compile(r"(?:['’]s|[,;:!?]|\s+local\s+time)$")

_R_TODAY = re.compile(r"^(?:today|tonight|this\s+(?:morning|afternoon|evening))$")
_R_DAY_BEFORE_YESTERDAY = re.compile(r"^the\s+day\s+before\s+yesterday$")
_R_PREVIOUS_DAY = re.compile(
    r"^(?:the\s+(?:previous|preceding|prior)\s+day|the\s+day\s+(?:before|earlier)"
    r"|a\s+day\s+(?:earlier|before))$"
)
_R_WEEKEND = re.compile(r"^(?:the|this|last|this\s+past|past)\s+weekend$")
_R_UNIT = re.compile(
    r"^(?P<mod>this|last|next|the\s+previous|the\s+same)\s+(?P<unit>week|month|year)$"
)
_R_YEAR = re.compile(r"^(?P<yr>" + _YEAR + r")$")
_R_HAS_YEAR = re.compile(r"\b" + _YEAR + r"\b")
# for the sentence scan (find_dates)
_PREP = r"(?P<prep>(?:on|in|during|over|since)\s+)?"
_QUAL = (
    r"(?P<qual>(?:early|earlier|late|later)\s+(?:on\s+|in\s+)?|mid-"
    r"|the\s+(?:end|start|beginning|middle)\s+of\s+)?"
)
# Month names are matched case-sensitively in running text: "may" is a verb, and an
# abbreviation only counts with a day number after it ("Jan" is also a name).
_MONFULL = "(?-i:" + "|".join(calendar.month_name[1:]) + ")"
_NP_START = r"(?!\s+(?:the|a|an|his|her|its|their|this|that)\b)"


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """The word lists of words.yaml's `dates` section and the patterns built from them."""

    weekdays: tuple[str, ...]
    months: dict[str, int]  # month names and abbreviations -> 1..12
    numbers: dict[str, int]  # "three" -> 3
    yesterday: re.Pattern[str]
    tomorrow: re.Pattern[str]
    weekday: re.Pattern[str]
    month: re.Pattern[str]
    ago: re.Pattern[str]
    absolute: re.Pattern[str]  # only these reach dateparser: a month name or a numeric date
    relative: tuple[re.Pattern[str], ...]  # expressions that need a publication date
    scan: re.Pattern[str]  # every expression in running text


@lru_cache(maxsize=1)
def _vocab() -> _Vocabulary:
    """Built on first use, not at import: a broken words file is the runner's one-line
    error, not an import traceback."""
    weekdays = LISTS.weekdays
    months = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    months.update(LISTS.month_abbreviations)
    numbers = LISTS.number_words

    wd = "|".join(weekdays)
    tod = r"(?:\s+(?:" + "|".join(LISTS.times_of_day) + "))?"  # "Sunday night"
    mon_any = "|".join(sorted(months, key=len, reverse=True))
    num = r"\d{1,3}|" + "|".join(numbers)

    yesterday = re.compile(r"^(?:yesterday" + tod + r"|last\s+night)$")
    tomorrow = re.compile(r"^tomorrow" + tod + "$")
    weekday = re.compile(
        r"^(?:(?P<mod>last|this|this\s+past|past|next)\s+)?(?P<wd>" + wd + r")" + tod + "$"
    )
    month = re.compile(
        r"^(?:(?P<mod>last|this|next)\s+)?(?P<mon>" + mon_any + r")\.?"
        r"(?:,?\s+(?:of\s+)?(?:(?P<yr>" + _YEAR + r")|(?P<yrel>last|this|next)\s+year))?$"
    )
    ago = re.compile(
        r"^(?P<n>" + num + r")\s+(?P<unit>day|week|month|year)s?\s+(?:ago|earlier|before)$"
    )
    absolute = re.compile(
        r"\b(?:" + mon_any + r")\b|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    )
    relative = (_R_TODAY, yesterday, _R_DAY_BEFORE_YESTERDAY, _R_PREVIOUS_DAY, tomorrow,
                weekday, _R_WEEKEND, _R_UNIT, ago)

    monabbr = ("(?-i:" + "|".join(sorted((a.capitalize() for a in LISTS.month_abbreviations),
                                         key=len, reverse=True)) + r")\.?")
    mon = f"(?:{_MONFULL}|{monabbr})"
    scan = re.compile(
        r"\b" + _PREP + _QUAL + r"(?P<core>"
        r"\d{4}-\d{2}-\d{2}"
        r"|\d{1,2}/\d{1,2}/\d{4}"
        r"|(?:(?:" + wd + r"),?\s+)?" + mon + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?"
        r"|(?:(?:" + wd + r"),?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + mon
        + r"(?:,?\s+\d{4})?"
        r"|(?P<month>(?:(?:last|this|next)\s+)?"
        + _MONFULL
        + r"(?:,?\s+(?:of\s+)?(?:"
        + _YEAR
        + r"|(?:last|this|next)\s+year))?)"
        r"|the\s+day\s+before\s+yesterday"
        r"|(?:the\s+(?:previous|preceding|prior)\s+day|the\s+day\s+(?:before|earlier)"
        r"|a\s+day\s+(?:earlier|before))"
        + _NP_START
        + r"|(?:today|tonight|tomorrow|yesterday)"
        + tod
        + r"|last\s+night|this\s+(?:morning|afternoon|evening)"
        r"|(?:(?:last|this|this\s+past|next)\s+)?(?:"
        + wd
        + r")"
        + tod
        + r"|(?:the|this|last|this\s+past)\s+weekend"
        r"|(?:this|last|next|the\s+previous)\s+(?:week|month|year)"
        r"|(?:" + num + r")\s+(?:day|week|month|year)s?\s+(?:ago|earlier)"
        r"|(?P<year>" + _YEAR + r")"
        r")\b",
        re.IGNORECASE,
    )
    return _Vocabulary(weekdays, months, numbers, yesterday, tomorrow, weekday, month, ago,
                       absolute, relative, scan)


def _parse_published(published: dt.date | str | None) -> dt.date | None:
    """Accept a date, a datetime or an ISO string, since Document.published is a string."""
    if published is None or type(published) is dt.date:
        return published
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None


def _normalise(text: str) -> str:
    """Lower-case and peel off prepositions/qualifiers ("late on Sunday" -> "sunday")."""
    s = " ".join(text.lower().split())
    while True:
        t = _TRAIL.sub("", s).strip()
        t = _LEAD.sub("", t).strip()
        if t == s:
            return s
        s = t


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + delta
    return n // 12, n % 12 + 1


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def resolve_expression(text: str, published: dt.date | str | None) -> DateInfo | None:
    """Resolve one date expression against the publication date, or None if it isn't one.

    Relative expressions without a publication date give precision "unknown"; absolute
    dates that carry a year resolve regardless.
    """
    if not text or not text.strip():
        return None
    got = _resolve_cached(text.strip(), _parse_published(published))
    if got is None:
        return None
    date, precision, why = got
    return DateInfo(date, text.strip(), precision, why)


@lru_cache(maxsize=65536)
def _resolve_cached(text: str, pub: dt.date | None) -> tuple[str | None, str, str] | None:
    """Cached core: returns an immutable (date, precision, why) so callers can't alias."""
    s = _normalise(text)
    q = f"'{text}'"

    def relative(date: dt.date, precision: str, how: str) -> tuple[str, str, str]:
        return date.isoformat(), precision, f"{q} = {how}"

    def no_pub() -> tuple[None, str, str]:
        return (None, "unknown", f"{q} is relative; no publication date")

    # Absolute years and month-of-year need no publication date.
    if m := _R_YEAR.match(s):
        return (m["yr"], "year", f"{q} = year {m['yr']}")
    v = _vocab()
    m_month = v.month.match(s)
    if m_month and m_month["yr"]:
        mon = v.months[m_month["mon"]]
        return (f"{m_month['yr']}-{mon:02d}", "month", f"{q} = {m_month['yr']}-{mon:02d}")

    if pub is None:
        if m_month or any(r.match(s) for r in v.relative):
            return no_pub()
    else:
        p = pub.isoformat()
        if _R_TODAY.match(s):
            return relative(pub, "day", f"publication day {p}")
        if v.yesterday.match(s):
            return relative(pub - dt.timedelta(1), "day", f"day before publication {p}")
        if _R_DAY_BEFORE_YESTERDAY.match(s):
            return relative(pub - dt.timedelta(2), "day", f"two days before publication {p}")
        if _R_PREVIOUS_DAY.match(s):
            return relative(pub - dt.timedelta(1), "day", f"day before publication {p}")
        if v.tomorrow.match(s):
            return relative(pub + dt.timedelta(1), "day", f"day after publication {p}")
        if m := v.weekday.match(s):
            return _weekday(q, m["wd"], (m["mod"] or "").replace(" ", ""), pub)
        if _R_WEEKEND.match(s):
            sat = pub - dt.timedelta(days=(pub.weekday() - 5) % 7)
            return relative(_monday(sat), "week", f"week of the weekend on or before {p}")
        if m := _R_UNIT.match(s):
            return _unit(q, m["unit"], m["mod"].split()[-1], pub)
        if m := v.ago.match(s):
            return _ago(q, m["n"], m["unit"], pub)
        if m_month:
            return _month_name(q, m_month, pub)

    if v.absolute.search(s):
        if pub is None and not _R_HAS_YEAR.search(s):
            return no_pub()
        return _dateparser(s, q, pub)
    return None


def _weekday(q: str, wd: str, mod: str, pub: dt.date) -> tuple[str, str, str]:
    """Plain/"this"/"past" = on or before publication; "last" = strictly before; "next" after."""
    target = _vocab().weekdays.index(wd)
    back = (pub.weekday() - target) % 7
    if mod == "next":
        d, how = pub + dt.timedelta(days=(7 - back) % 7 or 7), "next {} after {}"
    elif mod == "last":
        d, how = pub - dt.timedelta(days=back or 7), "last {} before {}"
    else:
        d, how = pub - dt.timedelta(days=back), "last {} on or before {}"
    return d.isoformat(), "day", f"{q} = " + how.format(wd.capitalize(), pub.isoformat())


def _unit(q: str, unit: str, mod: str, pub: dt.date) -> tuple[str, str, str]:
    """this/last/next week (Monday of the ISO week), month ("YYYY-MM") or year."""
    step = {"this": 0, "same": 0, "last": -1, "previous": -1, "next": 1}[mod]
    p = pub.isoformat()
    if unit == "week":
        d = _monday(pub) + dt.timedelta(weeks=step)
        return d.isoformat(), "week", f"{q} = week of {d.isoformat()} (publication {p})"
    if unit == "month":
        y, mth = _add_months(pub.year, pub.month, step)
        return f"{y}-{mth:02d}", "month", f"{q} = {y}-{mth:02d} (publication {p})"
    return str(pub.year + step), "year", f"{q} = {pub.year + step} (publication {p})"


def _ago(q: str, n_text: str, unit: str, pub: dt.date) -> tuple[str, str, str]:
    """Keep the unit as precision: "three weeks ago" is a week, not a known day."""
    n = int(n_text) if n_text.isdigit() else _vocab().numbers[n_text]
    back = f"{n} {unit}{'s' if n != 1 else ''} before publication {pub.isoformat()}"
    if unit == "day":
        return (pub - dt.timedelta(days=n)).isoformat(), "day", f"{q} = {back}"
    if unit == "week":
        d = _monday(pub - dt.timedelta(weeks=n))
        return d.isoformat(), "week", f"{q} = week of {d.isoformat()}, {back}"
    if unit == "month":
        y, mth = _add_months(pub.year, pub.month, -n)
        return f"{y}-{mth:02d}", "month", f"{q} = {y}-{mth:02d}, {back}"
    return str(pub.year - n), "year", f"{q} = {pub.year - n}, {back}"


def _month_name(q: str, m: re.Match[str], pub: dt.date) -> tuple[str, str, str]:
    """A month name without a day: the most recent such month (on or before publication)."""
    mon = _vocab().months[m["mon"]]
    name = calendar.month_name[mon]
    if m["yrel"]:
        year = pub.year + {"last": -1, "this": 0, "next": 1}[m["yrel"]]
        how = f"{name} of {m['yrel']} year"
    elif m["mod"] == "next":
        year = pub.year if mon > pub.month else pub.year + 1
        how = f"next {name} after"
    elif m["mod"] == "last":
        year = pub.year if mon < pub.month else pub.year - 1
        how = f"last {name} before"
    else:
        year = pub.year if mon <= pub.month else pub.year - 1
        how = f"most recent {name} on or before"
    if not m["yrel"]:
        how += f" publication {pub.isoformat()}"
    return f"{year}-{mon:02d}", "month", f"{q} = {year}-{mon:02d}, {how}"


@lru_cache(maxsize=4096)
def _parser(pub: dt.date | None) -> DateDataParser:
    """One dateparser per publication date: English only (no language detection), past-
    preferring, absolute parsers only so vague numbers never turn into dates."""
    from dateparser.date import DateDataParser  # lazily: most text never needs it

    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "past",
        "PARSERS": ["custom-formats", "absolute-time"],
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": False,
    }
    if pub is not None:
        settings["RELATIVE_BASE"] = dt.datetime(pub.year, pub.month, pub.day)
    return DateDataParser(languages=["en"], settings=settings)


def _dateparser(s: str, q: str, pub: dt.date | None) -> tuple[str | None, str, str] | None:
    """Absolute dates ("jan. 5, 2023", "5 january", "2023-01-05") through dateparser."""
    try:
        data = _parser(pub).get_date_data(s)
    except (ValueError, TypeError, OverflowError):  # odd text must never stop the coder
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period or "day"
    year_from = (
        ""
        if _R_HAS_YEAR.search(s) or pub is None
        else (f", year from publication {pub.isoformat()}")
    )
    if period == "year":
        return str(d.year), "year", f"{q} = {d.year}{year_from}"
    if period == "month":
        return f"{d.year}-{d.month:02d}", "month", f"{q} = {d.year}-{d.month:02d}{year_from}"
    return d.isoformat(), "day", f"{q} = {d.isoformat()}{year_from}"


# ------------------------------------------------------- finding expressions in a sentence

def find_dates(sent: Span, published: dt.date | str | None) -> list[tuple[Span, DateInfo]]:
    """The resolvable date expressions of a sentence, in text order.

    Regex matches and spaCy DATE entities are merged. Where they overlap, the longer one
    that resolves is kept (regex first on ties, as it includes the "on"/"in"), so an
    entity like "Jan. 5 or later" gives way to the regex's "on Jan. 5".
    """
    pub = _parse_published(published)
    found: list[tuple[int, int, int, Span]] = []  # (length, is_entity, start, span)
    for m in _vocab().scan.finditer(sent.text):
        # A bare year or month name needs a preposition or qualifier to be a date
        # ("in 2019", "early November"), unlike "2019 people" or "Theresa May".
        if (m["year"] or (m["month"] and " " not in m["month"])) and not (m["prep"] or m["qual"]):
            continue
        span = sent.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None:
            found.append((m.end() - m.start(), 0, span.start, span))
    for ent in sentence_ents(sent):
        if ent.label_ == "DATE":
            found.append((len(ent.text), 1, ent.start, ent))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    kept: list[tuple[Span, DateInfo]] = []
    for _, _, _, span in found:
        if any(span.start < k.end and k.start < span.end for k, _ in kept):
            continue
        info = resolve_expression(span.text, pub)
        if info is not None:
            kept.append((span, info))
    kept.sort(key=lambda k: k[0].start)
    return kept


# ------------------------------------------------------------- choosing the event's date


def _in(tok: Token, sent: Span) -> bool:
    return sent.start <= tok.i < sent.end


def _up_to_verb(tok: Token, sent: Span) -> list[int]:
    """Token indices from `tok` up the head chain to the first verb (or sentence root)."""
    path = [tok.i]
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i and _in(tok.head, sent):
        tok = tok.head
        path.append(tok.i)
    return path


def _clauses_above(verb: int, sent: Span) -> list[tuple[int, str]]:
    """(verb index, relation) of the clauses above `verb`'s, nearest first: a verb we are
    conjoined to shares its date more often than not; a governing one ("vowed on Sunday
    to strike") dates its complement."""
    doc, above = sent.doc, []
    tok = doc[verb]
    while tok.head.i != tok.i and _in(tok.head, sent):
        relation = "conjoined clause" if tok.dep_ == "conj" else "governing clause"
        nxt = _up_to_verb(tok.head, sent)[-1]
        if nxt == verb or any(nxt == v for v, _ in above):
            break
        above.append((nxt, relation))
        tok = doc[nxt]
    return above


def _attached(
    dates: list[tuple[Span, DateInfo]], sent: Span, trigger: Token
) -> tuple[DateInfo, str, bool] | None:
    """The expression syntactically attached to the trigger or its clauses, if any, and
    whether it dates the act itself: on the trigger or its clause's verb with no other
    noun between ("in 2018" in "criticised the response to protests in 2018" dates the
    protests)."""
    trig_verb = _up_to_verb(trigger, sent)[-1]
    above = _clauses_above(trig_verb, sent)
    above_verbs = [v for v, _ in above]
    best: tuple[int, int, DateInfo, str, bool] | None = None
    for span, info in dates:
        root = span.root
        path = _up_to_verb(root.head, sent) if root.head.i != root.i else [root.i]
        verb = path[-1]
        if trigger.i in path:
            rank, how = 0, f"attached to trigger '{trigger.text}'"
            between = path[:path.index(trigger.i)]
        elif verb == trig_verb:
            rank, how = 1, f"attached to the trigger's clause ('{sent.doc[verb].text}')"
            between = path[:-1]
        elif verb in above_verbs:
            rank = 2 + above_verbs.index(verb)
            how = f"attached to {above[rank - 2][1]} ('{sent.doc[verb].text}')"
            between = None
        else:
            continue
        direct = between is not None and not any(
            sent.doc[i].pos_ in ("NOUN", "PROPN") for i in between)
        dist = min(abs(i - trigger.i) for i in range(span.start, span.end))
        if best is None or (rank, dist) < best[:2]:
            best = (rank, dist, info, how, direct)
    return None if best is None else best[2:]


def date_for_event(sent: Span, trigger: Token, published: dt.date | str | None) -> DateInfo:
    """The date of the event whose trigger word is `trigger`, from its sentence.

    Preference: an expression attached to the trigger itself or to its clause's verb, then
    one on a clause above it (nearest first); then the sentence's only expression; else the
    publication date. Ties go to the expression nearest the trigger. `why` says which.
    """
    pub = _parse_published(published)
    dates = find_dates(sent, pub)
    attached = _attached(dates, sent, trigger) if dates else None
    chosen = attached[:2] if attached else None
    if chosen is None and len(dates) == 1:
        chosen = dates[0][1], "only date in sentence"
    if chosen is not None:
        info, how = chosen
        return DateInfo(info.date, info.text, info.precision, f"{info.why}; {how}")

    if dates:
        reason = f"{len(dates)} dates in sentence, none attached to trigger"
    else:
        reason = "no date in sentence"
    if pub is None:
        return DateInfo(None, None, "unknown", why=f"{reason}; no publication date")
    return DateInfo(pub.isoformat(), None, "publication", why=f"{reason}; publication date")


def _last_day(info: DateInfo) -> dt.date | None:
    """The last day the resolved date can mean ("2014" → 2014-12-31), or None."""
    if info.date is None or info.precision not in ("day", "week", "month", "year"):
        return None
    try:
        if info.precision == "year":
            return dt.date(int(info.date[:4]), 12, 31)
        if info.precision == "month":
            year, month = int(info.date[:4]), int(info.date[5:7])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date.fromisoformat(info.date[:10]) + dt.timedelta(
            days=6 if info.precision == "week" else 0)
    except ValueError:
        return None


def history(sent: Span, trigger: Token, published: dt.date | str | None) -> DateInfo | None:
    """The date that makes the act at `trigger` history, more than a year before
    publication (CODEBOOK.md §7: background, not an event), else None. A period's start
    ("since 2014", "the first since 2019") dates the period, not the act."""
    pub = _parse_published(published)
    found = find_dates(sent, pub) if pub else []
    attached = _attached(found, sent, trigger) if found else None
    if attached is None or not attached[2] or (attached[0].text or "").lower().startswith("since "):
        return None
    last = _last_day(attached[0])
    return attached[0] if last is not None and (pub - last).days > 365 else None
