"""Every page of each role at a phone's width and a desktop's: axe-core's WCAG 2.2 A/AA rules find
nothing, nothing scrolls sideways, and the focus ring stands out from what is behind it."""

import json
from pathlib import Path

import axe_playwright_python
import pytest

from tests.e2e.conftest import WCAG_TAGS, sign_in
from tests.pages import pages_by_role, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 1280)

# The focused element's outline colour and the first opaque background behind it, as [r, g, b].
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50))))"

FOCUS_COLOURS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const name = el.outerHTML.slice(0, 80);
  if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) return {name, ring: null};
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  let node = el.parentElement, behind = [255, 255, 255];
  while (node) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { behind = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {name, ring: rgb(style.outlineColor).slice(0, 3), behind};
}"""


def luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def focus_problems(page, url):
    """Tab to the first few controls of the header, then of the main content (cards, forms,
    messages: the page's other backgrounds), and measure each ring against what is behind it."""
    problems = []
    for start, tabs in (("document.activeElement.blur()", 3), ("document.querySelector('main').focus()", 4)):
        page.evaluate(start)
        for _ in range(tabs):
            page.keyboard.press("Tab")
            found = page.evaluate(FOCUS_COLOURS)
            if found is None:
                break
            if found["ring"] is None:
                problems.append(f"{url}: no focus ring on {found['name']}")
            elif contrast(found["ring"], found["behind"]) < 3:
                ratio = contrast(found["ring"], found["behind"])
                problems.append(f"{url}: focus ring {ratio:.1f}:1 on {found['name']}")
    return problems


AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_OPTIONS = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
AXE_RUN = f"""axe.run(document, {AXE_OPTIONS}).then(r => r.violations.map(
  v => v.id + ": " + v.help + " " + JSON.stringify(v.nodes.slice(0, 3).map(n => n.target))))"""


def test_every_page_of_every_role_passes_axe_fits_360_px_and_shows_focus(browser, live_server):
    seed_demo()
    problems = []
    for who, urls in pages_by_role().items():
        context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTHS[0], "height": 800})
        # axe-core comes with every page instead of being sent to each one after it loads.
        context.add_init_script(script=AXE_SCRIPT)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if who:
            sign_in(page, who)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for url in urls:
                response = page.goto(url)
                if response.status >= 500 or (response.status >= 400 and url != "/no-such-page/"):
                    problems.append(f"{who} {url}: HTTP {response.status}")
                    continue
                # Let the page's own scripts settle (the admin names select2's boxes on the next
                # animation frame after select2 draws them), as they have before a person reads it.
                page.evaluate(SETTLED)
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if wide > 0:
                    problems.append(f"{who} {url} at {width} px: scrolls {wide} px sideways")
                problems += [f"{who} {url} at {width} px: {v}" for v in page.evaluate(AXE_RUN)]
                if width == WIDTHS[0]:
                    problems += focus_problems(page, url)
        context.close()
    assert problems == [], "\n".join(problems)
