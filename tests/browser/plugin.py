"""Playwright plumbing for the browser tests (marked ``@pytest.mark.browser``): a pytest plugin.

Registered from the root conftest.py (``pytest_plugins = ["tests.browser.plugin"]``) so that its
terminal summary hook and its setup hook apply to the whole run, whatever paths are selected.

Chromium comes from the system (Debian's ``chromium`` package, or ``CHROMIUM_PATH``); Playwright
never downloads a browser of its own. Without Chromium the browser tests are skipped locally and a
plain line says so at the end of the run; when ``CI`` is set they fail instead, so CI can never go
green without having driven a browser.

Pages only ever reach the live test server: every other request (map tiles, fonts, CDNs) is aborted.

While Playwright runs, its sync API keeps an asyncio event loop running in the test thread, and
Django's ORM refuses to run there ("You cannot call this from an async context") unless
DJANGO_ALLOW_ASYNC_UNSAFE is set. The ``browser`` fixture sets it only while Chromium is up, and the
browser tests run last, so every other test keeps Django's async-safety check, and subprocesses
started by other tests (``manage.py check --deploy`` flags the variable) never inherit it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
DEFAULT_TIMEOUT_MS = 15_000
ARTIFACTS_DIR = "test-artifacts"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def _find_chromium() -> tuple[str | None, str]:
    """Return (path, how it was found) or (None, why not)."""
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    if configured:
        resolved = shutil.which(configured)
        if resolved:
            return resolved, "CHROMIUM_PATH"
        return None, f"CHROMIUM_PATH={configured!r} is not an executable file"
    for name in ("chromium", "chromium-browser"):
        resolved = shutil.which(name)
        if resolved:
            return resolved, "PATH"
    return None, "neither chromium nor chromium-browser is on PATH and CHROMIUM_PATH is not set"


@dataclass
class _BrowserState:
    path: str | None
    found_by: str
    version: str = ""
    selected: int = 0
    screenshots: list[str] = field(default_factory=list)


_path, _how = _find_chromium()
STATE = _BrowserState(path=_path, found_by=_how)


def _missing_message() -> str:
    return (
        f"未找到 Chromium（apt-get install chromium）/ no Chromium found: {STATE.found_by}. "
        "Install Debian's chromium package or set CHROMIUM_PATH."
    )


def _require_chromium() -> str:
    if STATE.path is None:
        if _ci():
            pytest.fail(f"CI is set, so browser tests must run: {_missing_message()}", pytrace=False)
        pytest.skip(_missing_message())
    return STATE.path


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last (keeping their order): see the module docstring."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, under CI, fail) browser tests before any fixture such as live_server starts."""
    if item.get_closest_marker("browser") is None:
        return
    STATE.selected += 1
    _require_chromium()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Keep each phase's report on the item, so page fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if STATE.selected == 0:
        return
    count = f"{STATE.selected} test{'' if STATE.selected == 1 else 's'}"
    if STATE.path is None:
        if _ci():
            terminalreporter.write_sep(
                "=",
                f"浏览器测试失败：CI 中未找到 Chromium / browser tests FAILED: no Chromium found under CI "
                f"({count})",
                red=True,
                bold=True,
            )
        else:
            terminalreporter.write_sep(
                "=",
                f"浏览器测试已跳过：未找到 Chromium（apt-get install chromium）/ "
                f"browser tests SKIPPED: no Chromium found ({count})",
                yellow=True,
                bold=True,
            )
        return
    version = f" {STATE.version}" if STATE.version else ""
    terminalreporter.write_sep(
        "=",
        f"浏览器测试已运行 / browser tests ran ({count}): {STATE.path}{version} (found via {STATE.found_by})",
        green=True,
    )
    for path in STATE.screenshots:
        terminalreporter.write_line(f"  screenshot: {path}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = _require_chromium()
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            STATE.version = launched.version
            try:
                yield launched
            finally:
                launched.close()
    finally:
        # The event loop is gone once Playwright stops, so the ORM is safe again without the variable.
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def base_url(live_server: Any) -> str:
    return str(live_server.url)


def _only_live_server(base: str) -> Any:
    """A route handler that lets through requests to the live server and aborts everything else."""
    live = urlsplit(base)
    live_port = live.port

    def handle(route: Route) -> None:
        url = urlsplit(route.request.url)
        same_host = url.hostname == live.hostname or url.hostname in LOOPBACK_HOSTS
        if url.scheme in {"http", "https"} and same_host and url.port == live_port:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    return handle


def _new_context(browser: Browser, base: str, **options: Any) -> BrowserContext:
    context = browser.new_context(
        base_url=base,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        **options,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.route("**/*", _only_live_server(base))
    return context


def _artifact_path(request: pytest.FixtureRequest, suffix: str) -> Path:
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_") or "test"
    directory = request.config.rootpath / ARTIFACTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{name}{suffix}.png"


def _screenshot_if_failed(request: pytest.FixtureRequest, page: Page, suffix: str) -> None:
    failed = any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call")
    )
    if not failed:
        return
    path = _artifact_path(request, suffix)
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # a broken page must not hide the real failure
        print(f"could not save screenshot {path}: {exc}")
        return
    STATE.screenshots.append(str(path))


@pytest.fixture
def phone_page(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = _new_context(browser, base_url, **PHONE)
    page = context.new_page()
    try:
        yield page
        _screenshot_if_failed(request, page, "")
    finally:
        context.close()


@pytest.fixture
def desktop_page(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = _new_context(browser, base_url, **DESKTOP)
    page = context.new_page()
    # Both fixtures in one test: the phone keeps <test-name>.png, the desktop gets a suffix.
    suffix = "-desktop" if "phone_page" in request.fixturenames else ""
    try:
        yield page
        _screenshot_if_failed(request, page, suffix)
    finally:
        context.close()
