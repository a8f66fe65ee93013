"""The buyer's page in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``
through selenium): no sideways scrolling at 390 and 1280 px, the text a buyer needs, no network
request, print to PDF, axe-core without serious or critical violations, markup in the data shown
as text, and the inline script allowed by the page's policy.

The tests skip where the browser is absent and ``CI`` is unset (in CI they fail instead). axe-core
comes from npm: ``MAPGEN_AXE_CORE`` names its ``axe.min.js`` (or the folder ``npm install
axe-core`` ran in); ``.ci/run`` installs it. ``MAPGEN_SCREENSHOTS=<folder>`` keeps full-page
screenshots and the printed PDFs there, to look at.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import itertools
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, pdf_page_count
from test_html import HOSTILE, hostile_plan

from mapgen.formats.html import render
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import load_plan
from mapgen.model.view import build_view

pytestmark = pytest.mark.slow
REVIEW = FIXTURES / "review.yaml"
WIDTHS = (390, 1280)
PAGES = ("en", "de", "hostile", "saas-internal", "blank")


def _absent(what: str):
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed, but CI must have it")
    pytest.skip(f"{what} not installed")


def axe_source() -> str | None:
    """axe-core's script: ``MAPGEN_AXE_CORE`` (the file, or a folder holding
    node_modules/axe-core), else the cache folder that .ci/run installs it into."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mapgen-axe"
    for place in filter(None, (os.environ.get("MAPGEN_AXE_CORE"), str(cache))):
        path = Path(place)
        for candidate in (path, path / "axe.min.js", path / "node_modules/axe-core/axe.min.js"):
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8")
    return None


@pytest.fixture(scope="module")
def browser():
    chromium = os.environ.get("MAPGEN_CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")
    driver_path = os.environ.get("MAPGEN_CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver_path:
        _absent("chromium and chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _absent("selenium")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--hide-scrollbars", "--lang=en-GB"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The pages looked at: the English and the German buyer's page of the review plan, a plan
    full of markup, the SaaS deal's internal page (kept notes, long texts) and a blank plan."""
    out = tmp_path_factory.mktemp("pages")
    made = dt.date(2027, 1, 20)

    def page(name: str, blueprint: str, plan: Path | None, audience: str = "buyer") -> Path:
        bp = load_blueprint(blueprint)
        view = build_view(bp, load_plan(plan, bp) if plan else None, audience=audience)
        path = out / f"{name}.html"
        path.write_text(render(dataclasses.replace(view, generated=made)), encoding="utf-8")
        return path

    return {"en": page("en", "map", REVIEW), "de": page("de", "map-de", REVIEW),
            "hostile": page("hostile", "map", hostile_plan(out)),
            "saas-internal": page("saas-internal", "saas", FIXTURES / "deal.yaml", "internal"),
            "blank": page("blank", "map", None)}


def show(driver, path: Path, width: int) -> None:
    """Open ``path`` in a viewport ``width`` px wide (a phone's below 600)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844 if width < 600 else 900, "deviceScaleFactor": 1,
        "mobile": width < 600})
    driver.get_log("performance")  # start the request log afresh
    driver.get(path.as_uri())


def keep(driver, name: str) -> None:
    """A full-page screenshot into MAPGEN_SCREENSHOTS, when set."""
    folder = os.environ.get("MAPGEN_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot",
                                  {"format": "png", "captureBeyondViewport": True})
    (Path(folder) / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_sideways_scrolling(browser, pages, name, width):
    show(browser, pages[name], width)
    sizes = browser.execute_script(
        "const d = document.documentElement;"
        "const clipped = e => { const h = e.closest('thead');"  # a phone's table headers: hidden
        "  return h && getComputedStyle(h).position === 'absolute'; };"
        "const wide = [...document.body.querySelectorAll('*')].filter(e => {"
        "  const r = e.getBoundingClientRect();"
        "  return r.width && r.right > d.clientWidth + 1 && !clipped(e);"
        "}).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right);"
        "return {scroll: d.scrollWidth, client: d.clientWidth, inner: innerWidth, wide: wide};")
    keep(browser, f"{name}-{width}")
    assert sizes["inner"] == width
    assert sizes["scroll"] <= sizes["client"] <= sizes["inner"], sizes
    assert sizes["wide"] == [], sizes["wide"][:5]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_buyer_reads_what_they_need(browser, pages, width):
    show(browser, pages["en"], width)
    text = browser.execute_script("return document.body.innerText")
    for expected in ("Prepared for Contoso", "Days to go-live", "Go-live: 1 Mar 2027",
                     "Next milestone", "Technical validation", "1 of 5 done (20%)",
                     "Needs attention (8)", "Legal review", "Stalled", "7 days late",
                     "Owner: Legal", "Sign-off", "Buyer's executive sponsor"):
        assert expected in text, expected
    # phone: a table row is a card whose cells carry their headers
    if width < 600:
        label = browser.execute_script(
            "const td = document.querySelector('section[aria-labelledby=section-phases] td');"
            "return getComputedStyle(td, '::before').content")
        assert label.strip('"') == "Phase"


def test_markup_in_the_data_is_shown_as_text_and_never_runs(browser, pages):
    show(browser, pages["hostile"], 1280)
    assert browser.execute_script("return window.__pwned") is None
    text = browser.execute_script("return document.body.innerText")
    assert "<script>window.__pwned=1</script>" in text and "{{ 7*7 }}" in text
    assert HOSTILE.split('"quoted"')[0] in text
    assert browser.execute_script("return document.images.length") == 0
    links = browser.execute_script(
        "return [...document.querySelectorAll('a[href]')].filter(a => !a.getAttribute('href')"
        ".startsWith('#')).map(a => [a.protocol, a.rel])")
    assert sorted(links) == [["https:", "noopener noreferrer"], ["mailto:", "noopener noreferrer"]]


def test_no_request_leaves_the_page(browser, pages, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                                      "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))
    (tmp_path / "acme.yaml").write_text("extends: map\nbranding:\n  company: Acme\n"
                                        "  logo: logo.png\n", encoding="utf-8")
    bp = load_blueprint(tmp_path / "acme.yaml")
    branded = tmp_path / "branded.html"
    branded.write_text(render(build_view(bp, load_plan(REVIEW, bp), audience="buyer")),
                       encoding="utf-8")
    for path in (pages["en"], pages["hostile"], branded):
        show(browser, path, 390)
        resources = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert resources == []
        requested = [m["params"]["request"]["url"] for m in
                     (json.loads(e["message"])["message"] for e in browser.get_log("performance"))
                     if m["method"] == "Network.requestWillBeSent"]
        assert [u for u in requested if u != path.as_uri() and not u.startswith("data:")] == []
    assert browser.execute_script("return document.images[0].naturalWidth") == 1  # the logo shows


def test_the_script_counts_days_to_go_live_from_the_readers_clock(browser, tmp_path):
    bp = load_blueprint("map")
    view = build_view(bp, load_plan(REVIEW, bp), audience="buyer")
    path = tmp_path / "old.html"
    path.write_text(render(dataclasses.replace(view, generated=dt.date(2026, 12, 1))),
                    encoding="utf-8")
    show(browser, path, 390)
    now = dt.date.fromisoformat(browser.execute_script(
        "const n = new Date(); return new Date(Date.UTC(n.getFullYear(), n.getMonth(), "
        "n.getDate())).toISOString().slice(0, 10)"))
    days = (dt.date(2027, 3, 1) - now).days
    shown = browser.execute_script(
        "return ['go-live-days', 'go-live-label', 'go-live-as-of'].map("
        "i => document.getElementById(i).textContent)")
    assert shown == [str(abs(days)), "Days to go-live" if days >= 0 else "Days since go-live",
                     "As of today"]


@pytest.mark.parametrize("name", ("en", "de"))
def test_prints_to_pdf_a_section_a_page(browser, pages, name, tmp_path):
    show(browser, pages[name], 1280)
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True,
                                                      "preferCSSPageSize": True})
    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    sections = browser.execute_script("return document.querySelectorAll('section.plan-section, "
                                      "section.signoff-section').length")
    assert sections == 9
    assert pdf_page_count(path) >= sections + 1  # the overview, then each section on its own
    folder = os.environ.get("MAPGEN_SCREENSHOTS")
    if folder:
        shutil.copy(path, Path(folder) / path.name)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violation(browser, pages, name, width):
    source = axe_source()
    if source is None:
        _absent("axe-core (npm install axe-core; MAPGEN_AXE_CORE names it)")
    show(browser, pages[name], width)
    browser.execute_script(source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then("
        "  r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        "    nodes: v.nodes.slice(0, 3).map(n => n.html)}))),"
        "  e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert bad == [], bad
    headings = browser.execute_script(
        "return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(headings))
    assert browser.execute_script("return document.documentElement.lang") in ("en", "de")
