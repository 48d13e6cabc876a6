"""The downloads read back by independent parsers: bibtexparser, rispy and citeproc-py."""

from __future__ import annotations

import datetime as dt
import json
import warnings

import bibtexparser
import pytest
import rispy
from cite_cases import SHA, capture, item, sources, url
from simarchive.cite.book import content_date
from simarchive.cite.export import to_bibtex, to_csl_json, to_ris
from simarchive.cite.record import csl_date
from simarchive.content.dates import parse_when
from simarchive.content.site import Site

# (source id, BibTeX year/month/date, RIS PY/DA, CSL date-parts): precision kept, no day invented.
PRECISION = [
    ("gazette-pilot", ("2021", "jun", "2021-06-15"), ("2021///", "2021/06/15/"), [[2021, 6, 15]]),
    ("agency-page", ("2021", "jun", "2021-06"), ("2021///", "2021/06//"), [[2021, 6]]),
    ("triage-survey", ("2019", None, "2019"), ("2019///", "2019///"), [[2019]]),
]


def _bib(text: str) -> dict[str, str]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    return {"ENTRYTYPE": entry.entry_type, "ID": entry.key, **{k: f.value for k, f in entry.fields_dict.items()}}


@pytest.mark.parametrize(("sid", "bib", "ris", "parts"), PRECISION)
def test_bibtex_round_trips(sid, bib, ris, parts):
    fields = _bib(to_bibtex(item(sid)))
    assert (fields["year"], fields.get("month"), fields["date"]) == bib
    assert fields["url"] == url(sid)
    assert fields["urldate"] == "2024-01-02"
    assert fields["title"] == "{" + sources()[sid].title + "}"
    assert fields["note"].endswith(f"SHA-256: {SHA}")


def test_bibtex_names_and_organisations():
    assert _bib(to_bibtex(item("gazette-pilot")))["author"] == "Example, Jane"
    assert _bib(to_bibtex(item("network-review")))["author"] == "{Test Network}"
    assert "author" not in _bib(to_bibtex(item("health-letter")))
    assert _bib(to_bibtex(item("gazette-pilot")))["ENTRYTYPE"] == "article"


@pytest.mark.parametrize(("sid", "bib", "ris", "parts"), PRECISION)
def test_ris_round_trips(sid, bib, ris, parts):
    (record,) = rispy.loads(to_ris(item(sid)))
    assert (record["year"], record["date"]) == ris
    assert record["title"] == sources()[sid].title
    assert record["urls"] == [url(sid)]
    assert record["access_date"] == "2024/01/02/"
    assert record["notes"] == [f"Archived by SIM Timeline and Evidence Archive on 2024-01-02T03:04:05Z "
                               f"from {sources()[sid].url}. SHA-256: {SHA}"]


def test_ris_authors_and_pdf():
    (record,) = rispy.loads(to_ris(item("gazette-pilot")))
    assert record["authors"] == ["Example, Jane"]
    assert record["type_of_reference"] == "NEWS"
    (pdf,) = rispy.loads(to_ris(item("network-review")))
    assert pdf["type_of_work"] == "PDF"
    assert pdf["type_of_reference"] == "RPRT"


@pytest.mark.parametrize(("sid", "bib", "ris", "parts"), PRECISION)
def test_csl_json_is_read_by_citeproc_py(sid, bib, ris, parts):
    from citeproc.source.json import CiteProcJSON

    data = json.loads(to_csl_json(item(sid)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL 1.0.2 keys it does not know
        reference = CiteProcJSON(data)[f"{sid}-20240102t030405z"]  # citeproc-py lowercases ids
    assert str(reference.title) == sources()[sid].title
    assert str(reference.URL) == url(sid)
    issued = reference.issued
    assert [issued.get(k) for k in ("year", "month", "day")][: len(parts[0])] == parts[0]
    assert all(k not in issued for k in ("month", "day")[len(parts[0]) - 1:])
    assert (reference.accessed.year, reference.accessed.month, reference.accessed.day) == (2024, 1, 2)
    if sid == "gazette-pilot":
        assert (str(reference.author[0].family), str(reference.author[0].given)) == ("Example", "Jane")


@pytest.mark.parametrize(("edtf", "expected"), [
    ("2023-03-10", {"date-parts": [[2023, 3, 10]]}),
    ("2021-06", {"date-parts": [[2021, 6]]}),
    ("2012", {"date-parts": [[2012]]}),
    ("2018/2020", {"date-parts": [[2018], [2020]]}),
    ("2012-11~", {"date-parts": [[2012, 11]], "circa": True}),
    ("[2016,2017]", {"literal": "2016 or 2017", "raw": "[2016,2017]"}),
    ("../2018-04", {"literal": "by April 2018", "raw": "../2018-04"}),
    ("2022?", {"literal": "2022 (uncertain)", "raw": "2022?"}),
])
def test_csl_dates_keep_their_precision(edtf, expected):
    assert csl_date(parse_when(edtf)) == expected


def test_one_of_and_spans_in_bibtex_and_ris():
    one_of = {**item("triage-survey"), "issued": csl_date(parse_when("[2016,2017]"))}
    fields = _bib(to_bibtex(one_of))
    assert (fields["year"], "date" in fields) == ("2016 or 2017", False)
    (record,) = rispy.loads(to_ris(one_of))
    assert (record.get("year"), record["date"]) == (None, "///2016 or 2017")
    span = _bib(to_bibtex({**item("triage-survey"), "issued": csl_date(parse_when("2018-04/2020"))}))
    assert (span["year"], span["date"]) == ("2018--2020", "2018-04/2020")


def test_exports_are_the_same_bytes_every_time():
    for writer in (to_bibtex, to_ris, to_csl_json):
        assert writer(item("gazette-pilot")) == writer(item("gazette-pilot"))


def test_content_date_is_recorded_content_never_the_clock():
    site = Site(sources=sources(), events=[])
    captures = {"gazette-pilot": [capture("gazette-pilot", at="2024-01-02T23:59:59Z")],
                "agency-page": [capture("agency-page", at="2023-05-06T00:00:00Z")]}
    assert content_date(site, captures, environ={}) == dt.date(2024, 1, 2)
    assert content_date(site, {}, environ={}) is None
    assert content_date(site, captures, environ={"SOURCE_DATE_EPOCH": "1700000000"}) == dt.date(2023, 11, 14)
