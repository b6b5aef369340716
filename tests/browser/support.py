"""What the browser tests share: the server handle, signing in, axe, titles, the console."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Response

from config import TestConfig
from partnership.demo.accounts import DEMO_ACCOUNTS, DemoAccount
from partnership.policy import Role

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# The first demo account of each role (the county's team officer, not the island's).
ACCOUNTS: dict[Role, DemoAccount] = {}
for _account in DEMO_ACCOUNTS:
    ACCOUNTS.setdefault(_account.role, _account)

SCREENSHOTS = Path(__file__).parent / "screenshots"  # gitignored: for people to look at
SERVICE_NAME = TestConfig.SERVICE_NAME
TITLE_SUFFIX = f" \u2013 {SERVICE_NAME}"  # an en dash, as base.html has
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
# Colour contrast is most of axe's time (it measures every piece of text). Every page is
# walked as the team, with contrast; another role's walk reads the same templates and the
# same stylesheet with fewer buttons, so it leaves contrast to the team's.
WITHOUT_CONTRAST = {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
_AXE_SOURCE = Axe().axe_script
_AXE_LOADED = "() => typeof window.axe !== 'undefined'"


def load_axe_on_every_page(context: BrowserContext) -> None:
    """Have axe-core in every page the context opens (not sent again before each check)."""
    context.add_init_script(_AXE_SOURCE)


@dataclass
class LiveServer:
    """The running app: its base URL, the app itself and the demo accounts' ids."""

    url: str
    app: Flask
    user_ids: dict[str, int] = field(default_factory=dict)

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def sign_in(page: Page, server: LiveServer, email: str, password: str) -> None:
    """Sign in through the real form, as a person would."""
    page.goto(server("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page: Page, label: str, *, contrast: bool = True) -> list[str]:
    """Run axe-core on the page; describe each violation with the nodes it found."""
    if not page.evaluate(_AXE_LOADED):
        page.evaluate(_AXE_SOURCE)
    response = page.evaluate("(options) => axe.run(document, options)",
                             AXE_OPTIONS if contrast else WITHOUT_CONTRAST)
    problems = []
    for violation in response["violations"]:
        targets = "; ".join(
            " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
        )
        problems.append(
            f"{label}: axe {violation['id']} ({violation['impact']}): {violation['help']}"
            f" -> {targets}"
        )
    return problems


# Everything page_problems reads, in one round trip to the browser.
_PAGE_FACTS = """() => ({
    lang: document.documentElement.getAttribute("lang"),
    title: document.title,
    summaryLinks: Array.from(document.querySelectorAll(".govuk-error-summary a"), a => {
        const href = a.getAttribute("href") || "";
        return [href, href.startsWith("#") && document.getElementById(href.slice(1)) !== null];
    }),
})"""


def page_problems(page: Page, label: str, *, error_state: bool = False) -> list[str]:
    """Check the page's language, title and (on errors) its error summary."""
    facts = page.evaluate(_PAGE_FACTS)
    problems = []
    if facts["lang"] != "en":
        problems.append(f"{label}: <html lang> is {facts['lang']!r}, not 'en'")
    title = facts["title"]
    if not title.endswith(TITLE_SUFFIX) or not title.removesuffix(TITLE_SUFFIX).strip():
        problems.append(f"{label}: title {title!r} is not 'Page name{TITLE_SUFFIX}'")
    links = facts["summaryLinks"]
    if error_state:
        if not title.startswith("Error: "):
            problems.append(f"{label}: error page title {title!r} does not start 'Error: '")
        if not links:
            problems.append(f"{label}: no error summary with links")
    elif title.startswith("Error:") or links:
        problems.append(f"{label}: shows an error state it should not: {title!r}")
    for href, found in links:
        if not found:
            problems.append(f"{label}: error summary link {href!r} points at no field")
    if not error_state:
        problems += sideways_problems(page, label) + link_problems(page, label)
    return problems


# --- reflow and links, checked on every page of the accessibility walk ------------------------

NARROW = 320  # CSS pixels: a phone, or a 1280 px window zoomed to 400% (WCAG 1.4.10)
# What makes the page wider than the window, outermost first (inside a table's own scrolling
# region is fine: that region scrolls, the page does not).
_SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.body.querySelectorAll('*')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !el.closest('.app-table-scroll');
  });
  const outermost = wide.filter(el => !wide.some(other => other !== el && other.contains(el)));
  return {scrollWidth: document.documentElement.scrollWidth,
          culprits: outermost.slice(0, 3).map(el => el.tagName.toLowerCase()
            + (el.id ? '#' + el.id : '')
            + ' "' + (el.textContent || '').trim().slice(0, 40) + '"')};
}"""


def sideways_problems(page: Page, label: str) -> list[str]:
    """Lay the page out 320 px wide (no reload) and say if it then scrolls sideways."""
    size = page.viewport_size or {"width": 1280, "height": 720}
    page.set_viewport_size({"width": NARROW, "height": size["height"]})
    try:
        found = page.evaluate(_SIDEWAYS)
    finally:
        page.set_viewport_size(size)
    if found is None:
        return []
    return [f"{label}: scrolls sideways at {NARROW} px ({found['scrollWidth']} px wide): "
            f"{', '.join(found['culprits']) or 'a positioned element'}"]


# Each signed-in context follows every kind of link it is shown, a few of each: a link whose
# page answers 403 or 404 for the reader is a link the reader should not have been shown
# (partnership/pages/links.py). Files are left out: they are guarded by the same rules as
# their pages and fetching them would render documents.
LINKS_PER_KIND = 1
_FILES = re.compile(r"\.(pdf|csv|xlsx|ics|svg|png|zip)$|/download\b|^/evidence/\d+$")
_LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
_followed: dict[int, tuple[set[str], dict[str, int]]] = {}


def walking(context: BrowserContext, urls: list[str]) -> None:
    """Tell the link check which pages the walk loads itself (and checks the answer of), so
    it does not fetch them a second time."""
    seen, _kinds = _followed.setdefault(id(context), (set(), {}))
    seen.update(url.split("#")[0] for url in urls)


def link_problems(page: Page, label: str) -> list[str]:
    """Follow the page's links the reader has not yet followed; name those refused."""
    if "/sign-in" in page.url:
        return []
    seen, kinds = _followed.setdefault(id(page.context), (set(), {}))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    problems = []
    here = page.url.split("#")[0]
    for href in page.evaluate(_LINKS):
        url = urljoin(page.url, href).split("#")[0]
        if url == here:
            continue  # the page itself (a skip link): already loaded
        parts = urlsplit(url)
        if (not url.startswith(origin) or url in seen or _FILES.search(parts.path)
                or parts.path.startswith(("/static/", "/assets/", "/sign-out"))):
            continue
        seen.add(url)
        kind = re.sub(r"\d+", "N", parts.path)
        if kinds.get(kind, 0) >= LINKS_PER_KIND:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        status = page.context.request.get(url, max_redirects=0).status
        if status in (403, 404):
            problems.append(f"{label}: links to {parts.path} which answers {status}")
    return problems


def screenshot(page: Page, name: str) -> None:
    """Save the whole page as tests/browser/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@dataclass
class ConsoleWatch:
    """Collect a page's console messages and uncaught errors."""

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> ConsoleWatch:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        self.messages.append(f"{message.type}: {message.text}")

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "content security policy" in m.lower()]


# --- for journeys: a watched page, the main menu, banners, errors, dates -----------------

SUCCESS = ".govuk-notification-banner--success"


@dataclass
class Watch:
    """A page's console, and the responses that failed (4xx or 5xx)."""

    console: ConsoleWatch
    failed: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Watch:
        self.console.attach(page)
        page.on("response", self._on_response)
        return self

    def _on_response(self, response: Response) -> None:
        # Chromium's PDF viewer asks for /favicon.ico, which the service does not serve.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.failed.append(f"{response.status} {response.request.method} {response.url}")

    def assert_clean(self) -> None:
        console = self.console
        assert not console.csp_violations, "\n".join(console.csp_violations)
        assert not console.errors, "\n".join(console.errors)
        logged = [m for m in console.messages if m.startswith("error:")
                  and "Failed to load resource" not in m]  # those are in self.failed
        assert not logged, "\n".join(logged)
        assert not self.failed, "\n".join(self.failed)


def watched(context: BrowserContext) -> tuple[Page, Watch]:
    page = context.new_page()
    return page, Watch(ConsoleWatch()).attach(page)


def main_menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=name,
                                                                  exact=True).click()


def success(page: Page) -> Locator:
    return page.locator(SUCCESS)


def error_next_to(page: Page, field: Locator) -> Locator:
    """The GOV.UK form group (with its error message) that holds a field."""
    return page.locator(".govuk-form-group--error").filter(has=field)


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
