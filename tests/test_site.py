"""The course site (`make site`, Jupyter Book 1.x from book/), built and opened in headless Chromium.

The site is built from the committed notebooks (never re-executed) into a temporary folder, served
on 127.0.0.1, and every page is opened in Debian's `chromium` through `chromedriver` with every
host but localhost unresolvable. Checked: no request leaves localhost, the table of contents follows
the learning order, search finds a term and lands on the right page, no internal link or anchor is
broken, solutions stay hidden until their toggle is pressed, deliberate errors show a short
traceback, outputs carry no progress-bar debris, the phone layout (390 px) never scrolls sideways,
launch and download links point where they should, every figure has real alt text, and axe-core
finds no serious or critical accessibility violation.

The build-and-browser tests are marked `site`: `make site-test` runs them (CI does, after `make test`;
they take 60-90 s on 2 cores, so `make test` keeps only the checks of the notebooks' alt text).
Without chromium/chromedriver (or without the [site] extra) the browser tests are skipped with a
message; REQUIRE_BROWSER=1 (set by .ci/run) turns a missing browser into a failure.
Set SITE_SCREENSHOTS=/some/folder to also save desktop and phone screenshots of three pages.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
CONFIG = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
PHONE_WIDTH = 390
SEARCH_TERM, SEARCH_PAGE = "drop_remainder", "notebooks/03_batching_with_tf_data.html"

if os.environ.get("REQUIRE_BROWSER") and not (CHROMIUM and CHROMEDRIVER and JUPYTER_BOOK.exists()):
    raise RuntimeError(
        "REQUIRE_BROWSER is set (as in CI) but chromium/chromedriver or jupyter-book "
        "(the [site] extra) is not installed"
    )


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def figure_cells(nb) -> list:
    return [
        c
        for c in nb.cells
        if c.cell_type == "code" and any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
    ]


# ---------------------------------------------------------------------------------------------
# Without a browser


def test_site_config_uses_the_one_repository_url():
    assert CONFIG["repository"]["url"] == REPOSITORY, (
        "book/_config.yml repository.url must equal pyproject.toml [project.urls] Repository"
    )
    assert CONFIG["repository"]["branch"] == "main"
    assert CONFIG["execute"]["execute_notebooks"] == "off", "the site shows the committed outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text_in_the_notebook(path):
    """myst-nb turns cell metadata `mystnb.image.alt` into the figure's HTML alt attribute."""
    nb = nbformat.read(path, as_version=4)
    missing = []
    for cell in figure_cells(nb):
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        if len(alt.split()) < 6:
            missing.append(cell.source.splitlines()[0][:60])
    assert not missing, (
        f"{path.name}: figure cells without alt text (a sentence saying what the figure "
        f"shows, in cell metadata mystnb.image.alt): {missing}"
    )


# ---------------------------------------------------------------------------------------------
# The built site, in a browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not JUPYTER_BOOK.exists():
        pytest.skip("jupyter-book not installed: `make` installs it (the [site] extra of pyproject.toml)")
    out = tmp_path_factory.mktemp("book")
    started = time.perf_counter()
    build = subprocess.run(
        [
            str(JUPYTER_BOOK),
            "build",
            str(ROOT),
            "--config",
            "book/_config.yml",
            "--toc",
            "book/_toc.yml",
            "--path-output",
            str(out),
            "-W",
            "--keep-going",
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    html = out / "_build" / "html"
    assert build.returncode == 0, (
        f"jupyter-book build failed or warned:\n{build.stdout[-4000:]}\n{build.stderr[-4000:]}"
    )
    print(f"\nsite built in {time.perf_counter() - started:.1f} s")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: a page's dozen scripts and styles on one connection

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield html, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "headless Chromium not found: install it to run the site test "
            "(Debian/Ubuntu: sudo apt-get install chromium chromium-driver); `make site` works without it"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        # nothing but localhost resolves: a page that reaches out fails here, and is reported below
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (Chrome DevTools network log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def set_width(driver, width: int | None):
    """Emulate a phone (mobile viewport, touch) at `width` CSS pixels, or go back to the desktop window."""
    if width is None:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 844, "deviceScaleFactor": 2, "mobile": True},
        )


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k in ("id", "name") and v)


@functools.cache
def anchors(path: Path) -> frozenset[str]:
    parser = Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def pages(html: Path) -> list[str]:
    return sorted(
        p.relative_to(html).as_posix() for p in html.rglob("*.html") if not p.relative_to(html).parts[0].startswith("_")
    )


@pytest.fixture(scope="module")
def visited(site, browser):
    """Open every page once at desktop and once at phone width; record what the checks need."""
    html, base = site
    browser.get("about:blank")
    requested_urls(browser)  # drop what the browser did before (its own new-tab page)
    seen = {}
    for page in pages(html):
        record = {}
        browser.get(base + page)
        record["links"] = browser.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.href)")
        record["viewport"] = browser.execute_script(
            "const m = document.querySelector('meta[name=viewport]'); return m && m.content"
        )
        record["figure_alts"] = browser.execute_script(
            "return [...document.querySelectorAll('main .cell_output img')].map(i => i.getAttribute('alt') || '')"
        )
        set_width(browser, PHONE_WIDTH)  # the layout reflows at once, no reload needed
        record["phone_overflow"] = browser.execute_script(
            "const d = document.documentElement;"
            "return Math.max(d.scrollWidth, document.body ? document.body.scrollWidth : 0) - d.clientWidth"
        )
        record["phone_scrolling_blocks"] = browser.execute_script(
            "const b = [...document.querySelectorAll('.cell_input pre, .cell_output pre')]"
            "  .filter(e => e.offsetParent !== null);"
            "return [b.filter(e => e.scrollWidth > e.clientWidth + 1).length, b.length]"
        )
        set_width(browser, None)
        record["requests"] = requested_urls(browser)
        seen[page] = record
    return seen


@pytest.mark.site
def test_no_request_leaves_localhost(site, visited):
    _html, base = site
    assert len(visited) >= len(NOTEBOOKS) + 3
    outside = {
        page: sorted({u for u in r["requests"] if not u.startswith((base, "data:", "blob:", "about:", "chrome:"))})
        for page, r in visited.items()
    }
    outside = {page: urls for page, urls in outside.items() if urls}
    assert not outside, f"pages that load from the network: {outside}"


@pytest.mark.site
def test_no_internal_link_or_anchor_is_broken(site, visited):
    html, base = site
    broken = []
    for page, record in visited.items():
        for href in record["links"]:
            target = urlparse(urljoin(base + page, href))
            if f"{target.scheme}://{target.netloc}/" != base:
                continue  # launch links, the repository, references in the text
            path = html / (target.path.lstrip("/") or "index.html")
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page}: {href}")
            elif target.fragment and path.suffix == ".html" and target.fragment not in anchors(path):
                broken.append(f"{page}: {href} (no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(broken)


@pytest.mark.site
def test_phone_layout_never_scrolls_sideways(visited):
    no_viewport = [page for page, r in visited.items() if "width=device-width" not in (r["viewport"] or "")]
    assert not no_viewport, f"pages without a mobile viewport: {no_viewport}"
    wide = {page: r["phone_overflow"] for page, r in visited.items() if r["phone_overflow"] > 1}
    assert not wide, f"pages wider than a {PHONE_WIDTH} px phone (extra px): {wide}"
    scrolling, blocks = map(sum, zip(*(r["phone_scrolling_blocks"] for r in visited.values()), strict=False))
    print(f"\nat {PHONE_WIDTH} px, {scrolling} of {blocks} code/output blocks scroll inside their own box")


@pytest.mark.site
def test_table_of_contents_follows_the_learning_order(site, browser):
    _html, base = site
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base)  # index.html redirects to the landing page, the README
    heading = WebDriverWait(browser, 20).until(lambda d: d.find_elements("css selector", "article h1"))[0]
    assert browser.current_url.endswith("/README.html")
    readme_title = (ROOT / "README.md").read_text().splitlines()[0].lstrip("# ").replace("`", "")
    assert heading.text.replace("#", "").strip() == readme_title
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('.bd-sidebar-primary nav.bd-links a.reference')]"
        ".map(a => new URL(a.href).pathname)"
    )
    expected = (
        ["/README.html"]
        + [f"/notebooks/{p.stem}.html" for p in NOTEBOOKS]
        + ["/docs/INSTRUCTOR.html", "/docs/AUTHORING.html"]
    )
    assert hrefs == expected


@pytest.mark.site
def test_search_finds_a_term_and_lands_on_its_page(site, browser):
    _html, base = site
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{base}search.html?q={SEARCH_TERM}")
    WebDriverWait(browser, 20).until(lambda d: "found" in d.find_element("css selector", "#search-results").text)
    results = browser.find_elements("css selector", "#search-results ul.search > li")
    found = [urlparse(li.find_element("css selector", "a").get_attribute("href")).path for li in results]
    assert "/" + SEARCH_PAGE in found, f"search for {SEARCH_TERM!r} found {found}"
    hit = results[found.index("/" + SEARCH_PAGE)]
    assert SEARCH_TERM in hit.find_element("css selector", ".highlighted").text, "no excerpt with the term"
    hit.find_element("css selector", "a").click()
    WebDriverWait(browser, 20).until(lambda d: urlparse(d.current_url).path == "/" + SEARCH_PAGE)
    assert SEARCH_TERM in browser.find_element("css selector", "article").text


@pytest.mark.site
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_page(site, browser, path):
    """Title, figures, launch and download links, hidden solutions, short tracebacks, clean outputs."""
    from selenium.webdriver.support.ui import WebDriverWait

    html, base = site
    nb = nbformat.read(path, as_version=4)
    page = f"notebooks/{path.stem}.html"
    browser.get(base + page)
    find = functools.partial(browser.find_elements, "css selector")

    title = nb.cells[0].source.splitlines()[0].lstrip("# ").replace("`", "").strip()
    assert find("article h1")[0].text.replace("#", "").strip() == title
    features = {
        "sidebar of pages": ".bd-sidebar-primary nav.bd-links",
        "search": ".search-button-field",
        "dark mode switch": ".theme-switch-button",
        "copy buttons": ".cell_input button.copybtn",
    }
    if sum(line.startswith("## ") for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()) > 1:
        features["page contents"] = ".bd-sidebar-secondary .page-toc .toc-entry"
    for what, selector in features.items():
        assert find(selector), f"{page}: no {what} ({selector})"

    images = find("main .cell_output img")
    assert len(images) == len(figure_cells(nb)), f"{page}: {len(images)} figures shown"
    for img in images:
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)

    org_repo = urlparse(REPOSITORY).path.strip("/")
    launch = {a.get_attribute("href") for a in find(".dropdown-launch-buttons a")}
    lab = CONFIG["sphinx"]["config"]["course_local_lab_url"]
    assert {
        f"{lab}/{path.name}",
        f"https://mybinder.org/v2/gh/{org_repo}/main?urlpath=lab/tree/notebooks/{path.name}",
        f"https://colab.research.google.com/github/{org_repo}/blob/main/notebooks/{path.name}",
    } <= launch, launch
    download = [
        a.get_attribute("href")
        for a in find(".dropdown-download-buttons a")
        if ".ipynb" in (a.get_attribute("href") or "")
    ]
    assert download, f"{page}: no .ipynb download"
    assert (html / urlparse(download[0]).path.lstrip("/")).read_bytes() == path.read_bytes()

    # Solutions: present, collapsed, and neither their code nor their output is visible until asked for.
    solution_cells = [c for c in nb.cells if "solution" in tags(c)]
    shown = find(".cell.tag_solution")
    assert len(shown) == len(solution_cells), f"{page}: {len(shown)} of {len(solution_cells)} solutions rendered"
    for cell in shown:
        visible = [e for e in cell.find_elements("css selector", ".cell_input, .cell_output") if e.is_displayed()]
        assert not visible, f"{page}: a solution is visible before its toggle: {visible[0].text[:80]!r}"
    if shown:
        toggle = shown[0].find_element("css selector", "summary, button")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", toggle)
        assert "solution" in toggle.text.lower(), f"{page}: the toggle reads {toggle.text!r}"
        toggle.click()
        WebDriverWait(browser, 5).until(
            lambda d: shown[0].find_element("css selector", ".cell_input").is_displayed(),
            message=f"{page}: the solution toggle does not open",
        )
        assert "Solution" in shown[0].find_element("css selector", ".cell_input").text

    # Cells that fail on purpose show their error, in a few lines and without paths.
    for cell in find(".cell.tag_raises-exception"):
        error = cell.find_element("css selector", ".cell_output").text
        assert "Error" in error and "site-packages" not in error and len(error.splitlines()) <= 12, (
            f"{page}: a deliberate error's traceback is long or has paths:\n{error[:600]}"
        )

    text = browser.execute_script(
        "return [...document.querySelectorAll('.cell_output')].map(e => e.textContent).join('\\n')"
    )
    debris = sorted({repr(c) for c in ("\x08", "\r", "\x1b[", "[0m", "[1m") if c in text})
    assert not debris, f"{page}: progress-bar debris in the outputs: {debris}"


@pytest.mark.site
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text_on_the_page(visited, path):
    """The alt text reaches the page (myst-nb's default alt is the image's file name)."""
    alts = visited[f"notebooks/{path.stem}.html"]["figure_alts"]
    bad = [a for a in alts if len(a.split()) < 6 or a.endswith(".png")]
    assert not bad, f"{path.name}: {len(bad)} of {len(alts)} figures have no real alt text on the page: {bad}"


@functools.cache
def axe_source() -> str:
    """axe-core from the pinned axe-core-python package; SITE_AXE_JS=<axe.min.js> runs another release."""
    if os.environ.get("SITE_AXE_JS"):
        return Path(os.environ["SITE_AXE_JS"]).read_text(encoding="utf-8")
    spec = importlib.util.find_spec("axe_core_python")
    if spec is None:
        pytest.skip("axe-core-python not installed: `make` installs it (the [site] extra)")
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


# axe takes about 2 s on a notebook page, so by default it checks one page of each kind, in light
# and dark mode: the pages share one template, and figures' alt text is checked on every page above.
# SITE_AXE_ALL=1 checks every page.
AXE_PAGES = {"README.html": ("light", "dark"), SEARCH_PAGE: ("light", "dark"), "docs/INSTRUCTOR.html": ("light",)}


@pytest.mark.site
def test_no_serious_accessibility_violation(site, browser):
    html, base = site
    browser.set_script_timeout(120)
    found = []
    checked = (
        {p: ("light", "dark") for p in pages(html) if p not in ("index.html", "genindex.html")}
        if os.environ.get("SITE_AXE_ALL")
        else AXE_PAGES
    )
    for page, modes in checked.items():
        for mode in modes:
            browser.get(base + page)
            # switch the theme with its colour transitions off, so axe sees the final colours
            browser.execute_script(
                "const s = document.createElement('style');"
                "s.textContent = '*, *::before, *::after { transition: none !important; }';"
                f"document.head.append(s); document.documentElement.dataset.theme = '{mode}'"
            )
            browser.execute_script(axe_source())
            result = browser.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                # label-in-name (WCAG 2.5.3) is on by default from axe-core 4.5; the pinned 4.4 has it as experimental
                "axe.run(document, {resultTypes: ['violations'], "
                "rules: {'label-content-name-mismatch': {enabled: true}}})"
                ".then(r => done(r.violations.map("
                "  v => ({id: v.id, impact: v.impact, help: v.help, "
                "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
            )
            found += [
                f"{page} ({mode}): {v['impact']} {v['id']}: {v['help']} at {v['nodes']}"
                for v in result
                if v["impact"] in ("serious", "critical")
            ]
    assert not found, "axe-core violations:\n" + "\n".join(found)


@pytest.mark.site
def test_screenshots(site, browser):
    """Only with SITE_SCREENSHOTS=<folder>: desktop and phone shots of three pages, to look at."""
    folder = os.environ.get("SITE_SCREENSHOTS")
    if not folder:
        pytest.skip("set SITE_SCREENSHOTS=<folder> to save screenshots")
    _html, base = site
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    shots = {
        "landing": "README.html",
        "figure": "notebooks/01_the_3d_input_tensor.html",
        "exercise": "notebooks/03_batching_with_tf_data.html",
    }
    for name, page in shots.items():
        for label, width in (("desktop", None), ("phone", PHONE_WIDTH)):
            set_width(browser, width)
            browser.get(base + page)
            if name == "figure":
                browser.execute_script("document.querySelector('main .cell_output img').scrollIntoView()")
            if name == "exercise":
                browser.execute_script("document.querySelector('.cell.tag_solution').scrollIntoView({block: 'center'})")
            time.sleep(0.3)
            browser.save_screenshot(str(out / f"{name}_{label}.png"))
    set_width(browser, None)
