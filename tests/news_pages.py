"""Saved web pages, PDFs and Word files that look like what analysts really keep, built in the test.

``news_page`` writes the HTML a news site serves: a navigation bar, a cookie banner, the article
(headline, byline, paragraphs) marked up the way sites do, a JSON-LD ``NewsArticle`` block with
the dates, Open Graph tags with the outlet's name and the canonical URL, a "related" box and a
comment thread. Everything that is not the article carries words (``DEBRIS``) a test can look
for in the imported text. ``pdf_file``, ``scanned_pdf`` and ``docx_file`` build the other
sources with reportlab and python-docx, in milliseconds, so no binary fixture is kept in the
repository.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

#: Words that sit only in a page's navigation, related links, cookie banner and comments.
DEBRIS = ("Subscribe to our newsletter", "Most read today", "Accept all cookies", "wrote a comment",
          "Sports section")

PARAGRAPHS = (
    "The foreign ministry in Minsk said on Tuesday that joint exercises with Russia would begin "
    "next month near the western border, and that observers from neighbouring states were invited.",
    "Officials in Vilnius and Warsaw called the announcement a provocation and asked NATO allies "
    "to raise their readiness along the frontier, a demand the alliance said it would consider.",
    "Analysts noted that the statement repeated, almost word for word, a text published in Moscow "
    "a week earlier, which described the exercises as purely defensive and limited in scale.",
)

RUSSIAN_PARAGRAPHS = (
    "Министерство иностранных дел в Минске заявило во вторник, что совместные учения с Россией "
    "начнутся в следующем месяце у западной границы, и пригласило наблюдателей соседних государств.",
    "Официальные лица в Вильнюсе и Варшаве назвали это заявление провокацией и попросили союзников "
    "по НАТО повысить готовность вдоль границы.",
)


def news_page(*, title: str = "Minsk announces joint exercises near the western border",
              author: str = "Anna Kowalska", published: str = "2024-03-05T09:30:00+01:00",
              site: str = "Baltic Daily", url: str = "https://baltic-daily.example/news/2024/03/exercises",
              paragraphs: tuple[str, ...] = PARAGRAPHS, lang: str = "en", json_ld: bool = True) -> str:
    """A news article page as a browser saves it (File ▸ Save page as…, HTML only)."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": published, "dateModified": published,
          "author": {"@type": "Person", "name": author}, "publisher": {"@type": "Organization", "name": site}}
    body = "\n".join(f"      <p>{html.escape(text)}</p>" for text in paragraphs)
    ld_block = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>' if json_ld else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <title>{html.escape(title)} | {html.escape(site)}</title>
  <meta property="og:site_name" content="{html.escape(site)}">
  <meta property="og:title" content="{html.escape(title)}">
  <meta property="og:url" content="{html.escape(url)}">
  <meta name="author" content="{html.escape(author)}">
  <link rel="canonical" href="{html.escape(url)}">
  {ld_block}
  <script>window.dataLayer = [];</script>
  <style>body {{ font-family: sans-serif; }}</style>
</head>
<body>
  <div class="cookie-banner">We use cookies. <button>Accept all cookies</button></div>
  <header>
    <nav class="main-nav"><ul>
      <li><a href="/">Home</a></li><li><a href="/world">World</a></li>
      <li><a href="/sport">Sports section</a></li><li><a href="/subscribe">Subscribe to our newsletter</a></li>
    </ul></nav>
  </header>
  <main>
    <article>
      <h1>{html.escape(title)}</h1>
      <div class="byline">By <span class="author">{html.escape(author)}</span>,
        <time datetime="{html.escape(published)}">{html.escape(published[:10])}</time></div>
{body}
    </article>
    <aside class="related"><h3>Most read today</h3><ul>
      <li><a href="/a">Weather: snow expected in the capital on Friday evening</a></li>
      <li><a href="/b">Football: the national team loses again in the qualifiers</a></li>
      <li><a href="/c">Prices of bread and milk rose in February, statistics office says</a></li>
    </ul></aside>
    <section class="comments" id="comments"><h3>Comments (2)</h3>
      <div class="comment"><b>reader42</b> wrote a comment: this is all propaganda, do not believe a word of it.</div>
      <div class="comment"><b>ivan_k</b> wrote a comment: the exercises happen every year, nothing new here.</div>
    </section>
  </main>
  <footer><p>© 2024 {html.escape(site)}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body>
</html>
"""


def not_an_article() -> str:
    """A page with nothing article-like: a login form and a menu."""
    return """<!DOCTYPE html><html><head><title>Log in</title></head><body>
<nav><a href="/">Home</a> <a href="/help">Help</a></nav>
<form action="/login" method="post"><label>User <input name="u"></label>
<label>Password <input name="p" type="password"></label><button>Log in</button></form>
</body></html>
"""


def pdf_file(path: Path) -> Path:
    """A two-page PDF: a headline and paragraphs, a word hyphenated at the end of a line
    ("exer-" / "cises"), and the second page's paragraph."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    page.setTitle("Statement of the ministry")
    page.setAuthor("Press office")
    lines_one = ["Statement of the ministry", "", "The ministry announced joint military exer-",
                 "cises with Russia near the western border.", "Observers were invited.", "",
                 "The second paragraph says the drills are defensive."]
    _draw(page, lines_one)
    page.showPage()
    _draw(page, ["On the second page, the ministry thanks its partners", "for their cooperation."])
    page.showPage()
    page.save()
    return path


def _draw(page: object, lines: list[str]) -> None:
    y = 780
    for line in lines:
        if line:
            page.drawString(72, y, line)  # type: ignore[attr-defined]
        y -= 16


def scanned_pdf(path: Path) -> Path:
    """A PDF holding only a picture of text, as a scanner writes it: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(picture).text((10, 40), "Scanned statement of the ministry", fill="black")
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawImage(ImageReader(picture), 72, 600, width=400, height=120)
    page.showPage()
    page.save()
    return path


def docx_file(path: Path, *, paragraphs: tuple[str, ...] = PARAGRAPHS) -> Path:
    """A Word file with a title in its properties, a heading, and paragraphs."""
    import docx

    document = docx.Document()
    document.core_properties.title = "Minsk announces joint exercises"
    document.core_properties.author = "Press office"
    document.add_heading("Minsk announces joint exercises", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path
