"""Reading .csv and .html inputs, and the inputs that must become errors rather than crashes
or hangs: binary files, oversized texts, special files."""

from __future__ import annotations

import os

import pytest

from whodid.read.documents import MAX_TEXT_CHARS, iter_documents, iter_sourced
from whodid.records import Document

PAGE = """<!doctype html>
<html><head><title>Lowland minister resigns | The Harbour Courier</title>
<meta property="article:published_time" content="2025-03-04T08:30:00Z">
<link rel="canonical" href="https://courier.example/lowland-minister"></head>
<body><nav>Home | World | Markets | Weather</nav>
<article><h1>Lowland minister resigns</h1>
<p>The finance minister of Lowland resigned on Tuesday after weeks of street protests over
the new fuel tax, the prime minister's office said in a short statement.</p>
<p>Opposition leaders welcomed the resignation and called for early elections.</p>
</article><footer>Copyright The Harbour Courier</footer></body></html>
"""


def kinds(items):
    return [(x.id, "doc") if isinstance(x, Document) else (x["doc_id"], x["error"]) for x in items]


def test_csv_rows_with_line_numbers_and_optional_columns(tmp_path):
    f = tmp_path / "wire.csv"
    f.write_bytes(
        "\ufeffID,Text,Published,Source\n"
        'w1,"Chile recalled its envoy from Peru.",2024-06-01,Wire\n'
        'w2,"Two lines,\nin one field.",,\n'
        "w3,,2024-06-02,Wire\n"
        ",Kenya thanked Uganda for the aid.,2024-06-03,\n".encode("utf-8")
        + b'w5,"caf\xe9 au lait",2024-06-04,Wire\n')
    items = list(iter_sourced([str(f)]))
    origins = [o for o, _ in items]
    assert origins == [f"{f}:2", f"{f}:3", f"{f}:5", f"{f}:6", f"{f}:7"]
    docs = [x for _, x in items if isinstance(x, Document)]
    assert [d.id for d in docs][:2] == ["w1", "w2"] and docs[2].id.startswith("doc-")
    assert docs[0].published == "2024-06-01" and docs[0].source == "Wire"
    assert docs[1].published is None and docs[1].text == "Two lines,\nin one field."
    errors = {x["doc_id"]: x for _, x in items if isinstance(x, dict)}
    assert errors["w3"]["error"] == "empty_text" and f"{f}:5" in errors["w3"]["detail"]
    assert errors[f"{f}:7"]["error"] == "invalid_utf8"


def test_csv_without_a_text_column_is_one_error_naming_the_file(tmp_path):
    f = tmp_path / "ids.csv"
    f.write_text("id,body\n1,Chile recalled its envoy.\n", "utf-8")
    [(origin, err)] = list(iter_sourced([str(f)]))
    assert err["error"] == "missing_column" and str(f) in err["detail"]
    assert "'body'" in err["detail"] and origin == str(f)


def test_html_page_through_article_extraction(tmp_path):
    f = tmp_path / "lowland.html"
    f.write_text(PAGE, "utf-8")
    [doc] = list(iter_documents([str(f)]))
    assert isinstance(doc, Document) and doc.id == "lowland"
    assert "resigned on Tuesday" in doc.text and "Markets" not in doc.text
    assert doc.published == "2025-03-04" and doc.title == "Lowland minister resigns"
    assert doc.url == "https://courier.example/lowland-minister"


def test_html_without_article_text_and_folder_walk(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "empty.htm").write_text("<html><body></body></html>", "utf-8")
    (tmp_path / "note.txt").write_text("Peru thanked Chile.", "utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # not a document suffix
    got = kinds(iter_documents([str(tmp_path)]))
    assert got == [("note", "doc"), ("empty", "empty_text")]


def test_binary_and_oversized_inputs(tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01\x02binary")
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (MAX_TEXT_CHARS // 5 + 10))  # just over the limit, as text
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # 50 MB: refused from its size, never read
        fh.truncate(50 * 1024 * 1024)
    lines = tmp_path / "lines.jsonl"
    lines.write_bytes(b'{"id": "long", "text": "' + b"a" * (MAX_TEXT_CHARS + 1) + b'"}\n'
                      + b'{"id": "ok", "text": "Peru thanked Chile."}\n')
    binlines = tmp_path / "dump.jsonl"
    binlines.write_bytes(b"\x00\x01" * 100 + b"\n" * 50)
    got = kinds(iter_documents([str(binary), str(big), str(huge), str(lines), str(binlines)]))
    assert got == [("scan", "binary"), ("big", "too_large"), ("huge", "too_large"),
                   ("long", "too_large"), ("ok", "doc"), (str(binlines), "binary")]


def test_special_files_are_refused_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    got = kinds(iter_documents([str(fifo), str(dangling)]))
    assert got == [(str(fifo), "unreadable"), (str(dangling), "unreadable")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied(tmp_path):
    f = tmp_path / "secret.txt"
    f.write_text("Peru thanked Chile.", "utf-8")
    f.chmod(0)
    [err] = list(iter_documents([str(f)]))
    assert err["error"] == "unreadable" and "secret.txt" in err["detail"]
