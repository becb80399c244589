"""A crawl as a user would walk the site: `make run`'s own server, signed in through the form, following links.

    make crawl                                   # or:
    .venv/bin/python bench/crawl.py --accounts 2000 --pages 300 [--user exec] [--keep]
    .venv/bin/python bench/crawl.py --url http://127.0.0.1:8000 --pages 300   # a server already running

Without --url the script seeds var/bench/crawl-<N>.sqlite3 (`seed_demo --accounts N`; reused with --keep),
starts `manage.py runserver` on it with the development settings `make run` uses (a free port, no
autoreload), signs in through the login form as --user (password --password, the demo's by default),
then walks the site breadth first from the home page: every same-site link of every HTML page it reads,
each URL once, until --pages pages. Nothing is written: only GET requests, never the sign-out link,
the language switch or the admin. Each page is timed from the request to the last byte of the answer
(wall time as the browser sees it, loopback network included).

Report: p50, p95 and max over all pages; the slowest pages; every page over the page budget. Exports
(CSV, Excel, PDF, calendar files) are reported apart: they are allowed up to the export budget. The
script exits 1 when p95 >= P95_BUDGET_MS or a page (not an export) takes PAGE_BUDGET_MS or more, or
any page answers 5xx. Results: bench/results/crawl-<user>-<N>.json.
"""

import argparse
import http.cookiejar
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable

P95_BUDGET_MS = 100
PAGE_BUDGET_MS = 300
EXPORT_BUDGET_MS = 2000

# Links a crawl must not follow: they write (sign out, switch language) or leave the product's pages.
SKIP_PREFIXES = ("/logout", "/accounts/logout", "/i18n/", "/admin/", "/static/", "/media/", "/api/")
EXPORT_PATTERN = re.compile(r"(\.(csv|xlsx|pdf|ics)$)|(/export)|(/pdf)|(/download)|([?&]format=(csv|xlsx|pdf))", re.I)


class LinkParser(HTMLParser):
    """Collects the href of every <a> and the login form's CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken":
            self.csrf = values.get("value") or ""


def same_site_path(base: str, href: str) -> str | None:
    """The path (with query) a link leads to on this site, or None for links a crawl does not follow."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    absolute = urllib.parse.urljoin(base, href)
    parts = urllib.parse.urlsplit(absolute)
    origin = urllib.parse.urlsplit(base)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_export(path: str, content_type: str = "") -> bool:
    if EXPORT_PATTERN.search(path):
        return True
    return bool(content_type) and not content_type.startswith("text/html")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def summarise(timings: list[dict]) -> dict:
    pages = [t for t in timings if not t["export"]]
    exports = [t for t in timings if t["export"]]
    ms = [t["ms"] for t in pages]
    return {
        "pages": len(pages),
        "exports": len(exports),
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(percentile(ms, 0.95), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "over_page_budget": [t for t in pages if t["ms"] >= PAGE_BUDGET_MS],
        "exports_over_budget": [t for t in exports if t["ms"] >= EXPORT_BUDGET_MS],
        "server_errors": [t for t in timings if t["status"] >= 500],
        "slowest": sorted(timings, key=lambda t: -t["ms"])[:15],
    }


def verdict(summary: dict) -> list[str]:
    problems = []
    if summary["p95_ms"] is not None and summary["p95_ms"] >= P95_BUDGET_MS:
        problems.append(f"p95 {summary['p95_ms']} ms >= {P95_BUDGET_MS} ms")
    problems += [f"{t['path']} {t['ms']:.0f} ms >= {PAGE_BUDGET_MS} ms" for t in summary["over_page_budget"]]
    problems += [f"export {t['path']} {t['ms']:.0f} ms >= {EXPORT_BUDGET_MS} ms" for t in summary["exports_over_budget"]]
    problems += [f"{t['path']} answered {t['status']}" for t in summary["server_errors"]]
    return problems


class Browser:
    """A cookie-keeping client that times each GET to the last byte."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, bytes, float, str]:
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                body = response.read()
                status, content_type, final = response.status, response.headers.get("Content-Type", ""), response.url
        except urllib.error.HTTPError as error:
            body = error.read()
            status, content_type, final = error.code, error.headers.get("Content-Type", ""), self.base + path
        return status, content_type, body, (time.perf_counter() - started) * 1000, final

    def sign_in(self, username: str, password: str) -> None:
        status, _type, body, _ms, _url = self.get("/login/")
        form = LinkParser()
        form.feed(body.decode("utf-8", "replace"))
        data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": form.csrf}).encode()
        request = urllib.request.Request(self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"})
        with self.opener.open(request, timeout=60) as response:
            if urllib.parse.urlsplit(response.url).path.startswith("/login"):
                sys.exit(f"Signing in as {username} failed (still on the login page).")


def crawl(browser: Browser, pages: int) -> list[dict]:
    queue, seen, timings = deque(["/"]), {"/"}, []
    while queue and len(timings) < pages:
        path = queue.popleft()
        status, content_type, body, ms, final = browser.get(path)
        export = is_export(path, content_type)
        timings.append({"path": path, "status": status, "ms": round(ms, 1), "export": export})
        if export or not content_type.startswith("text/html"):
            continue
        parser = LinkParser()
        parser.feed(body.decode("utf-8", "replace"))
        for href in parser.links:
            target = same_site_path(final, href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return timings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(accounts: int, keep: bool) -> tuple[subprocess.Popen, str, Path]:
    VAR.mkdir(parents=True, exist_ok=True)
    database = VAR / f"crawl-{accounts}.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "kam.settings.dev", "DEBUG": "0"}
    env.pop("CELERY_BROKER_URL", None)
    fresh = not (keep and database.exists())
    if fresh:
        database.unlink(missing_ok=True)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # a kept one too
    if fresh:
        started = time.monotonic()
        subprocess.run([PYTHON, "manage.py", "seed_demo", "--accounts", str(accounts), "-v0"], cwd=ROOT, env=env, check=True)
        print(f"  seeded {accounts} accounts in {time.monotonic() - started:.0f} s", flush=True)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/login/", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    else:
        server.kill()
        sys.exit("The server did not start.")
    return server, base, database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="crawl a server that is already running (e.g. make run's)")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--user", default="exec")
    parser.add_argument("--password", default="kamdemo")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database and reuse it next time")
    args = parser.parse_args()

    server = database = None
    if args.url:
        base = args.url
    else:
        server, base, database = serve(args.accounts, args.keep)
    try:
        browser = Browser(base)
        browser.sign_in(args.user, args.password)
        crawl(browser, min(args.pages, 20))  # warm the server's caches, as on any server that has been up a while
        timings = crawl(browser, args.pages)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
    if database and not args.keep:
        database.unlink(missing_ok=True)

    summary = summarise(timings)
    print(f"Crawl as {args.user}: {summary['pages']} pages, {summary['exports']} exports")
    print(f"  p50 {summary['p50_ms']} ms · p95 {summary['p95_ms']} ms · max {summary['max_ms']} ms")
    print("  slowest:")
    for t in summary["slowest"]:
        print(f"    {t['ms']:8.1f} ms  {t['status']}  {'export ' if t['export'] else ''}{t['path']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = args.accounts if not args.url else "url"
    (RESULTS / f"crawl-{args.user}-{label}.json").write_text(
        json.dumps({"user": args.user, "accounts": args.accounts, "url": args.url, **summary, "timings": timings}, indent=1)
    )
    problems = verdict(summary)
    for problem in problems:
        print(f"  MISS {problem}")
    if not problems:
        print("  Within budget: p95 under 100 ms, no page but exports over 300 ms.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
