"""Keyboard use: skip link first, every control reachable with visible focus, no trap;
and pointer targets at least 24 by 24 CSS pixels (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7, 2.5.8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from partnership.policy import Role
from tests.browser.support import LiveServer

pytestmark = pytest.mark.browser

# Tag every control a keyboard user should reach, in document order; how each looks
# unfocused is compared later with how it looks focused.
MARK_FOCUSABLE = """() => {
  const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const controls = [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length > 0 && !el.closest('[hidden], [inert]'))
    // Tab stops once in a radio group (arrow keys move within it): on the checked radio,
    // or the first when none is checked.
    .filter(el => {
      if (el.type !== 'radio') return true;
      const group = [...el.form.querySelectorAll('input[type=radio]')]
        .filter(other => other.name === el.name);
      return el === (group.find(other => other.checked) || group[0]);
    });
  return controls.map((el, i) => {
    el.dataset.kb = String(i);
    const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
    return {id: String(i), tag: el.tagName.toLowerCase(),
            name: (label || el.innerText || el.value || '').trim()};
  });
}"""

# A visible focus indicator: an outline, a box shadow or a background that appears on focus.
FOCUS_STYLE = """el => {
  if (!el) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle === 'none' || s.outlineWidth === '0px' ? 'none'
    : [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' ');
  return [outline, s.boxShadow, s.backgroundColor].join('|');
}"""

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  return {id: el.dataset.kb ?? null, tag: el.tagName.toLowerCase(),
          name: (el.innerText || el.value || '').trim(), text: el.textContent.trim()};
}"""

# Every visible link and button, its size while focused (the skip link only appears then)
# and whether it is a link in running text (WCAG 2.5.8's inline exception: a link inside
# p, li, td or dd text). Buttons and navigation links are always held to 24 by 24.
TARGETS = """() => {
  const strict = '.govuk-service-navigation, .govuk-skip-link, .govuk-back-link,'
    + ' .govuk-pagination, .govuk-button';
  return [...document.querySelectorAll('a[href], button')]
    .filter(el => !el.closest('[hidden]'))
    .map(el => {
      el.focus();
      const box = el.getBoundingClientRect();
      el.blur();
      const block = el.closest('p, li, td, dd');
      const ownText = el.textContent.trim();
      const inline = el.tagName === 'A' && !el.closest(strict) && block !== null;
      return {name: ownText || el.getAttribute('aria-label') || el.outerHTML.slice(0, 80),
              width: box.width, height: box.height, inline};
    })
    .filter(t => t.width > 0 || t.height > 0);
}"""


def signed_in_page(new_context: Callable[..., BrowserContext], role: Role) -> Page:
    return new_context(role).new_page()


def test_first_tab_focuses_skip_link(live_server: LiveServer,
                                     new_context: Callable[..., BrowserContext]) -> None:
    page = signed_in_page(new_context, Role.TEAM)
    page.goto(live_server("/"))
    page.keyboard.press("Tab")
    active = page.evaluate(ACTIVE)
    assert active is not None and active["text"] == "Skip to main content"
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main-content"
    box = page.locator(".govuk-skip-link").bounding_box()
    assert box is not None and box["height"] >= 24, "skip link is not shown when focused"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main-content", timeout=5000)  # the fragment lands asynchronously
    assert page.url.endswith("#main-content")


def tab_walk(page: Page) -> tuple[list[dict[str, Any]], list[str]]:
    """Tab from the top of the page until focus leaves it; return the expected controls
    and the problems found on the way."""
    expected = page.evaluate(MARK_FOCUSABLE)
    unfocused = {
        item["id"]: page.locator(f"[data-kb='{item['id']}']").evaluate(FOCUS_STYLE)
        for item in expected
    }
    problems: list[str] = []
    visited: list[str] = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active is None:  # focus left the page: no trap
            break
        if active["id"] is None:
            problems.append(f"focus reached an unexpected element: {active}")
            continue
        if visited and active["id"] == visited[0]:
            break  # wrapped round to the first control
        if active["id"] in visited:
            problems.append(f"focus came back to {active['name']!r}: trapped?")
            break
        visited.append(active["id"])
        focused = page.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
        if focused == unfocused[active["id"]]:
            problems.append(f"no visible focus on {active['tag']} {active['name']!r}")
    else:
        problems.append("focus never left the page: keyboard trap")
    order = [item["id"] for item in expected]
    if visited != order:
        names = {item["id"]: item["name"] for item in expected}
        problems.append(
            "tab order differs from the page order: "
            f"{[names.get(i) for i in visited]} != {[names[i] for i in order]}"
        )
    return expected, problems


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SCRUTINEER], ids=lambda r: r.value)
def test_tab_reaches_every_control_with_visible_focus(
    role: Role, live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = signed_in_page(new_context, role)
    page.goto(live_server("/"))
    expected, problems = tab_walk(page)
    names = [item["name"] for item in expected]
    assert "Sign out" in names, names
    assert "Skip to main content" in names, names
    assert not problems, "\n".join(problems)


def test_tab_through_a_form_page(live_server: LiveServer,
                                 new_context: Callable[..., BrowserContext]) -> None:
    page = signed_in_page(new_context, Role.ADMIN)
    page.goto(live_server("/users/new"))
    expected, problems = tab_walk(page)
    assert {"input", "button"} <= {item["tag"] for item in expected}
    assert not problems, "\n".join(problems)


def small_targets(page: Page, where: str) -> list[str]:
    targets = page.evaluate(TARGETS)
    assert any(t["name"] == "Sign out" for t in targets), f"{where}: no sign-out button"
    return [
        f"{where}: {t['name']!r} is {t['width']:.0f}x{t['height']:.0f} CSS px"
        for t in targets
        if (t["width"] < 24 or t["height"] < 24) and not t["inline"]
    ]


def test_targets_are_at_least_24px(live_server: LiveServer,
                                   new_context: Callable[..., BrowserContext]) -> None:
    page = signed_in_page(new_context, Role.ADMIN)
    problems = []
    for path in ["/", "/users", "/audit"]:
        page.goto(live_server(path))
        problems += small_targets(page, path)
    # On a phone the navigation sits behind a "Menu" button.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server("/"))
    page.get_by_role("button", name="Menu").click()
    problems += small_targets(page, "/ on a phone, menu open")
    assert not problems, "Targets smaller than 24x24:\n" + "\n".join(problems)
