"""Input a hostile or careless user gives (issue 10): each bad document is an error record of
its own and the run goes on; what can be read is read (a BOM, a stray NUL, an unclosed CSV
quote, a .json array, symlinked folders); dates that cannot be read are said, never guessed;
invisible characters do not change what is coded; ids stay unique."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from whodid.api import code_text
from whodid.cli import main
from whodid.read.documents import iter_documents, iter_sourced
from whodid.read.published import parse_published
from whodid.records import Document
from whodid.store.queries import counts
from whodid.store.store import connect

GOOD = "Chile accused Bolivia on Thursday of diverting the Silala river."
OTHER = "Kenya imposed sanctions on Somalia after a border dispute."


def kinds(items):
    return [(x.id, "doc") if isinstance(x, Document) else (x["doc_id"], x["error"]) for x in items]


def bad_fields_file(path: Path) -> Path:
    lines = [json.dumps({"id": "good-1", "text": GOOD, "published": "2024-03-15"}),
             json.dumps({"id": "title", "text": OTHER, "title": 7}),
             json.dumps({"id": "url", "text": OTHER, "url": ["a", "b"]}),
             json.dumps({"id": "source", "text": OTHER, "source": {"name": "x"}}),
             '{"id": "lone", "text": "Peru \\ud800 thanked Chile."}',
             '{"id": "\\udfff", "text": "Peru thanked Chile."}',
             "[" * 50_000 + "]" * 50_000,
             json.dumps({"id": "good-2", "text": OTHER, "published": "2024-03-16"})]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_each_bad_field_is_an_error_of_its_document_alone(tmp_path):
    f = bad_fields_file(tmp_path / "mixed.jsonl")
    got = kinds(iter_documents([str(f)]))
    assert got == [("good-1", "doc"), ("title", "bad_document"), ("url", "bad_document"),
                   ("source", "bad_document"), ("lone", "invalid_unicode"),
                   (f"{f}:6", "invalid_unicode"), (f"{f}:7", "malformed_json"),
                   ("good-2", "doc")]
    errors = [x for x in iter_documents([str(f)]) if isinstance(x, dict)]
    assert "'title' must be a string, not int" in errors[0]["detail"]
    assert "lone surrogate (U+D800" in errors[3]["detail"]
    assert "nested too deeply" in errors[5]["detail"]
    # a Document handed over by a Python caller is checked the same way
    from whodid.read.documents import iter_inputs

    [(_, err)] = list(iter_inputs([Document(id="py", text="Peru \udc80 thanked Chile.")]))
    assert err["error"] == "invalid_unicode" and err["doc_id"] == "py"


def test_bad_fields_in_code_and_ingest_cost_their_documents_only(tmp_path, capsys):
    f = bad_fields_file(tmp_path / "mixed.jsonl")
    assert main(["code", "--rules-only", str(f)]) == 0
    out, err = capsys.readouterr()
    assert {json.loads(x)["doc_id"] for x in out.splitlines()} == {"good-1", "good-2"}
    assert len([x for x in err.splitlines() if '"error"' in x]) == 6
    db = str(tmp_path / "s.duckdb")
    for _ in range(2):  # and a rerun does not crash at the same place either
        assert main(["ingest", "--rules-only", str(f), "--db", db]) == 0
        capsys.readouterr()
    con = connect(db, read_only=True)
    assert counts(con)["documents"] == 2 and counts(con)["errors"] == 6
    con.close()


def test_bom_at_the_start_of_jsonl_keeps_line_one(tmp_path):
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "first", "text": GOOD}).encode()
                  + b"\n" + json.dumps({"id": "second", "text": OTHER}).encode() + b"\n")
    assert kinds(iter_documents([str(f)])) == [("first", "doc"), ("second", "doc")]


def test_a_stray_nul_costs_its_line_not_the_file(tmp_path):
    jsonl = tmp_path / "nul.jsonl"
    jsonl.write_bytes(json.dumps({"id": "a", "text": GOOD}).encode() + b"\n"
                      + b'{"id": "b", "text": "x\x00y"}\n'
                      + json.dumps({"id": "c", "text": OTHER}).encode() + b"\n")
    table = tmp_path / "nul.csv"
    table.write_bytes(b"id,text\nr1,Peru thanked\x00 Chile.\nr2," + OTHER.encode() + b"\n")
    got = list(iter_sourced([str(jsonl), str(table)]))
    assert kinds(x for _, x in got) == [("a", "doc"), (f"{jsonl}:2", "binary"), ("c", "doc"),
                                       (f"{table}:2", "binary"), ("r2", "doc")]


def test_unclosed_csv_quote_is_an_error_and_the_rows_after_it_are_read(tmp_path):
    f = tmp_path / "quote.csv"
    f.write_text('id,text,source\nr1,"Peru thanked Chile.,Wire\nr2,' + GOOD + ',Wire\n'
                 'r3,"' + OTHER + '",Post\nr4,"Two lines,\nin one field.",Post\n', "utf-8")
    got = list(iter_sourced([str(f)]))
    assert [(o, k) for o, (_, k) in zip((o for o, _ in got), kinds(x for _, x in got),
                                        strict=True)] == [
        (f"{f}:2", "malformed_csv"), (f"{f}:3", "doc"), (f"{f}:4", "doc"), (f"{f}:5", "doc")]
    assert "unclosed quote" in got[0][1]["detail"]
    docs = [x for _, x in got if isinstance(x, Document)]
    assert [d.id for d in docs] == ["r2", "r3", "r4"] and docs[2].text == "Two lines,\nin one field."
    # an unclosed quote at the end of the file
    f.write_text('id,text\nr1,' + GOOD + '\nr2,"never closed\n', "utf-8")
    assert kinds(iter_documents([str(f)])) == [("r1", "doc"), (f"{f}:3", "malformed_csv")]


@pytest.mark.parametrize("value, expected", [
    ("2024-03-15", "2024-03-15"),
    ("2024-03-15T23:30:00-05:00", "2024-03-15T23:30:00-05:00"),  # kept: the date is read
    ("2024-03-15 10:00:00Z", "2024-03-15 10:00:00Z"),
    ("Fri, 15 Mar 2024 10:00:00 GMT", "2024-03-15"),
    ("15 Mar 2024 10:00:00 +0100", "2024-03-15"),
    ("15/03/2024", "2024-03-15"),
    ("03/15/2024", "2024-03-15"),
    ("15.03.2024", "2024-03-15"),
    ("March 15, 2024", "2024-03-15"),
    ("15 March 2024", "2024-03-15"),
    ("2024/03/15", "2024-03-15"),
    ("yesterday", None),
    ("2023-13-45", None),
    ("04/03/2024", None),  # 4 March or 3 April: not guessed
    (20240315, None),
])
def test_published_formats(value, expected):
    date, problem = parse_published(value)
    assert date == expected and (problem is None) == (expected is not None)


def test_unread_published_is_warned_once_per_document_and_gives_no_date(tmp_path, caplog):
    f = tmp_path / "dates.jsonl"
    f.write_text("".join(json.dumps(d) + "\n" for d in [
        {"id": "rfc", "text": GOOD, "published": "Fri, 15 Mar 2024 10:00:00 GMT"},
        {"id": "word", "text": GOOD, "published": "yesterday"},
        {"id": "num", "text": OTHER, "published": 1710496800}]), "utf-8")
    with caplog.at_level(logging.WARNING, logger="whodid.input"):
        docs = list(iter_documents([str(f)]))
    assert [d.published for d in docs] == ["2024-03-15", None, None]
    warned = [r.whodid_record for r in caplog.records]
    assert [(w["doc_id"], w["warning"]) for w in warned] == [("word", "published"),
                                                             ("num", "published")]
    assert "'yesterday'" in warned[0]["detail"] and f"{f}:2" in warned[0]["detail"]
    [rfc] = code_text(GOOD, docs[0].published, rules_only=True)[:1]
    assert rfc.date.date == "2024-03-14"  # "on Thursday" before Friday 15 March


def test_plain_text_without_published_is_said_once_per_run(tmp_path, capsys):
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(GOOD, "utf-8")
    assert main(["code", "--rules-only", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 0
    err = capsys.readouterr().err
    assert err.count("--published") == 1 and "no publication date" in err
    assert main(["code", "--rules-only", "--published", "2024-03-15", str(tmp_path)]) == 0
    assert "--published" not in capsys.readouterr().err


def test_invisible_characters_do_not_change_what_is_coded():
    def coded(text):
        return [(e.event, [a.code for a in e.actor], [r.code for r in e.recipient],
                 e.text_info["sequence"]) for e in code_text(text, "2024-03-15", rules_only=True)]

    clean = "Kenya accused Somalia on Sunday of arming the rebels."
    for dirty in ("Ke\u200bnya accused Somalia on Sunday of arming the rebels.",
                  "Ken\u00adya accused Soma\u2060lia on Sunday of arming the rebels.",
                  "\u202aKenya\u202c accused Somalia on Sunday of arming the rebels."):
        assert coded(dirty) == coded(clean)
        for e in code_text(dirty, "2024-03-15", rules_only=True):  # offsets into the text given
            for ent in e.actor + e.recipient:
                assert dirty[ent.start:ent.end] == ent.entity_text
            t = e.trigger
            assert dirty[t["start"]:t["end"]] == t["text"]
            assert dirty[e.text_info["start"]:e.text_info["end"]].strip() == e.event_text
    rlm = "Iran\u200f accused Israel of the attack.\u200f Iraq denied it."
    assert coded(rlm) == coded("Iran accused Israel of the attack. Iraq denied it.")
    [accuse, *_] = code_text(rlm, "2024-03-15", rules_only=True)
    assert accuse.actor[0].entity_text == "Iran" and accuse.actor[0].code == "IRN"


def test_decomposed_accents_are_composed_for_parsing():
    def coded(text):
        return [(e.event, [a.code for a in e.actor], [r.code for r in e.recipient])
                for e in code_text(text, "2024-03-15", rules_only=True)]

    text = "Ho\u0308cke accused Germany of censorship."  # o + combining diaeresis
    assert coded(text) == coded("H\u00f6cke accused Germany of censorship.")
    events = code_text(text, "2024-03-15", rules_only=True)
    assert all(text[a.start:a.end] == a.entity_text for e in events for a in e.actor)
    assert events[0].actor[0].entity_text == "Ho\u0308cke"


def test_json_array_is_read_as_documents(tmp_path, capsys):
    f = tmp_path / "batch.json"
    f.write_text(json.dumps([{"id": "j1", "text": GOOD, "published": "2024-03-15"},
                             {"id": "j2"}, {"id": "j3", "text": OTHER}]), "utf-8")
    got = list(iter_sourced([str(f)]))
    assert [(o, k) for (o, _), k in zip(got, kinds(x for _, x in got), strict=True)] == [
        (f"{f}[0]", ("j1", "doc")), (f"{f}[1]", ("j2", "bad_document")), (f"{f}[2]", ("j3", "doc"))]
    assert main(["code", "--rules-only", str(f)]) == 0
    assert {json.loads(x)["doc_id"] for x in capsys.readouterr().out.splitlines()} == {"j1", "j3"}
    f.write_text('{"not": "a document"}', "utf-8")
    [err] = list(iter_documents([str(f)]))
    assert err["error"] == "bad_document" and "array" in err["detail"]


def test_same_stem_files_give_unique_event_ids(tmp_path, capsys):
    for folder, text in (("one", GOOD), ("two", OTHER)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(text, "utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": GOOD + " " + OTHER}) + "\n",
                                      "utf-8")
    paths = [str(tmp_path / "one" / "a.txt"), str(tmp_path / "two" / "a.txt"),
             str(tmp_path / "a.jsonl")]
    assert main(["code", "--rules-only", "--published", "2024-03-15", *paths]) == 0
    out, err = capsys.readouterr()
    ids = [json.loads(x)["id"] for x in out.splitlines()]
    assert len(ids) == len(set(ids)) and {i.split(":")[0] for i in ids} == {"a", "a#2", "a#3"}
    assert err.count('"warning": "duplicate_id"') == 2
    # the same document read twice keeps its id (ingest stores it once)
    docs = list(iter_documents([paths[0], paths[0]]))
    assert [d.id for d in docs] == ["a", "a"]


def test_empty_folder_is_an_error_for_code_and_ingest(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["code", str(empty)]) == 1
    err = capsys.readouterr().err
    assert '"error": "no_documents"' in err and str(empty) in err
    assert main(["ingest", str(empty), "--db", str(tmp_path / "s.duckdb")]) == 1
    out, err = capsys.readouterr()
    assert '"error": "no_documents"' in err and "0 read" in out


def test_symlinked_folders_are_followed_once(tmp_path):
    real = tmp_path / "real"
    (real / "deep").mkdir(parents=True)
    (real / "deep" / "story.txt").write_text(GOOD, "utf-8")
    top = tmp_path / "top"
    top.mkdir()
    (top / "linked").symlink_to(real, target_is_directory=True)
    (real / "deep" / "loop").symlink_to(real, target_is_directory=True)  # a cycle ends
    (top / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    got = kinds(iter_documents([str(top)]))
    assert got == [(str(top / "gone.txt"), "unreadable"), ("story", "doc")]


def test_offset_map_on_random_text():
    """Each character of the parsed text maps back to the characters it came from, in order;
    clean text is left alone."""
    import random
    import unicodedata

    from whodid.code.normalise import INVISIBLE, normalise

    rng = random.Random(10)
    alphabet = "ab e.\u00e9\u0301\u0300\u0323\u200b\u200d\u200f\u202e\u00ad\uac00\u1100\u1161\u11a8\ufb2c\u212b"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        clean, offsets = normalise(text)
        if offsets is None:
            assert clean == text and unicodedata.is_normalized("NFC", text)
            continue
        assert clean == unicodedata.normalize("NFC", INVISIBLE.sub("", text))
        for i, ch in enumerate(clean):
            start, end = offsets.start(i), offsets.end(i + 1)
            assert 0 <= start < end <= len(text)
            assert ch in unicodedata.normalize("NFC", INVISIBLE.sub("", text[start:end]))
            if i:
                assert offsets.start(i - 1) <= start
    assert normalise("Kenya accused Somalia.") == ("Kenya accused Somalia.", None)


def test_apostrophe_look_alikes_read_as_apostrophes():
    """An acute accent or backtick typed for the apostrophe still makes a possessive, and the
    records point into the text as given."""
    def coded(text):
        return [(e.event, [a.code for a in e.actor], [r.code for r in e.recipient])
                for e in code_text(text, "2024-03-15", rules_only=True)]

    typed = "Kenya\u00b4s foreign ministry accused Somalia of arming the rebels."
    assert coded(typed) == coded("Kenya\u2019s foreign ministry accused Somalia of arming the rebels.")
    assert coded(typed)[0][1] == ["KEN"]
    [accuse, *_] = code_text(typed, "2024-03-15", rules_only=True)
    assert typed[accuse.actor[0].start:accuse.actor[0].end] == accuse.actor[0].entity_text
    assert "\u00b4" in accuse.actor[0].entity_text
    assert coded("Kenya`s army shelled the border town.") == coded("Kenya's army shelled the border town.")
