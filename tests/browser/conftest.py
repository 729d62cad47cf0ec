"""Real-browser journeys: Playwright for Python driving Debian's Chromium against live_server.

Never downloads a browser: Chromium comes from apt (`apt-get install chromium`, done by .ci/run).
Without it the journeys skip locally and fail under CI=true.

Fixtures:
- ``browser`` (session): one Chromium for the whole run.
- ``page``: a fresh context (1280x800) with tracing; a failing test keeps its trace in
  ``artifacts/traces/<test>.zip`` (open with ``playwright show-trace``).
- ``new_page``: more pages in their own contexts (a second person in the same journey).
- ``axe_check(page)``: axe-core on the current page, 0 serious/critical violations.
- ``screenshot(page, name)``: ``artifacts/screenshots/<name>-desktop.png`` and ``-phone.png``.
- ``login_as(page, user)``: a session cookie for ``user``, no login form round trip.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import service_missing
from tests.support.fake_stripe import fake_stripe  # noqa: F401  (a fixture for the paid join)

# Playwright's sync API runs an asyncio loop in this thread; the test bodies still make
# ordinary ORM calls (factories, assertions), which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
BROWSER_DIR = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        # Every journey runs against live_server (a transactional database) and needs the
        # library, phases and categories that data migrations seed. A transactional test
        # without serialized rollback flushes and re-creates content types under new ids,
        # which then clash with the next serialized test's restore: so all of them restore.
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Lets fixtures see at teardown whether the test body failed.
    setattr(item, f"rep_{report.when}", report)
    return report


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:120]


@pytest.fixture(scope="session")
def _serialized_contents_for_every_connection(django_db_setup, django_db_blocker):
    """Playwright's sync API runs an event loop on this thread, so Django hands the test body a
    fresh (context-local) connection wrapper that lacks the data serialized when the test
    database was created: serialized rollback would then silently restore nothing after an
    earlier transactional test flushed the seeded library and phases. Share it with them all."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture(scope="session")
def _playwright(_serialized_contents_for_every_connection):
    executable = shutil.which("chromium")
    if not executable:
        service_missing("needs Debian's Chromium: apt-get install -y chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)  # CI machines can be busy
    manager = sync_playwright().start()
    try:
        yield manager, executable
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(_playwright):
    manager, executable = _playwright
    chromium = manager.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def new_page(request, browser, live_server):
    """Open pages in fresh, traced browser contexts; traces are kept only on failure."""
    contexts = []

    def open_page(*, viewport: dict | None = None):
        context = browser.new_context(
            viewport=viewport or DESKTOP, base_url=live_server.url, locale="en-GB"
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.tracing.start(screenshots=True, snapshots=True, sources=False)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    base = _safe_name(request.node.name)
    for index, context in enumerate(contexts):
        if failed:
            suffix = "" if index == 0 else f"-{index + 1}"
            path = ARTIFACTS / "traces" / f"{base}{suffix}.zip"
            path.parent.mkdir(parents=True, exist_ok=True)
            context.tracing.stop(path=str(path))
        else:
            context.tracing.stop()
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def login_as(live_server):
    """Give a page's context a logged-in session for ``user`` (no login form needed)."""
    from django.conf import settings
    from django.test import Client

    def log_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return log_in


def _describe(violation: dict) -> str:
    targets = ", ".join(
        " ".join(str(part) for part in node.get("target", [])) for node in violation["nodes"][:5]
    )
    return (
        f"  [{violation['impact']}] {violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])} node(s): {targets}) {violation.get('helpUrl', '')}"
    )


@pytest.fixture(scope="session")
def _axe():
    from axe_playwright_python.base import AxeResults
    from axe_playwright_python.sync_playwright import Axe

    class OncePerDocumentAxe(Axe):
        """axe-core is sent into a document once, not before every check (its 570 KB script
        was a quarter of a check's time); a navigation starts a document without it."""

        def run(self, page, context=None, options=None) -> AxeResults:
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.evaluate(self.axe_script)
            args = self._format_script_args(
                context=context, options=options or {"resultTypes": ["violations"]}
            )
            return AxeResults(page.evaluate(f"axe.run({args}).then(results => results)"))

    return OncePerDocumentAxe()


# What the browser says when a check meets a document being replaced: a click on a link
# returns before the next page has committed, so the check may start on the old one.
_NAVIGATION_RACE = ("Execution context was destroyed", "documentElement", "navigat")


def _run_on_settled_document(axe, page, *, context, attempts: int = 4):
    """Run axe on the page once it has loaded, starting again if a navigation replaces the
    document under the check (every check after a click would otherwise be a coin toss)."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(attempts):
        page.wait_for_load_state("load")
        try:
            return axe.run(page, context=context)
        except PlaywrightError as error:
            raced = any(sign in str(error) for sign in _NAVIGATION_RACE)
            if not raced or attempt == attempts - 1:
                raise
            page.wait_for_timeout(100)
    raise AssertionError("unreachable")


@pytest.fixture
def axe_check(_axe):
    """Run axe-core on the page as it is now; fail on serious or critical violations."""

    def check(page, *, context: str | None = None) -> list[dict]:
        results = _run_on_settled_document(_axe, page, context=context)
        violations = results.response["violations"]
        blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
        minor = [v for v in violations if v.get("impact") not in BLOCKING_IMPACTS]
        if minor:
            print(f"axe (not blocking) on {page.url}:")
            print("\n".join(_describe(v) for v in minor))
        assert not blocking, f"axe on {page.url}: serious/critical violations:\n" + "\n".join(
            _describe(v) for v in blocking
        )
        return violations

    return check


@pytest.fixture
def screenshot():
    """Save the page at desktop (1280 px) and phone (390 px) widths, full height."""

    def shoot(page, name: str) -> None:
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size or DESKTOP
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(folder / f"{_safe_name(name)}-desktop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(folder / f"{_safe_name(name)}-phone.png"), full_page=True)
        page.set_viewport_size(original)

    return shoot
