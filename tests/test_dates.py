"""Tests for whodid.code.dates: phrase resolution against a fixed publication date, and choosing
the date that belongs to an event's trigger in short parsed sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from whodid.code.dates import date_for_event, find_dates, history, resolve_expression
from whodid.records import DateInfo

PUB = dt.date(2023, 1, 30)  # a Monday


def resolved(text: str, published: dt.date | None = PUB) -> tuple[str | None, str]:
    info = resolve_expression(text, published)
    assert info is not None, text
    assert info.text == text
    assert info.why
    return info.date, info.precision


@pytest.mark.parametrize(
    ("text", "date"),
    [("on Sunday", "2023-01-29"), ("Friday", "2023-01-27"), ("ON SATURDAY", "2023-01-28")],
)
def test_weekday_is_last_such_day_before_publication(text: str, date: str) -> None:
    assert resolved(text) == (date, "day")


def test_weekday_equal_to_publication_day_is_publication_day() -> None:
    assert resolved("on Monday") == ("2023-01-30", "day")
    assert resolved("Sunday", dt.date(2023, 1, 29)) == ("2023-01-29", "day")


def test_last_weekday_is_strictly_before() -> None:
    assert resolved("last Monday") == ("2023-01-23", "day")


def test_weekday_why_names_the_rule() -> None:
    info = resolve_expression("on Sunday", PUB)
    assert info is not None
    assert info.why == "'on Sunday' = last Sunday on or before 2023-01-30"


def test_today_and_yesterday() -> None:
    assert resolved("today") == ("2023-01-30", "day")
    assert resolved("Yesterday") == ("2023-01-29", "day")


@pytest.mark.parametrize("text", ["the previous day", "the day before", "The Previous Day"])
def test_previous_day_is_day_before_publication(text: str) -> None:
    assert resolved(text) == ("2023-01-29", "day")


@pytest.mark.parametrize("text", ["earlier this week", "this week"])
def test_this_week_is_monday_of_publication_week(text: str) -> None:
    assert resolved(text, dt.date(2023, 2, 2)) == ("2023-01-30", "week")


def test_last_week_is_monday_of_previous_week() -> None:
    assert resolved("last week", dt.date(2023, 2, 2)) == ("2023-01-23", "week")


@pytest.mark.parametrize("text", ["earlier this month", "this month", "in this month"])
def test_this_month(text: str) -> None:
    assert resolved(text) == ("2023-01", "month")


def test_last_month_crosses_year() -> None:
    assert resolved("last month") == ("2022-12", "month")


def test_month_name_is_most_recent_past_month() -> None:
    assert resolved("in November") == ("2022-11", "month")
    assert resolved("November") == ("2022-11", "month")


def test_month_name_equal_to_publication_month_is_this_year() -> None:
    assert resolved("in January") == ("2023-01", "month")


def test_month_name_with_year() -> None:
    assert resolved("in March 2021") == ("2021-03", "month")


def test_last_year_and_this_year() -> None:
    assert resolved("last year") == ("2022", "year")
    assert resolved("this year") == ("2023", "year")


def test_explicit_year() -> None:
    assert resolved("in 2019") == ("2019", "year")


@pytest.mark.parametrize(
    "text", ["January 5", "5 January 2023", "Jan. 5, 2023", "2023-01-05", "on January 5"]
)
def test_absolute_dates(text: str) -> None:
    assert resolved(text) == ("2023-01-05", "day")


def test_absolute_date_without_year_prefers_the_past() -> None:
    assert resolved("March 3") == ("2022-03-03", "day")


def test_last_night_and_this_morning() -> None:
    assert resolved("last night") == ("2023-01-29", "day")
    assert resolved("this morning") == ("2023-01-30", "day")


def test_days_and_weeks_ago() -> None:
    assert resolved("two days ago") == ("2023-01-28", "day")
    # 2023-01-09 is three weeks back; week precision gives that week's Monday.
    assert resolved("three weeks ago") == ("2023-01-09", "week")


@pytest.mark.parametrize("text", ["on Sunday", "last week", "in November", "January 5"])
def test_relative_without_publication_is_unknown(text: str) -> None:
    info = resolve_expression(text, None)
    assert info == DateInfo(None, text, "unknown", info.why if info else "")
    assert "no publication date" in info.why


def test_absolute_with_year_resolves_without_publication() -> None:
    assert resolved("Jan. 5, 2023", None) == ("2023-01-05", "day")
    assert resolved("in 2019", None) == ("2019", "year")


@pytest.mark.parametrize("text", ["", "the 1990s", "ten years", "a long time", "soon"])
def test_not_a_resolvable_date(text: str) -> None:
    assert resolve_expression(text, PUB) is None


def test_publication_may_be_an_iso_string_or_datetime() -> None:
    assert resolved("Friday", "2023-01-30T08:15:00Z") == ("2023-01-27", "day")  # type: ignore[arg-type]
    assert resolved("Friday", dt.datetime(2023, 1, 30, 8, 15)) == ("2023-01-27", "day")


def test_cached_results_are_not_shared_objects() -> None:
    first = resolve_expression("yesterday", PUB)
    assert first is not None
    first.date = "tampered"
    assert resolved("yesterday") == ("2023-01-29", "day")


# ----------------------------------------------------------------- date_for_event


def parse(nlp, text: str, trigger: str):
    doc = nlp(text)
    sent = next(iter(doc.sents))
    token = next(t for t in sent if t.text == trigger)
    return sent, token


def test_date_attached_to_trigger_wins_over_other_date(nlp) -> None:
    text = "The mayor resigned on Thursday after farmers blocked the highway in November."
    sent, trigger = parse(nlp, text, "blocked")
    info = date_for_event(sent, trigger, PUB)
    assert (info.date, info.text, info.precision) == ("2022-11", "in November", "month")
    sent, trigger = parse(nlp, text, "resigned")
    info = date_for_event(sent, trigger, PUB)
    assert (info.date, info.text, info.precision) == ("2023-01-26", "on Thursday", "day")
    assert "attached" in info.why


def test_regex_finds_phrase_in_complement_clause(nlp) -> None:
    text = "Police said on Friday that gunmen had raided the depot the previous day."
    sent, trigger = parse(nlp, text, "raided")
    assert [s.text for s, _ in find_dates(sent, PUB)] == ["on Friday", "the previous day"]
    info = date_for_event(sent, trigger, PUB)
    assert (info.date, info.text) == ("2023-01-29", "the previous day")


def test_governing_clause_dates_its_complement(nlp) -> None:
    sent, trigger = parse(nlp, "The cabinet vowed on Sunday to expel the envoys.", "expel")
    info = date_for_event(sent, trigger, PUB)
    assert (info.date, info.precision) == ("2023-01-29", "day")


def test_no_date_falls_back_to_publication(nlp) -> None:
    sent, trigger = parse(nlp, "Soldiers detained nine fishermen near the harbour.", "detained")
    info = date_for_event(sent, trigger, PUB)
    assert info == DateInfo(
        "2023-01-30", None, "publication", why="no date in sentence; publication date"
    )


def test_no_date_and_no_publication_is_unknown(nlp) -> None:
    sent, trigger = parse(nlp, "Soldiers detained nine fishermen near the harbour.", "detained")
    info = date_for_event(sent, trigger, None)
    assert (info.date, info.precision) == (None, "unknown")


def test_unresolvable_entity_does_not_hide_a_date(nlp) -> None:
    sent, trigger = parse(nlp, "Rebels could attack on Feb. 3, 2023 or later.", "attack")
    info = date_for_event(sent, trigger, PUB)
    assert (info.date, info.precision) == ("2023-02-03", "day")


def test_modal_may_is_not_a_month(nlp) -> None:
    sent, trigger = parse(nlp, "Protesters may return with 300 supporters.", "return")
    assert find_dates(sent, PUB) == []
    assert date_for_event(sent, trigger, PUB).precision == "publication"


def test_history_is_an_act_dated_over_a_year_before_publication(nlp) -> None:
    sent, trigger = parse(nlp, "Navy commandos seized a cargo ship in March 2020.", "seized")
    old = history(sent, trigger, PUB)
    assert old is not None and (old.date, old.precision) == ("2020-03", "month")
    sent, trigger = parse(nlp, "Navy commandos seized a cargo ship in March 2022.", "seized")
    assert history(sent, trigger, PUB) is None  # ten months: news, not history
    sent, trigger = parse(nlp, "Navy commandos seized a cargo ship in 2022.", "seized")
    assert history(sent, trigger, PUB) is None  # the year may mean December 2022
    assert history(sent, trigger, None) is None  # nothing to measure against


def test_the_start_of_a_period_or_another_thing_s_date_is_not_the_act_s(nlp) -> None:
    sent, trigger = parse(nlp, "The militia has shelled the valley since 2015.", "shelled")
    assert history(sent, trigger, PUB) is None
    sent, trigger = parse(nlp, "The minister suspended the Harbour Accord of 1998.", "suspended")
    assert history(sent, trigger, PUB) is None
