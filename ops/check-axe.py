#!/usr/bin/env python3
"""axe-core on every page of every role of the demo (`make check-axe`, through ops/check-axe.sh).

Signs in as each demo role in Debian's headless Chromium (selenium), crawls the same-site
links from the home page (every kind of page — a path whose ids are blanked, with the names
of its query parameters — at most PER_KIND times, at most CAP pages a role), then sends each
kind's forms that have a required field empty once (their `required` taken off, so the
server's answer with its errors is checked too). Folded sections (`<details>`) are opened
before each check. On each HTML page it injects axe-core (the copy in axe-playwright-python
0.1.8: v4.12.1) and runs it with its default rules: every rule of the tags wcag2a, wcag2aa,
wcag21a, wcag21aa, wcag22aa and best-practice that axe enables by default (none disabled
here). At a phone's width (600 px or less) it also checks that the page does not scroll
sideways (ops/narrow-check.py lists the widest elements of one that does). Prints each
violation with its page and elements; exits 1 on any, on a page answering 5xx, or on a page
wider than the phone.

    check-axe.py --base http://127.0.0.1:PORT --axe axe.min.js [--roles adviser,employer]
"""
import argparse
import http.cookiejar
import json
import re
import sys
import threading
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "demo-renfort-2026"
# Each role of the demo (README, "Demo sign-ins"); None: signed out.
ROLES = {
    "signed-out": None,
    "admin": "admin@renfort.test",
    "adviser": "conseiller1@cahors.renfort.test",
    "adviser-figeac": "conseiller1@figeac.renfort.test",
    "employer": "employeur1@cahors.renfort.test",
    "employer-seasonal": "employeur7@cahors.renfort.test",
    "observer": "observateur@dreets.renfort.test",
}
# The signed-out pages a visitor reaches without a link from the home page.
SIGNED_OUT_STARTS = ["/", "/login", "/mot-de-passe-oublie", "/c/cahors/rejoindre", "/c/cahors/offres", "/page-qui-n-existe-pas"]
PER_KIND = 2
CAP = 150
# Never followed: they end the session.
SKIPPED = re.compile(r"^/(logout|deconnexion)")


def kind_of(url):
    parts = urllib.parse.urlsplit(url)
    path = "/".join("_" if re.search(r"\d", s) else s for s in parts.path.split("/"))
    names = sorted({p.split("=")[0] for p in parts.query.split("&") if p})
    return path + ("?" + "&".join(names) if names else "")


class Checker:
    def __init__(self, base, axe_source, width):
        self.base = base.rstrip("/")
        self.axe_source = axe_source
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         f"--window-size={width},900", "--lang=fr-FR"):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_script_timeout(60)
        self.violations = []  # (role, url, violation)
        self.pages = {}  # role -> count
        self.checked = []  # (role, label)
        self.failures = []  # pages that answered 5xx, or scroll sideways on a phone

    def close(self):
        self.driver.quit()

    def is_html(self, url):
        """A GET with the browser's cookies: only HTML pages are opened (not CSV, PDF, .ics, JSON)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(url, headers={"Cookie": cookie}, method="GET")
        try:
            with opener.open(request, timeout=30) as answer:
                return answer.headers.get("Content-Type", "").startswith("text/html")
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                self.failures.append(f"GET {url[len(self.base):]} answered {error.code}")
            return error.headers.get("Content-Type", "").startswith("text/html")

    def axe(self, role, label):
        # On a phone's width, no page scrolls sideways (what ops/narrow-check.py lists in detail).
        widths = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];")
        if widths[1] <= 600 and widths[0] > widths[1]:
            self.failures.append(f"{role}: {label} scrolls sideways ({widths[0]} px wide at {widths[1]} px)")
        # What folded sections hold is checked too: they are opened first.
        self.driver.execute_script("document.querySelectorAll('details').forEach(d => { d.open = true; });")
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(JSON.stringify({v: r.violations, i: r.incomplete.length})),"
            " e => done(JSON.stringify({error: String(e)})));")
        result = json.loads(result)
        if "error" in result:
            raise RuntimeError(f"axe failed on {label}: {result['error']}")
        self.pages[role] = self.pages.get(role, 0) + 1
        self.checked.append((role, label))
        for violation in result["v"]:
            self.violations.append((role, label, violation))
        return result["v"]

    def wait_for_new_page(self):
        """Until the page that a form's sending opened has loaded (the old page's mark is gone)."""
        WebDriverWait(self.driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda driver: driver.execute_script(
                "return !window.checkAxeOldPage && document.readyState === 'complete';"))

    def sign_in(self, email):
        self.driver.delete_all_cookies()
        self.driver.get(self.base + "/login")
        self.driver.find_element(By.NAME, "email").send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.driver.execute_script("window.checkAxeOldPage = true;")
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit], main form input[type=submit]").click()
        self.wait_for_new_page()
        if urllib.parse.urlsplit(self.driver.current_url).path == "/login":
            raise RuntimeError(f"could not sign in as {email}")

    def links(self):
        hrefs = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href]'), a => a.href);")
        found = []
        for href in hrefs:
            href = href.split("#")[0]
            if href.startswith(self.base + "/") and not SKIPPED.match(urllib.parse.urlsplit(href).path):
                found.append(href)
        return found

    def crawl(self, role, starts):
        queue = [self.base + s for s in starts]
        visited, per_kind, form_pages = set(), {}, {}
        while queue and len(visited) < CAP:
            url = queue.pop(0)
            kind = kind_of(url)
            if url in visited or per_kind.get(kind, 0) >= PER_KIND:
                continue
            visited.add(url)
            if not self.is_html(url):
                continue
            per_kind[kind] = per_kind.get(kind, 0) + 1
            self.driver.get(url)
            self.axe(role, "GET " + url[len(self.base):])
            if self.has_form_to_send():
                form_pages.setdefault(kind, url)
            queue.extend(link for link in self.links() if link not in visited)
        sent, actions = 0, set()
        for kind, url in form_pages.items():
            sent += self.send_forms_empty(role, url, actions)
        return len(visited), sent

    def has_form_to_send(self):
        return self.driver.execute_script(
            "return !!document.querySelector('main form [required]');")

    def send_forms_empty(self, role, url, actions):
        """Each form of the page with a required field, sent with its fields emptied: the page of
        errors. Once per kind of action (the admin's page has one form per account)."""
        self.driver.get(url)
        forms = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('main form'),"
            " f => f.querySelector('[required]') ? f.action : null);")
        sent = 0
        for index, action in enumerate(forms):
            if action is None or kind_of(action) in actions:
                continue
            actions.add(kind_of(action))
            self.driver.get(url)
            ready = self.driver.execute_script("""
                const form = document.querySelectorAll('main form')[arguments[0]];
                if (!form || !form.querySelector('[required]')) return false;
                form.noValidate = true;
                for (const field of form.querySelectorAll('[required]')) {
                    field.required = false;
                    if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
                    else if (field.tagName === 'SELECT') field.selectedIndex = -1;
                    else if (field.type !== 'file') field.value = '';
                }
                for (const details of form.querySelectorAll('details')) details.open = true;
                return true;""", index)
            if not ready:
                continue
            self.driver.execute_script("""
                window.checkAxeOldPage = true;
                const form = document.querySelectorAll('main form')[arguments[0]];
                HTMLFormElement.prototype.submit.call(form);""", index)
            self.wait_for_new_page()
            self.axe(role, f"POST {url[len(self.base):]} (form {index + 1}, sent empty) → {self.driver.current_url[len(self.base):]}")
            sent += 1
        return sent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--axe", required=True)
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--widths", default="1280,390", help="window widths, in CSS pixels: the crawl is made at each")
    parser.add_argument("--pages-out", help="a file listing every page checked")
    arguments = parser.parse_args()
    with open(arguments.axe, encoding="utf-8") as file:
        axe_source = file.read()
    version = re.search(r"axe v([\d.]+)", axe_source[:200]).group(1)
    started = time.time()
    widths = [int(w) for w in arguments.widths.split(",")]
    roles = arguments.roles.split(",")
    # One browser for each width, crawling at the same time: the server answers one while the
    # other runs axe (one after the other, the two cores were half idle: 404 s for 660 pages).
    checkers = [Checker(arguments.base, axe_source, width) for width in widths]
    errors = []

    def crawl_all(checker, width):
        try:
            for role in roles:
                email = ROLES[role]
                key = f"{role} at {width} px"
                if email is None:
                    checker.driver.delete_all_cookies()
                    pages, forms = checker.crawl(key, SIGNED_OUT_STARTS)
                else:
                    checker.sign_in(email)
                    pages, forms = checker.crawl(key, ["/"])
                print(f"check-axe: {key}: {checker.pages.get(key, 0)} pages checked "
                      f"({pages} links opened, {forms} forms sent empty)", flush=True)
        except Exception as error:  # reported after the other widths' crawls end
            errors.append(f"at {width} px: {error!r}")
        finally:
            checker.close()

    threads = [threading.Thread(target=crawl_all, args=(checker, width)) for checker, width in zip(checkers, widths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        for error in errors:
            print(f"check-axe: the crawl failed {error}", file=sys.stderr)
        sys.exit(1)
    checked = [entry for checker in checkers for entry in checker.checked]
    violations = [entry for checker in checkers for entry in checker.violations]
    failures = [entry for checker in checkers for entry in checker.failures]
    if arguments.pages_out:
        with open(arguments.pages_out, "w", encoding="utf-8") as file:
            file.writelines(f"{role}\t{label}\n" for role, label in checked)
    total = len(checked)
    rules = {}
    for role, label, violation in violations:
        rules.setdefault(violation["id"], []).append((role, label, violation))
    for rule, hits in sorted(rules.items()):
        first = hits[0][2]
        print(f"\n[{first['impact']}] {rule}: {first['help']} ({first['helpUrl']}) — on {len(hits)} pages")
        for role, label, violation in hits[:8]:
            targets = ", ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                                for node in violation["nodes"][:4])
            print(f"    {role}: {label}: {len(violation['nodes'])} elements: {targets}")
        if len(hits) > 8:
            print(f"    … and {len(hits) - 8} more pages")
    print(f"\ncheck-axe: axe-core {version}, {total} pages (at {' and '.join(map(str, widths))} px), "
          f"{len(violations)} violations ({len(rules)} rules) in {time.time() - started:.0f} s")
    for failure in failures:
        print(f"check-axe: {failure}")
    sys.exit(1 if violations or failures else 0)


if __name__ == "__main__":
    main()
