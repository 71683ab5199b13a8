"""Take the README's screenshots of the demo site in headless Chromium.

    .venv/bin/python docs/screenshots.py [--base http://127.0.0.1:8000]

Run it against `make demo` (or any site seeded with `seed_demo`). Pages are picked from the demo
data through the site itself: the officer's first neighbourhood with survey figures, the first
matched pair, and the league for Leeds.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="officer.leeds")
    base = parser.parse_args().base
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", parser.parse_args().user)
        page.fill("#id_password", "rebalance-demo")
        page.click("button[type=submit]")
        page.goto(f"{base}/places/")
        page.screenshot(path=OUT / "my-neighbourhoods.png", full_page=False)
        pairs = page.goto(f"{base}/places/pairs/") and page.content()
        pair = re.search(r'href="(/places/pairs/\d+/)"', pairs)
        if pair:
            page.goto(base + pair.group(1))
            page.screenshot(path=OUT / "matched-pair.png", full_page=False)
            first = re.search(r'href="(/places/neighbourhoods/\d+/)"', page.content())
            if first:
                page.goto(base + first.group(1))
                page.screenshot(path=OUT / "neighbourhood.png", full_page=False)
                for anchor, name in (("checklist", "neighbourhood-checklist"), ("factors", "neighbourhood-trends")):
                    target = page.locator(f"#{anchor}")
                    if target.count():
                        target.first.scroll_into_view_if_needed()
                        page.screenshot(path=OUT / f"{name}.png", full_page=False)
                phone = browser.new_page(viewport={"width": 320, "height": 640})
                phone.context.add_cookies(page.context.cookies())
                phone.goto(base + first.group(1))
                phone.screenshot(path=OUT / "phone-neighbourhood.png", full_page=False)
        page.goto(f"{base}/places/league/")
        page.screenshot(path=OUT / "league.png", full_page=False)
        page.goto(f"{base}/help/glossary/")
        page.screenshot(path=OUT / "glossary.png", full_page=False)
        phone = browser.new_page(viewport={"width": 320, "height": 640})
        phone.context.add_cookies(page.context.cookies())
        phone.goto(f"{base}/places/")
        table = phone.locator("table").first
        if table.count():
            table.scroll_into_view_if_needed()
        phone.screenshot(path=OUT / "phone-my-neighbourhoods.png", full_page=False)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
