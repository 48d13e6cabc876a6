"""extract.py, article.py and provenance.py: main and full text, page metadata, PDFs, the registry check."""

from __future__ import annotations

import re

from httpfixtures import ARTICLE, ARTICLE_TEXT, PDF, SCRIPTS, make_pdf, source
from simarchive.capture.extract import EXTRACTORS, MIN_ARTICLE, extract
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


LOREM = "The board heard the evidence in public and agreed to publish the minutes within a month. " * 4


def test_the_main_text_leaves_out_what_the_full_text_keeps():
    page = f"""<html><body><main><article><h1>Minutes</h1><p>{LOREM}</p><p>{LOREM.upper()}</p>
    <div class="share">Share this page on social media</div></article>
    <div class="related"><h3>Related stories</h3><p>Another story about parking in the high street.</p></div>
    </main></body></html>"""
    result = extract(page.encode(), "text/html")
    assert (result.main, result.warnings) == ("trafilatura", [])
    assert LOREM.strip() in result.text and LOREM.strip() in result.fulltext
    assert "Related stories" not in result.text and "Related stories" in result.fulltext


def test_a_paragraph_the_page_repeats_is_kept_twice():
    page = f"<html><body><article><h1>Notice</h1><p>{LOREM}</p><p>{LOREM}</p></article></body></html>"
    result = extract(page.encode(), "text/html")
    assert result.main == "trafilatura" and result.text.count(LOREM.strip()) == 2


def test_tables_lists_and_quoted_passages_are_kept():
    page = f"""<html><body><article><h1>Figures</h1><p>{LOREM}</p>
    <blockquote><p>We will not send officers to people in crisis without clinical advice.</p></blockquote>
    <table><tr><th>Year</th><th>Detentions</th></tr><tr><td>2016</td><td>12</td></tr></table>
    <ul><li>First finding</li><li>Second finding</li></ul></article></body></html>"""
    text = extract(page.encode(), "text/html").text
    assert "We will not send officers to people in crisis without clinical advice." in text
    assert "Year | Detentions\n2016 | 12" in text
    assert "First finding\n\nSecond finding" in text


def test_dates_and_formulas_in_the_running_text_are_kept():
    # trafilatura removes <time> and <math> with their text: "wrote on to every trust".
    page = f"""<html><body><article><h1>The letter</h1><p>{LOREM}</p>
    <p>NHS England wrote on <time datetime="2023-03-10">10 March 2023</time> to every trust.</p>
    <p>The rule was <math><semantics><mi>x</mi><mo>=</mo><mn>2</mn>
    <annotation encoding="application/x-tex">x=2</annotation></semantics></math> at most.</p></article></body></html>"""
    result = extract(page.encode(), "text/html")
    assert result.main == "trafilatura"
    assert "NHS England wrote on 10 March 2023 to every trust." in result.text
    assert "The rule was x=2 at most." in result.text
    assert result.metadata["published"] == "2023-03-10"  # htmldate still reads the <time> element


def test_a_listing_page_falls_back_to_the_full_text_and_says_so():
    page = "<html><body><h1>News</h1>" + "".join(
        f"<div class=teaser><a href=/n/{n}>Story {n}</a></div>" for n in range(8)) + "</body></html>"
    result = extract(page.encode(), "text/html")
    assert (result.main, result.text, result.warnings) == ("fallback-fulltext", result.fulltext, [])
    assert "Story 0\n\nStory 1" in result.text
    result = extract(SCRIPTS.encode(), "text/html")  # trafilatura's own rescue keeps the <noscript>
    assert (result.main, result.text) == ("fallback-fulltext", "Visible words.\n\nMore visible words.\n")
    assert result.warnings == [
        "no article body found (a listing or a short page?): text.txt holds the page's full visible text "
        "(36 characters)"]


def test_one_teaser_taken_for_the_article_of_a_listing_page_gives_the_full_text():
    words = " ".join(["The review of the scheme begins."] * 10)
    teaser = f"<article><h2>Inquiry opens</h2><p>{words}</p></article>"
    others = "".join(f"<section><h2>Section {n}</h2>" + "".join(
        f"<div><a href=/s/{n}/{k}>Headline {n}.{k} about another story of the day</a></div>" for k in range(12))
        + "</section>" for n in range(14))
    result = extract(f"<html><body>{teaser}{others}</body></html>".encode(), "text/html")
    assert result.main == "fallback-fulltext"
    assert result.text == result.fulltext
    assert "Headline 13.11 about another story of the day" in result.text
    assert "The review of the scheme begins." in result.text
    (warning,) = result.warnings
    found = re.fullmatch(r"the article body found \((\d+) characters\) is under 5% of the page's visible text "
                         r"\(a listing page\?\): text.txt holds the full visible text \((\d+) characters\)", warning)
    assert found, warning
    assert MIN_ARTICLE <= int(found[1]) < 0.05 * int(found[2]) and int(found[2]) == len(result.fulltext)


def test_text_only_in_json_ld_or_noscript_is_still_had():
    ld = ('<html><head><script type="application/ld+json">{"@context": "https://schema.org", '
          f'"@type": "NewsArticle", "headline": "H", "articleBody": "{LOREM}"}}</script></head>'
          '<body><div id="app"></div></body></html>')
    noscript = f'<html><body><div id="app"></div><noscript><p>{LOREM}</p></noscript></body></html>'
    for page in (ld, noscript):
        result = extract(page.encode(), "text/html")
        assert LOREM.split()[:8] == result.text.split()[:8], page
        assert "The board heard the evidence" in result.fulltext


def test_a_paywall_is_noticed():
    marked = ('<html><head><script type="application/ld+json">{"@context": "https://schema.org", '
              '"@type": "NewsArticle", "isAccessibleForFree": "False"}</script></head>'
              f'<body><article><p>{LOREM}</p></article></body></html>')
    assert extract(marked.encode(), "text/html").wall == (
        "the page marks itself as not free to read (schema.org isAccessibleForFree: false)")
    worded = f"<html><body><article><p>{LOREM}</p><p>Already a subscriber? Log in.</p></article></body></html>"
    assert extract(worded.encode(), "text/html").wall == (
        "its text reads like a paywall or a consent wall ('Already a subscriber')")
    assert extract(ARTICLE.encode(), "text/html").wall is None


def test_page_metadata_has_dates_site_and_canonical_url():
    page = b"""<html lang="en-GB"><head><title>Minutes | Example Trust</title>
    <meta property="og:site_name" content="Example Trust"><link rel="canonical" href="https://example.org/minutes">
    <meta property="article:published_time" content="2021-06-30"><meta property="article:modified_time"
    content="2022-01-05"><meta name="author" content="Allan House"></head><body><p>Body.</p></body></html>"""
    metadata = extract(page, "text/html").metadata
    assert {k: metadata[k] for k in ("author", "published", "modified", "site_name", "canonical_url", "language")} \
        == {"author": ["Allan House"], "published": "2021-06-30", "modified": "2022-01-05",
            "site_name": "Example Trust", "canonical_url": "https://example.org/minutes", "language": "en-GB"}


def test_last_first_and_other_spellings_of_a_name_are_the_same_author():
    # The false warning of issue 17: a page's "House, Allan" against the registry's "Allan House".
    page = b'<html><head><meta name="author" content="House, Allan"></head><body><p>x</p></body></html>'
    entry = source("s", "http://example.org/", title="x", author="Allan House")
    assert compare_with_registry({"title": "x", **extract(page, "text/html").metadata}, entry) == []
    for spelling in ("House, Allan", "allan house", "Allan J. House", "Prof. Allan House", "ALLAN HOUSE"):
        assert compare_with_registry({"author": [spelling]}, entry) == [], spelling
    accented = source("s", "http://example.org/", author="Zoe Cwik; Jack Barton")
    assert compare_with_registry({"author": ["Zoë Ćwik"]}, accented) == []
    assert compare_with_registry({"author": ["Allan Hause"]}, entry) == [
        "the page's author 'Allan Hause' differs from the registry's 'Allan House'"]
