"""The offline site (make site), opened page by page in a real headless Chromium.

Needs Debian's `chromium` and `chromium-driver` packages (.ci/run installs them). Without them
this test is skipped with a message saying how to get them; the rest of the suite still runs.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import os

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402  (a script in tools/, not part of the helpers package)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if os.environ.get("REQUIRE_BROWSER") and not (CHROMIUM and CHROMEDRIVER):
    raise RuntimeError("REQUIRE_BROWSER is set (as in CI) but chromium/chromedriver are not installed")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="headless Chromium not found: install it to run the site test "
           "(Debian/Ubuntu: sudo apt-get install chromium chromium-driver); `make site` works without it")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build_site.build(out)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def expected_figures(nb) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "image/png" in o.get("data", {}))


def test_index_lists_every_notebook_in_order(site, browser):
    out, base = site
    browser.get(base + "index.html")
    assert "lstm-batching" in browser.title
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", "table a")]
    pages = [Path(urlparse(h).path).name for h in links]
    notebooks = sorted(p.with_suffix(".html").name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert pages == notebooks


def test_every_page_renders_title_figures_and_outputs_offline(site, browser):
    out, base = site
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        browser.get(base + path.with_suffix(".html").name)
        title = nb.cells[0].source.splitlines()[0].lstrip("# ").replace("`", "").strip()   # as rendered
        h1 = browser.find_element("css selector", "h1").text.replace("¶", "").strip()
        assert h1 == title, f"{path.name}: page heading {h1!r} != notebook title {title!r}"
        images = browser.find_elements("css selector", ".jp-OutputArea-output img")
        assert len(images) == expected_figures(nb), f"{path.name}: {len(images)} figures shown"
        broken = [i for i, img in enumerate(images)
                  if not browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)]
        assert not broken, f"{path.name}: figures {broken} did not render"
        outputs = browser.find_elements("css selector", ".jp-OutputArea-output")
        stored = sum(len(c.outputs) for c in nb.cells if c.cell_type == "code")
        assert len(outputs) >= min(stored, 1) and (stored == 0 or outputs), f"{path.name}: outputs missing"
        resources = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        external = [r for r in resources if not r.startswith((base, "data:"))]
        assert not external, f"{path.name}: the page loads from the network: {external}"


def test_no_link_between_pages_is_broken(site, browser):
    out, base = site
    for page in sorted(out.glob("*.html")):
        browser.get(base + page.name)
        for href in [a.get_attribute("href") for a in browser.find_elements("css selector", "a[href]")]:
            target = urlparse(urljoin(base + page.name, href))
            if target.scheme in ("http", "https") and target.netloc != urlparse(base).netloc:
                continue   # external references in the text (e.g. an issue thread) are not part of the site
            if target.path.endswith(".html") or target.path.endswith("/"):
                name = Path(target.path).name or "index.html"
                assert (out / name).exists(), f"{page.name}: link to {href} is broken"
