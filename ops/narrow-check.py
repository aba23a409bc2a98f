#!/usr/bin/env python3
"""No page scrolls sideways on a phone: signs in as each demo role in headless Chromium at
390 px wide, visits every page reachable by links (one page per route: ids folded), and
checks document.documentElement.scrollWidth <= 390. Usage:
    ops/narrow-check.py [--base http://127.0.0.1:8080] [--width 390] [--shots DIR] [EMAIL …]
Exit status 1 when a page scrolls sideways (each is listed with its widest elements)."""
import argparse, re, sys, time, urllib.parse
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

PASSWORD = "demo-renfort-2026"
ACCOUNTS = [
    "employeur1@cahors.renfort.test", "employeur2@cahors.renfort.test", "employeur3@cahors.renfort.test",
    "employeur4@cahors.renfort.test", "employeur5@cahors.renfort.test", "employeur6@cahors.renfort.test",
    "employeur7@cahors.renfort.test", "employeur8@cahors.renfort.test",
    "conseiller1@cahors.renfort.test", "observateur@dreets.renfort.test", "admin@renfort.test",
]
# Files, not pages (calendar invitations, CSV exports, documents), and what is not HTML.
SKIP = re.compile(r"(\.ics|\.csv|\.pdf|/export/|/static/|/documents/|/logout|/api/|/metrics|/health)")
WIDEST = """
const w = document.documentElement.clientWidth, out = [];
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.right > w + 1 && getComputedStyle(e).position !== 'absolute') {
    let inScroller = false;
    for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX;
      if (s === 'auto' || s === 'scroll' || s === 'hidden') { inScroller = true; break; }
    }
    if (!inScroller) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(r.right));
  }
}
return out.slice(0, 6);
"""

def driver(width, height=900):
    o = Options()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900", "--lang=fr-FR"):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    d = webdriver.Chrome(options=o, service=Service("/usr/bin/chromedriver"))
    # A window cannot be narrower than 500 px in headless Chromium: emulate the phone's screen.
    emulate(d, width, height)
    return d

def emulate(d, width, height):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})

def pattern(path):
    return re.sub(r"/\d+", "/{id}", path.split("?")[0]) + ("?" if "?" in path else "")

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:8080")
    p.add_argument("--width", type=int, default=390)
    p.add_argument("--shots", default=None, help="folder for a screenshot of every page")
    p.add_argument("--limit", type=int, default=60, help="pages per account at most")
    p.add_argument("accounts", nargs="*")
    args = p.parse_args()
    base = args.base.rstrip("/")
    host = urllib.parse.urlparse(base).netloc
    failures, visited = [], 0
    d = driver(args.width)
    try:
        # Signed out: the sign-in page, the statement, a join page.
        for email in [None] + (args.accounts or ACCOUNTS):
            d.delete_all_cookies()
            if email:
                d.get(base + "/login")
                d.find_element(By.NAME, "email").send_keys(email)
                d.find_element(By.NAME, "password").send_keys(PASSWORD)
                d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
                time.sleep(0.3)
                queue = [urllib.parse.urlparse(d.current_url).path]
            else:
                queue = ["/login", "/accessibilite", "/mot-de-passe-oublie", "/c/cahors/rejoindre"]
            seen_patterns, seen = [], set(queue)
            count = 0
            while queue and count < args.limit:
                path = queue.pop(0)
                # Up to three pages per route (ids folded): records differ in what they hold.
                if seen_patterns.count(pattern(path)) >= 3:
                    continue
                seen_patterns.append(pattern(path))
                d.get(base + path)
                count += 1; visited += 1
                width = d.execute_script("return document.documentElement.scrollWidth")
                status = "ok" if width <= args.width else "SCROLLS"
                who = email or "signed out"
                print(f"{status:7} {width:5}  {who:34} {path}")
                if width > args.width:
                    failures.append((who, path, width, d.execute_script(WIDEST)))
                if args.shots:
                    name = re.sub(r"[^a-z0-9]+", "-", (who.split("@")[0] + path).lower()).strip("-")
                    h = d.execute_script("return document.documentElement.scrollHeight")
                    emulate(d, args.width, min(h, 6000))
                    d.save_screenshot(f"{args.shots}/{name}-{args.width}.png")
                    emulate(d, args.width, 900)
                for a in d.find_elements(By.CSS_SELECTOR, "a[href]"):
                    href = a.get_attribute("href") or ""
                    u = urllib.parse.urlparse(href)
                    if u.netloc != host or SKIP.search(u.path):
                        continue
                    link = u.path + ("?" + u.query if u.query else "")
                    if link not in seen:
                        seen.add(link); queue.append(link)
    finally:
        d.quit()
    print(f"{visited} pages, {len(failures)} scroll sideways at {args.width} px")
    for who, path, width, widest in failures:
        print(f"  {who} {path}: scrollWidth {width}; {', '.join(widest)}")
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
