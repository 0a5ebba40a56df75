"""Screenshots of the main pages in English and Chinese, for looking at what we built.

Usage: start the demo (`make demo`, or `qiao runserver`), then
    .venv/bin/python scripts/screenshots.py [--base URL] [--out var/screenshots/pages]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = [
    (
        "coordinator@szpt.demo",
        [
            "/",
            "/organisations/",
            "/people/",
            "/people/?kind=student&nationality=CN",
            "/skills/",
            "/import/people/",
            "/account/tokens/",
            "/agreements/",
            "/agreements/dashboard/",
            "/agreements/contributions/",
            "/credentials/manage/",
            "/credentials/manage/sessions/",
            "/credentials/manage/issued/",
            "/placements/rounds/1/",
            "/placements/rounds/1/runs/1/",
            "/placements/rounds/1/runs/1/openings/?fill=unfilled",
            "/placements/rounds/1/runs/1/sites/?sort=fill",
            "/placements/rounds/1/runs/1/students/?result=unplaced",
            "/placements/compliance/",
            "/placements/compliance/rulesets/",
            "/placements/compliance/rulesets/1/",
            "/import/round_candidates/?round=1",
        ],
    ),
    ("mentor@zte.demo", ["/placements/mine/", "/people/11/"]),
    ("student@szpt.demo", ["/", "/credentials/wallet/"]),
    ("manager@tencent.demo", ["/agreements/"]),
    ("outsider@qiao.demo", ["/", "/verify/"]),
    (
        "admin@qiao.demo",
        [
            "/health/",
            "/audit/",
            "/organisations/1/",
            "/api/v1/docs",
            "/placements/compliance/rulesets/1/new/",
        ],
    ),
    ("manager@zte.demo", ["/people/"]),
]
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/screenshots/pages")
    parser.add_argument("--password", default="qiao-demo-2026")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for lang in ("en", "zh-hans"):
            for email, paths in PAGES:
                ctx = browser.new_context(
                    base_url=args.base, viewport={"width": args.width, "height": 900}
                )
                page = ctx.new_page()
                page.goto("/login/")
                page.fill("input[name=username]", email)
                page.fill("input[name=password]", args.password)
                page.click("main button[type=submit]")
                page.wait_for_load_state()
                ctx.add_cookies([{"name": "django_language", "value": lang, "url": args.base}])
                for path in paths:
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    slug = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                    name = f"{lang}-{email.split('@')[0]}-{slug}"
                    page.screenshot(path=str(out / f"{name[:120]}.png"), full_page=False)
                    print(out / f"{name[:120]}.png")
                ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
