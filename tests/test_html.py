"""The ``html`` format (the buyer's page) and ``status --format html``, without a browser:
escaping, links, audience, language, what the page says. tests/test_html_browser.py looks at the
pages in a real Chromium."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURES

from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.formats import registry as formats
from mapgen.formats.html import CSP, SCRIPT, SCRIPT_HASH, link, linked, render
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import Plan, load_plan
from mapgen.model.view import build_view
from mapgen.ops.status_report import render_status, status_report

REVIEW = FIXTURES / "review.yaml"
HOSTILE = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
           '"quoted" & {{ 7*7 }}')


class Page(HTMLParser):
    """A page's visible text, its elements and attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def view_of(plan_path: Path = REVIEW, blueprint: str = "map", audience: str = "buyer",
            made: dt.date = dt.date(2027, 1, 20)):
    bp = load_blueprint(blueprint)
    view = build_view(bp, load_plan(plan_path, bp), audience=audience)
    return dataclasses.replace(view, generated=made)


def hostile_plan(tmp_path: Path) -> Path:
    data = json.loads(json.dumps({
        "format": "mapgen-plan", "format_version": 1, "blueprint": {"name": "map", "version": "1"},
        "deal": {"name": HOSTILE, "buyer": "<b>Contoso</b>", "seller": "Nimbus",
                 "go_live": "2027-03-01"},
        "sections": {
            "phases": [{"phase": 1, "milestone": HOSTILE, "deadline": "2027-01-10",
                        "responsible": "<i>AE</i>", "status": "In progress"}],
            "action_items": [
                {"number": 1, "phase": 1, "description": "See https://example.com/a?b=1&c=2 now",
                 "deadline": "2027-01-25", "responsible": "AE", "status": "Not started",
                 "_notes": {"description": {"comment": "<b>note</b>",
                                            "link": "javascript:alert(1)"},
                            "responsible": {"link": "mailto:ae@example.com"}}},
                {"number": 2, "phase": 1, "description": "javascript:alert(2) and data:text/html,x",
                 "deadline": "2027-01-26", "responsible": "AE", "status": "Done"}]},
    }))
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- registry and CLI


def test_html_is_a_registry_format_and_all_stays_xlsx_and_docx():
    assert "html" in formats.names("document")
    assert formats.for_path(Path("x.html")).name == "html"
    assert formats.expand(["all"]) == ["xlsx", "docx"]


def test_generate_writes_one_self_contained_page(in_tmp, runner):
    result = runner.invoke(main, ["generate", "--plan", str(REVIEW), "--format", "html",
                                  "--audience", "buyer", "--out", "out"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == Path("out/Contoso - Analytics rollout-buyer.html")
    html = path.read_text(encoding="utf-8")
    page = Page(html)
    # nothing from anywhere: no external stylesheet, script source, image or frame
    assert not [a for t, a in page.tags if t in ("link", "iframe", "object", "embed")]
    assert not [a for a in page.all("script") if "src" in a]
    assert all(str(a.get("src", "")).startswith("data:") for a in page.all("img"))
    assert re.search(r"url\(|@import", html) is None
    csp = next(a["content"] for a in page.all("meta") if a.get("http-equiv") ==
               "Content-Security-Policy")
    assert csp == CSP and "default-src 'none'" in csp
    assert runner.invoke(main, ["generate", "--plan", str(REVIEW), "--format", "html",
                                "--audience", "buyer", "--out", "out"]).exit_code == 2  # no --force


def test_the_inline_script_is_allowed_by_its_hash_and_nothing_else():
    import base64
    import hashlib

    html = render(view_of())
    body = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert body == [SCRIPT]
    assert base64.b64encode(hashlib.sha256(body[0].encode()).digest()).decode() == SCRIPT_HASH
    assert "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]


# --------------------------------------------------------------------------- what it says


def test_the_page_says_what_a_buyer_needs_first():
    page = Page(render(view_of()))
    text = page.text
    for expected in ("Prepared for Contoso", "Prepared 20 Jan 2027", "Buyer edition",
                     "Days to go-live", "Go-live: 1 Mar 2027", "As of 20 Jan 2027",
                     "Next milestone", "Technical validation", "25 Jan 2027 · in 5 days",
                     "1 of 5 done (20%)", "2 of 10 done (20%)", "3 of 15 done",
                     "Sign-off", "Buyer's executive sponsor", "Timeline"):
        assert expected in text, expected
    days = next(a for t, a in page.tags if a.get("id") == "go-live-days")
    assert days["data-go-live"] == "2027-03-01"
    assert "\n40\n" in f"\n{text}\n"
    # needing attention, most urgent first, before the sections' tables
    attention = text.index("Needs attention (8)")
    order = [text.index(label, attention) for label in
             ("Legal review", "Pilot users named", "Data export", "Security review")]
    assert order == sorted(order)
    assert text.index("Stalled", attention) < text.index("At risk", attention)
    assert attention < text.index("1. Objective")
    # each section's table: headers with scope, owner, due date and the status as a text badge
    assert all(th.get("scope") in ("col", "row") for th in page.all("th"))
    assert "Responsible" in text and "13 Jan 2027" in text
    assert "7 days late" in text


def test_status_badges_never_rely_on_colour_alone():
    html = render(view_of())
    for badge in re.findall(r'<span class="badge [^"]+">([^<]*)</span>', html):
        assert badge.strip(), "a badge without words"


def test_buyer_page_holds_nothing_seller_only():
    bp = load_blueprint("saas")
    plan = load_plan(FIXTURES / "deal.yaml", bp)
    internal = Page(render(build_view(bp, plan))).text
    buyer = Page(render(build_view(bp, plan, audience="buyer"))).text
    for section in bp.sections:
        for column in section.columns:
            if column.internal:
                assert column.title in internal and column.title not in buyer, column.title
    assert "Importance" not in buyer and "High - involve early" not in buyer
    assert "mapgen" not in buyer.lower() and "Made from blueprint" in internal
    assert "workshop" not in buyer.lower()


@pytest.mark.parametrize("language, expected", [
    ("de", ("Tage bis Go-live", "Nächster Meilenstein", "1 von 5 erledigt", "Braucht Aufmerksamkeit")),
    ("fr", ("Prochain jalon", "1 sur 5 terminés", "À surveiller")),
    ("sv", ("Nästa milstolpe", "1 av 5 klara")),
])
def test_a_translated_blueprint_gives_a_page_in_its_language(language, expected):
    html = render(view_of(blueprint=f"map-{language}"))
    assert f'<html lang="{language}">' in html
    text = Page(html).text
    for words in expected:
        assert words in text, words
    for english in ("Needs attention", "Next milestone", "Days to go-live", "Prepared for"):
        assert english not in text, english


def test_a_blank_page_shows_examples_and_no_progress():
    bp = load_blueprint("map")
    text = Page(render(build_view(bp))).text
    assert "Plan to fill in" in text and "Examples: what good looks like." in text
    assert "Needs attention" not in text and "Days to go-live" not in text


# --------------------------------------------------------------------------- data is text


def test_markup_in_plan_data_is_text_and_links_are_safe(tmp_path):
    bp = load_blueprint("map")
    view = build_view(bp, load_plan(hostile_plan(tmp_path), bp))
    html = render(view)
    page = Page(html)
    assert "<script>window" not in html and "<img src=x" not in html and "<b>" not in html
    assert len(page.all("script")) == 1 and not page.all("img")
    assert HOSTILE in page.text.replace("\n", "")  # shown as typed
    assert "{{ 7*7 }}" in page.text and "49" not in page.text
    hrefs = [a["href"] for a in page.all("a") if not str(a.get("href")).startswith("#")]
    assert sorted(hrefs) == ["https://example.com/a?b=1&c=2", "mailto:ae@example.com"]
    for a in page.all("a"):
        if not str(a["href"]).startswith("#"):
            assert a.get("rel") == "noopener noreferrer"
    assert "javascript:alert(1)" in page.text  # kept, as text


@pytest.mark.parametrize("url, linked_to", [
    ("https://example.com/x", "https://example.com/x"), ("http://a.b/", "http://a.b/"),
    ("mailto:x@y.z", "mailto:x@y.z"), ("javascript:alert(1)", None), ("data:text/html,x", None),
    ("ftp://x.y/", None), ("https://a.b/\x00x", None),
    ('https://a.b/"onmouseover="x', "https://a.b/&#34;onmouseover=&#34;x"),
])
def test_only_web_and_mail_addresses_become_links(url, linked_to):
    out = str(link(url))
    assert 'onmouseover="' not in out
    if linked_to is None:
        assert "<a" not in out
    else:
        assert out.startswith(f'<a href="{linked_to}" rel="noopener noreferrer">')


def test_addresses_in_text_become_links_and_the_rest_stays_escaped():
    out = str(linked('Read <https://example.com/p?a=1&b=2>, then "mail" mailto:a@b.c.'))
    assert out == ('Read &lt;<a href="https://example.com/p?a=1&amp;b=2" rel="noopener noreferrer">'
                   'https://example.com/p?a=1&amp;b=2</a>&gt;, then &#34;mail&#34; '
                   '<a href="mailto:a@b.c" rel="noopener noreferrer">mailto:a@b.c</a>.')


# --------------------------------------------------------------------------- branding


def test_logo_is_embedded_and_a_bad_one_is_one_clear_error(in_tmp, runner):
    import base64

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                           "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    (in_tmp / "logo.png").write_bytes(png)
    (in_tmp / "acme.yaml").write_text("extends: map\nbranding:\n  company: Acme & Co\n"
                                      "  logo: logo.png\n  primary_color: FFD700\n",
                                      encoding="utf-8")
    result = runner.invoke(main, ["generate", "--blueprint", "acme.yaml", "--format", "html",
                                  "--out", "out"])
    assert result.exit_code == 0, result.output
    page = Page(Path(result.output.strip()).read_text(encoding="utf-8"))
    img = page.all("img")
    assert img == [{"src": "data:image/png;base64," + base64.b64encode(png).decode(),
                    "alt": "Acme & Co"}]
    html = Path(result.output.strip()).read_text(encoding="utf-8")
    assert "--on-band: #262626" in html  # dark text on a light brand colour
    assert "--accent: #262626" in html   # headings keep the contrast of body text
    (in_tmp / "logo.png").write_bytes(b"not an image")
    result = runner.invoke(main, ["generate", "--blueprint", "acme.yaml", "--format", "html",
                                  "--out", "out2"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: logo 'logo.png' (branding.logo in acme.yaml) cannot be used: "
        f"{Path('acme.yaml').resolve().parent / 'logo.png'}: not a PNG, JPEG or GIF image"]
    assert not (in_tmp / "out2").exists() or not list((in_tmp / "out2").iterdir())


def test_missing_logo_raises_before_writing(tmp_path):
    (tmp_path / "acme.yaml").write_text("extends: map\nbranding:\n  logo: gone.png\n",
                                        encoding="utf-8")
    view = build_view(load_blueprint(tmp_path / "acme.yaml"))
    with pytest.raises(MapgenError, match=r"logo 'gone\.png'.*not found"):
        render(view)


# --------------------------------------------------------------------------- batches and the kit


def test_deals_batch_writes_a_page_per_deal(in_tmp, runner):
    result = runner.invoke(main, ["generate", "--deals", str(FIXTURES / "deals" / "deals.csv"),
                                  "--format", "html", "--audience", "buyer", "--out", "deals",
                                  "--jobs", "1"])
    assert result.exit_code == 1  # the fixture's third deal has a bad date: the others are written
    pages = sorted((in_tmp / "deals").glob("*.html"))
    assert [p.name for p in pages] == ["Contoso - Analytics rollout-buyer.html",
                                       "Fabrikam - Pilot-buyer.html"]
    assert len(pages) == len(list((in_tmp / "deals").iterdir()))
    for path in pages:
        assert "Buyer edition" in Page(path.read_text(encoding="utf-8")).text


def test_workshop_kit_tells_how_to_make_the_buyers_page(in_tmp, runner):
    result = runner.invoke(main, ["workshop", "--out", "kit"])
    assert result.exit_code == 0, result.output
    checklist = (in_tmp / "kit" / "CHECKLIST.md").read_text(encoding="utf-8")
    assert "--audience buyer --format html --out final" in checklist


# --------------------------------------------------------------------------- status as a page


def test_status_html_is_an_email_safe_page_with_the_markdowns_content(in_tmp, runner):
    result = runner.invoke(main, ["status", str(REVIEW), "--as-of", "2027-01-20",
                                  "--out", "weekly.html"])
    assert result.exit_code == 0, result.output
    html = (in_tmp / "weekly.html").read_text(encoding="utf-8")
    page = Page(html)
    assert "<style" not in html and "<script" not in html and "class=" not in html
    assert all(a.get("style") for t, a in page.tags if t in ("td", "th", "h1", "h2", "p"))
    text = page.text
    assert "Analytics rollout (Contoso and Nimbus), status as of 2027-01-20" in text
    assert "Next milestone: Phase 2: Technical validation, due 2027-01-25 (in 5 days)" in text
    assert "Needs attention (8)" in text and "Findings (9)" in text
    assert "stalled (7 days late), blocked" in text or "blocked, stalled (7 days late)" in text
    markdown = render_status(status_report(load_plan(REVIEW), load_blueprint("map"),
                                           "2027-01-20"), "markdown")
    for code in re.findall(r"`([a-z-]+)`", markdown):
        assert code in text
    same = runner.invoke(main, ["status", str(REVIEW), "--as-of", "2027-01-20",
                                "--format", "html"])
    assert same.output == html


def test_status_html_escapes_plan_data(tmp_path):
    bp = load_blueprint("map")
    plan = load_plan(hostile_plan(tmp_path), bp)
    html = render_status(status_report(plan, bp, "2027-01-20"), "html")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_diff_keeps_its_formats(in_tmp, runner):
    result = runner.invoke(main, ["diff", str(REVIEW), str(REVIEW), "--format", "html"])
    assert result.exit_code == 2


def test_an_empty_plan_page_renders(tmp_path):
    bp = load_blueprint("map")
    view = build_view(bp, Plan(blueprint={"name": "map", "version": "1"}, deal={}, sections={}))
    text = Page(render(view)).text
    assert "Mutual Action Plan" in text and "Examples: what good looks like." in text
    assert "Needs attention" not in text and "Days to go-live" not in text
