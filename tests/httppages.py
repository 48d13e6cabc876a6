"""The pages the capture tests serve: an article with boilerplate, a Windows-1252 page, scripts, a PDF."""

from __future__ import annotations

import zlib

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>SIM pilot report | Example Trust</title>
<meta name="citation_title" content="Serenity Integrated Mentoring pilot report">
<meta name="citation_author" content="Jane Analyst">
<meta name="citation_publication_date" content="2016-05-04">
<meta property="og:site_name" content="Example Trust">
</head><body>
<header class="site-header"><a href="/">Example Trust home</a></header>
<nav><ul><li>Home</li><li>About us</li></ul></nav>
<div id="cookie-consent">We use cookies. Accept?</div>
<main><article>
<h1>Serenity Integrated Mentoring pilot report</h1>
<p>The pilot began on the
  Isle of Wight in 2012.</p>
<p>Police officers worked inside <em>community</em> mental health teams.</p>
<h2>Findings</h2>
<ul><li>Fewer detentions</li><li>More contact</li></ul>
</article></main>
<aside>Related: other reports</aside>
<footer>Copyright Example Trust</footer>
<script>var tracking = "SECRET-TRACKER";</script>
</body></html>
"""
ARTICLE_TEXT = (
    "Serenity Integrated Mentoring pilot report\n\n"
    "The pilot began on the Isle of Wight in 2012.\n\n"
    "Police officers worked inside community mental health teams.\n\n"
    "Findings\n\nFewer detentions\n\nMore contact\n"
)
CP1252_TEXT = "Café society: “quoted” — the naïve résumé of a coöperative façade. " * 8
CP1252 = f"<html><head><title>Caf\u00e9</title></head><body><p>{CP1252_TEXT}</p></body></html>"
SCRIPTS = """<html><head><script>alert("HEAD-SCRIPT")</script><style>p { color: red }</style></head>
<body onload="alert('ONLOAD')"><p>Visible words.</p>
<img src="x" onerror="alert('ONERROR-HANDLER')">
<script type="text/javascript">document.write("BODY-SCRIPT")</script>
<noscript>NOSCRIPT-TEXT</noscript><p>More visible words.</p>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Article",
"headline": "LD headline"}</script>
</body></html>"""


def make_pdf(pages: list[str], title: str = "SIM Review") -> bytes:
    """A small valid PDF, one line of Helvetica text per page, with an Info dictionary."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        page_no, content_no = len(objects) + 1, len(objects) + 2
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_no} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
        kids.append(f"{page_no} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    objects.append(
        f"<< /Title ({title}) /Author (NHS England) /CreationDate (D:20230310120000Z) >>"
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n".encode()
    )
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PDF = make_pdf(["First page of the review", "Second page ends here"])


def make_hostile_pdf(fanout: int = 315, operators: int = 4000) -> bytes:
    """A PDF of fanout**2 pages (99,225 by default, in under 5 KB) that all share one page object
    and one content stream, which takes pypdf a long time to read: about two hours in all."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td " + b"(SIM) Tj 0 -1 Td " * operators + b"ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b"3 0 R " * fanout + b"] /Count %d >>" % (fanout * fanout),
        b"<< /Type /Pages /Parent 2 0 R /Kids [" + b"4 0 R " * fanout + b"] /Count %d >>" % fanout,
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
