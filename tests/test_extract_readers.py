"""Readers: format by content, clear errors per file, batches that go on, exit status."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_extract_support import to_html, to_pdf

from probstats.errors import ExtractionError, UnsupportedFormatError
from probstats.extract import batch, readers
from probstats.extract import cli as extract_cli
from probstats.extract.readers import read_bytes, read_path, sniff

FIX = Path(__file__).parent / "fixtures" / "extract" / "structures"
RELEASE = (FIX / "headline_domain.txt").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_format_is_detected_from_content_not_name(tmp_path):
    for name, data, fmt in [
        ("report.txt", to_pdf(RELEASE), "pdf"),
        ("page.pdf", to_html(RELEASE).encode(), "html"),
        ("release.html", RELEASE.encode(), "text"),
    ]:
        p = tmp_path / name
        p.write_bytes(data)
        src = read_path(p)
        assert src.format == fmt
        assert "Calder Vale" in src.text


@pytest.mark.parametrize(
    ("data", "what"),
    [(b"PK\x03\x04rest", "ZIP"), (b"\x89PNG\r\n", "PNG"), (b"\x00\x01binary", "NUL")],
)
def test_binary_formats_are_refused_by_name(data, what):
    with pytest.raises(UnsupportedFormatError, match=what):
        read_bytes(data, "mystery.txt")
    with pytest.raises(UnsupportedFormatError, match="mystery.txt"):
        read_bytes(data, "mystery.txt")
    assert issubclass(UnsupportedFormatError, ExtractionError)


def test_sniff_finds_pdf_after_leading_junk():
    assert sniff(b"\n\n%PDF-1.7\n") == "pdf"


def test_html_without_body_or_content():
    src = read_bytes(
        b"<html><head><title>Eastmoor PDU rated 'Good'</title></head></html>", "t.html"
    )
    assert src.text == "Eastmoor PDU rated 'Good'"
    with pytest.raises(ExtractionError, match="empty.html"):
        readers.read_html("", "empty.html")


def test_html_canonical_url_and_xml_declaration():
    page = ('<?xml version="1.0" encoding="utf-8"?><html><head><link rel="canonical" '
            'href="https://example.org/news/a-pdu"></head><body><p>x PDU text</p></body></html>')  # fmt: skip
    src = read_bytes(page.encode(), "p.html")
    assert src.url == "https://example.org/news/a-pdu" and "x PDU text" in src.text


def test_pdf_malformed_encrypted_and_textless():
    with pytest.raises(ExtractionError, match="bad.pdf: not a readable PDF"):
        read_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF", "bad.pdf")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    with pytest.raises(ExtractionError, match="no text layer"):
        read_bytes(bytes(pdf.output()), "scan.pdf")
    pdf = FPDF()
    pdf.set_encryption(owner_password="x", user_password="y")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 10, "Eastmoor PDU")
    with pytest.raises(ExtractionError, match="encrypted"):
        read_bytes(bytes(pdf.output()), "locked.pdf")


def test_huge_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 1001)
    with pytest.raises(ExtractionError, match="big.txt: file is larger than"):
        read_path(p)
    with pytest.raises(ExtractionError, match="larger than"):
        read_bytes(b"a" * 1001, "big.txt")


def test_missing_file_names_it(tmp_path):
    with pytest.raises(ExtractionError, match="nope.txt: cannot read file"):
        read_path(tmp_path / "nope.txt")


@SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes_read_or_fail_clearly(data):
    try:
        src = read_bytes(data, "fuzz.bin")
    except ExtractionError as exc:
        assert "fuzz.bin" in str(exc)
        return
    assert isinstance(src.text, str)


@SETTINGS
@given(st.binary(max_size=400))
def test_damaged_pdf_fails_clearly(tail):
    data = b"%PDF-1.4\n" + tail
    try:
        read_bytes(data, "damaged.pdf")
    except ExtractionError as exc:
        assert "damaged.pdf" in str(exc)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("<>/= \"'abhtmlpdivbody&;#x0123\n")), max_size=400))
def test_tag_soup_html_never_crashes(markup):
    try:
        read_bytes(("<html>" + markup).encode(), "soup.html")
    except ExtractionError as exc:
        assert "soup.html" in str(exc)


def test_truncated_pdf_of_a_real_rendering_fails_clearly():
    data = to_pdf(RELEASE)
    with pytest.raises(ExtractionError, match="cut.pdf"):
        read_bytes(data[: len(data) // 3], "cut.pdf")


# ----------------------------------------------------------------------------- batches
def _files(tmp_path: Path) -> list[Path]:
    good = tmp_path / "a_good.txt"
    good.write_text(RELEASE, encoding="utf-8")
    pdf = tmp_path / "b_report.pdf"
    pdf.write_bytes(to_pdf(RELEASE))
    bad = tmp_path / "c_bad.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    zipped = tmp_path / "d_archive.txt"
    zipped.write_bytes(b"PK\x03\x04zip")
    return [good, pdf, bad, zipped]


def test_batch_goes_on_after_bad_files(tmp_path):
    results = list(batch.extract_many([str(p) for p in _files(tmp_path)], progress=False))
    assert [r.error is None for r in results] == [True, True, False, False]
    assert "c_bad.pdf" in results[2].error and "d_archive.txt" in results[3].error
    assert results[0].records[0].unit_name == results[1].records[0].unit_name == "Calder Vale"


def test_batch_in_parallel_keeps_input_order(tmp_path):
    paths = []
    for i in range(6):
        p = tmp_path / f"r{i}.txt"
        p.write_text(RELEASE.replace("Calder Vale", f"Unit{i} Vale"), encoding="utf-8")
        paths.append(str(p))
    results = list(batch.extract_many(paths, jobs=2, progress=False))
    assert [r.records[0].unit_name for r in results] == [f"Unit{i} Vale" for i in range(6)]


def test_unexpected_failure_is_one_files_error(monkeypatch):
    def boom(path):
        raise RuntimeError("kaput")

    monkeypatch.setattr(batch, "extract_file", boom)
    res = batch.extract_one("x.txt")
    assert res.error == "x.txt: internal error (RuntimeError: kaput)" and res.records == []


def test_folders_are_expanded(tmp_path):
    _files(tmp_path)
    (tmp_path / ".hidden").write_text("x")
    assert [Path(p).name for p in batch.expand([tmp_path])] == [
        "a_good.txt",
        "b_report.pdf",
        "c_bad.pdf",
        "d_archive.txt",
    ]


def test_default_jobs():
    assert batch.default_jobs(10) == 1
    assert batch.default_jobs(batch.PARALLEL_MIN) >= 1


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    extract_cli.add_arguments(p)
    return p.parse_args(list(argv))


def test_cli_exit_status_counts_failed_files_and_shows_progress(tmp_path):
    files = _files(tmp_path)
    for i in range(4):  # more than a few files: a progress bar on standard error
        (tmp_path / f"e{i}.txt").write_text(RELEASE, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = extract_cli.run(_args(str(tmp_path)), stdout=out, stderr=err)
    assert status == 2
    assert "2 of 8 files could not be read" in err.getvalue().splitlines()[-1]
    assert "c_bad.pdf" in err.getvalue() and "8/8" in err.getvalue()
    assert len(json.loads(out.getvalue())) == 6
    out, err = io.StringIO(), io.StringIO()
    assert extract_cli.run(_args(str(files[0]), "--no-progress"), stdout=out, stderr=err) == 0
    assert err.getvalue() == ""


def test_cli_runs_as_a_command(tmp_path):
    import subprocess

    p = tmp_path / "r.txt"
    p.write_text(RELEASE, encoding="utf-8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.1")
    done = subprocess.run(
        [sys.executable, "-m", "probstats.cli", "extract", str(p), str(bad), "--format", "csv"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Calder Vale" in done.stdout and "bad.pdf" in done.stderr
