"""The HTML report as a reader sees it: headless Chromium, network off.

Needs Debian's ``chromium`` (``apt-get install chromium``; another binary can be
named by ``PROBSTATS_CHROMIUM``) and Playwright for Python (the ``test`` extra),
which drives that executable: Playwright's own browser download is not used.
Without either, every test here is skipped with a message saying which is
missing; none passes without a browser. ``.ci/run`` installs Chromium where apt
is available and then sets ``PROBSTATS_REQUIRE_BROWSER=1``, which turns a skip
into a failure.

Set ``PROBSTATS_SCREENSHOTS`` to a folder to keep the screenshots (the ones in
``docs/`` were made this way).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from _report import report_path

#: Launch flags that work on a machine without a display or outside network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    named = os.environ.get("PROBSTATS_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()
#: Set by ``.ci/run`` once it has installed Chromium: a missing browser is then a failure.
REQUIRED = os.environ.get("PROBSTATS_REQUIRE_BROWSER") == "1"
NO_CHROMIUM = (
    "browser tests skipped: Chromium is not installed (Debian: apt-get install chromium; "
    "or set PROBSTATS_CHROMIUM to a Chromium binary)"
)

pytestmark = pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.fail(NO_CHROMIUM.replace("skipped", "required (PROBSTATS_REQUIRE_BROWSER=1)"))
    if REQUIRED:
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip(
            "playwright.sync_api",
            reason="browser tests skipped: Playwright for Python is not installed "
            "(pip install -e '.[test]')",
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def loaded(browser):
    """The report, opened with every request other than the file itself refused."""
    url = report_path().resolve().as_uri()
    page = browser.new_page()
    log = {"console": [], "failed": [], "blocked": [], "errors": []}

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:
            log["blocked"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: log["console"].append(f"{m.type}: {m.text}"))
    page.on("requestfailed", lambda r: log["failed"].append(r.url))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.goto(url, wait_until="load")
    yield page, log
    page.close()


def _non_blank(png: bytes) -> float:
    """Share of pixels that are not the background white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return 1 - histogram[255] / sum(histogram)


def test_loads_offline_without_console_errors_or_requests(loaded):
    page, log = loaded
    assert page.title().startswith("Probation staffing")
    assert [m for m in log["console"] if m.startswith(("error", "warning"))] == []
    assert log["errors"] == [] and log["failed"] == [] and log["blocked"] == []


def test_every_image_has_alt_text_or_a_title(loaded):
    page, _ = loaded
    missing = page.evaluate(
        """() => {
        const out = [];
        for (const img of document.querySelectorAll('img')) {
            if (!(img.getAttribute('alt') || '').trim()) out.push('img ' + img.src.slice(0, 60));
        }
        for (const svg of document.querySelectorAll('svg')) {
            if (svg.parentElement.closest('svg')) continue;  // nested: part of its figure
            const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
            const named = ids.map(i => document.getElementById(i))
                .filter(e => e && e.textContent.trim());
            const title = svg.querySelector(':scope > title');
            if (!named.length && !(title && title.textContent.trim())) out.push('svg ' + svg.id);
        }
        return out;
    }"""
    )
    assert missing == []
    assert page.evaluate("document.querySelectorAll('figure svg').length") >= 8


def test_contents_links_resolve(loaded):
    page, _ = loaded
    broken = page.evaluate(
        """() => Array.from(document.querySelectorAll('nav.contents a'))
            .map(a => a.getAttribute('href'))
            .filter(h => !h.startsWith('#') || !document.getElementById(h.slice(1)))"""
    )
    assert broken == []
    assert page.evaluate("document.querySelectorAll('nav.contents a').length") > 10


def test_headings_are_in_order(loaded):
    page, _ = loaded
    levels = page.evaluate(
        "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
    )
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_text_has_enough_contrast(loaded):
    """Every visible text against its first opaque background: at least 4.5:1 (WCAG AA)."""
    page, _ = loaded
    failures = page.evaluate(
        """() => {
        const lum = c => {
            const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
                .map(x => x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
        };
        const opaque = c => !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent';
        const out = [];
        for (const el of document.body.querySelectorAll('*')) {
            if (el.closest('svg')) continue;  // figures are checked by the house style
            const text = Array.from(el.childNodes)
                .some(n => n.nodeType === 3 && n.textContent.trim());
            if (!text || !el.offsetParent && el.tagName !== 'BODY') continue;
            let bg = 'rgb(255, 255, 255)';
            for (let a = el; a; a = a.parentElement) {
                const c = getComputedStyle(a).backgroundColor;
                if (opaque(c)) { bg = c; break; }
            }
            const fg = getComputedStyle(el).color;
            const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
            const ratio = (l1 + 0.05) / (l2 + 0.05);
            if (ratio < 4.5) out.push(`${el.tagName} ${fg} on ${bg}: ${ratio.toFixed(2)}`);
        }
        return out.slice(0, 10);
    }"""
    )
    assert failures == []


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_screenshot_is_not_blank_and_page_does_not_overflow(loaded, width):
    page, _ = loaded
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than a {width}px screen"
    png = page.screenshot(full_page=False)
    assert _non_blank(png) > 0.02, "screenshot is blank"
    keep = os.environ.get("PROBSTATS_SCREENSHOTS")
    if keep and width in (1280, 390):
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"report-{width}px.png").write_bytes(png)


def test_prints_to_pdf_without_overflow(loaded):
    page, _ = loaded
    page.emulate_media(media="print")
    try:
        page.set_viewport_size({"width": 680, "height": 1000})  # A4 text width at 96 dpi
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        assert (
            page.evaluate("getComputedStyle(document.querySelector('nav.contents')).display")
            == "none"
        )
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 5
