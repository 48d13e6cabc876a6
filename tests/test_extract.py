"""extract.py, article.py and provenance.py: main and full text, page metadata, PDFs, the registry check."""

from __future__ import annotations

from httpfixtures import ARTICLE, ARTICLE_TEXT, PDF, SCRIPTS, make_pdf, source
from simarchive.capture.extract import EXTRACTORS, extract
from simarchive.capture.provenance import compare_with_registry
from simarchive.content.dates import parse_when


def test_article_text_is_in_reading_order_without_boilerplate():
    result = extract(ARTICLE.encode(), "text/html; charset=utf-8", "utf-8")
    assert result.method == "html"
    assert result.text == result.fulltext == ARTICLE_TEXT
    for furniture in (
        "Example Trust home",
        "About us",
        "cookies",
        "Related",
        "Copyright",
        "SECRET",
    ):
        assert furniture not in result.text
    assert result.warnings == []


def test_article_metadata_comes_from_the_page_itself():
    result = extract(ARTICLE.encode(), "text/html", "utf-8")
    assert result.metadata == {
        "title": "Serenity Integrated Mentoring pilot report",
        "author": ["Jane Analyst"],
        "published": "2016-05-04",
        "site_name": "Example Trust",
        "language": "en",
    }


def test_scripts_styles_and_handlers_never_reach_the_text():
    result = extract(SCRIPTS.encode(), "text/html", "utf-8")
    assert result.text == "Visible words.\n\nMore visible words.\n"
    assert result.metadata["title"] == "LD headline"


def test_open_graph_and_json_ld_metadata():
    page = b"""<html><head><meta property="og:title" content="OG title">
    <meta property="article:published_time" content="2021-06-30T09:00:00+01:00">
    <script type="application/ld+json">{"@context": "https://schema.org",
      "@graph": [{"@type": "NewsArticle", "headline": "LD",
      "author": [{"@type": "Person", "name": "A. Writer"}], "datePublished": "2021-06-29"}]}</script>
    </head><body><article><header><h1>Headline kept</h1></header><p>Body.</p></article></body></html>"""
    result = extract(page, "text/html", "utf-8")
    assert result.metadata == {"title": "OG title", "published": "2021-06-30", "author": ["A Writer"]}
    assert result.text == "Headline kept\n\nBody.\n"


def test_line_breaks_inside_a_paragraph_are_kept():
    result = extract(b"<p>10 Downing Street<br>London</p><div>Loose <b>text</b></div>", "text/html")
    assert result.text == "10 Downing Street\nLondon\n\nLoose text\n"


def test_pdf_text_has_a_form_feed_line_between_pages():
    result = extract(PDF, "application/pdf")
    assert result.method == "pdf"
    assert result.text == "First page of the review\n\f\nSecond page ends here\n"
    assert result.metadata == {
        "pages": 2,
        "title": "SIM Review",
        "author": ["NHS England"],
        "published": "2023-03-10T12:00:00+00:00",
    }


def test_pdf_sent_as_octet_stream_is_sniffed():
    assert extract(make_pdf(["Only page"]), "application/octet-stream").text == "Only page\n"


def test_broken_pdf_is_a_warning():
    result = extract(b"%PDF-1.4\nnot really", "application/pdf")
    assert result.text == ""
    assert result.warnings[0].startswith("no text could be extracted: the PDF cannot be read (")


def test_other_types_are_stored_with_a_warning():
    result = extract(b"\x00\x01", "image/png")
    assert (result.method, result.text) == ("none", "")
    assert result.warnings == [
        "no text could be extracted: content type 'image/png' is not HTML, PDF or text"
    ]


def test_extractors_are_an_ordered_table():
    assert [name for name, _ in EXTRACTORS] == ["pdf", "html", "text"]


def test_registry_mismatches_are_warnings():
    entry = source("s", "http://example.org/", author="John Smith", published=parse_when("2017"))
    metadata = {"title": "Another title", "author": ["Jane Analyst"], "published": "2016-05-04"}
    assert compare_with_registry(metadata, entry) == [
        "the page's title 'Another title' differs from the registry's "
        "'Serenity Integrated Mentoring pilot report'",
        "the page's author 'Jane Analyst' differs from the registry's 'John Smith'",
        "the page's date 2016-05-04 is outside the registry's published '2017'",
    ]


def test_registry_matches_are_quiet():
    entry = source(
        "s", "http://example.org/", author="Jane Analyst", published=parse_when("2016-05")
    )
    metadata = extract(ARTICLE.encode(), "text/html").metadata
    assert compare_with_registry(metadata, entry) == []
