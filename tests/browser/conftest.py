"""Fixtures for the browser tests: the built website, a local server, a page.

`make browser` (part of `make test`) installs Debian's Chromium, builds the website
with `make book` (whose MathJax / RequireJS / ipywidgets manager are npm copies shipped
in the site, so the published site and the tested one are the same build), then runs
`pytest tests/browser`. Run by hand, these tests skip with the reason when Chromium,
Playwright or the site is missing.

Fixtures
--------
test_site : Path of the built website (``_build/html``, or ``$LSTM_TEST_SITE``).
site_url : ``http://127.0.0.1:PORT/``, a local server of the test site (session).
browser : a headless Debian Chromium driven by Playwright (session).
page : a fresh Playwright page; ``page_log`` holds what went wrong while it was used:
    console errors, uncaught exceptions, failed requests, HTTP errors, and every request
    that tried to leave the site's server on 127.0.0.1 (blocked, and a problem: the site
    must load nothing from another host, not even localhost under another name).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
# LSTM_TEST_SITE: test another build (e.g. one made in /tmp while the shared _build is in use).
TEST_SITE = Path(os.environ.get("LSTM_TEST_SITE") or ROOT / "_build" / "html").resolve()
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# What a page may load besides its own server (http://127.0.0.1:PORT/): what the page makes itself.
PAGE_MADE = ("data:", "blob:", "about:")
# Requests a browser makes on its own, not because of the page (the book declares no icon).
BROWSER_REQUESTS = ("/favicon.ico",)
# What the site is built from: a newer file means the test site is stale.
SOURCES = ("_config.yml", "_toc.yml", "book/*.ipynb", "book/*.md", "lstm_tutorial/*.py")


@dataclass
class PageLog:
    """Everything that went wrong on a page; ``problems()`` lists it for an assertion message."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"uncaught exception: {m}" for m in self.page_errors]
            + [f"request failed: {m}" for m in self.failed_requests]
            + [f"HTTP error: {m}" for m in self.http_errors]
            + [f"request to the network (blocked): {m}" for m in self.external_requests]
        )


def _newest_source() -> tuple[float, str]:
    newest = (0.0, "")
    for pattern in SOURCES:
        for p in ROOT.glob(pattern):
            newest = max(newest, (p.stat().st_mtime, str(p.relative_to(ROOT))))
    return newest


@pytest.fixture(scope="session")
def test_site() -> Path:
    index = TEST_SITE / "index.html"
    if not index.is_file():
        pytest.skip(f"no website at {TEST_SITE}: run `make book` (or `make browser`)")
    mtime, name = _newest_source()
    if mtime > index.stat().st_mtime:
        warnings.warn(f"the website is older than {name}: run `make book` to rebuild it", stacklevel=1)
    return TEST_SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="session")
def site_url(test_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(test_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: a free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements.txt)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: run `make chromium` (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _is_local(url: str, site_url: str) -> bool:
    """A request to the site's own server (scheme, host and port), or data the page made."""
    return url.startswith((site_url, *PAGE_MADE))


def _by_browser(url: str) -> bool:
    return urlsplit(url).path in BROWSER_REQUESTS


@pytest.fixture
def page(browser: Any, page_log: PageLog, site_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)

    def route(r: Any) -> None:
        if _is_local(r.request.url, site_url):
            r.continue_()
        else:
            page_log.external_requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()

    def console(m: Any) -> None:
        if m.type == "error" and not _by_browser(m.location.get("url", "")):
            page_log.console_errors.append(f"{m.text} ({m.location.get('url')}:{m.location.get('lineNumber')})")

    def failed(req: Any) -> None:
        if _is_local(req.url, site_url) and not _by_browser(req.url):  # blocked external requests are reported above
            page_log.failed_requests.append(f"{req.url}: {req.failure}")

    def response(r: Any) -> None:
        if r.status >= 400 and not _by_browser(r.url):
            page_log.http_errors.append(f"{r.status} {r.url}")

    pg.on("console", console)
    pg.on("pageerror", lambda e: page_log.page_errors.append(f"{e}\n{getattr(e, 'stack', '') or ''}"[:2000]))
    pg.on("requestfailed", failed)
    pg.on("response", response)
    try:
        yield pg
    finally:
        context.close()
