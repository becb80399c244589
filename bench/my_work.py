"""Issue 19's "My work" pages on a copy of `make bench`'s database: home, the plan list and the account page
(the account `measure.pages()` picks) as `am` and `exec`. Median and least CPU time (`time.process_time`)
over --runs requests after 3 warm-ups, with the query count.

    cp var/bench/pages-2000.sqlite3 var/measure/pages-2000.sqlite3     # never time the bench's own file
    .venv/bin/python bench/my_work.py var/measure/pages-2000.sqlite3 [--root /other/worktree] [--json out.json]

`--root` times another checkout's code against the same database (alternate old and new on a shared machine).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

LABELS = ("Account list", "Plan list", "Account page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    root, database = args.root.resolve(), args.database.resolve()
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.update({"DATABASE_URL": f"sqlite:///{database}", "DEBUG": "0",
                       "DJANGO_SETTINGS_MODULE": "kam.settings.dev", "ALLOWED_HOSTS": "testserver"})
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.measure import pages

    am, executive = User.objects.get(username="am"), User.objects.get(username="exec")
    rows = []
    for page in pages(am, executive):
        if page["label"] not in LABELS:
            continue
        client = Client()
        client.force_login(page["_user"])
        for _ in range(3):
            assert client.get(page["url"]).status_code == 200, page["url"]
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.process_time()
                client.get(page["url"])
                times.append((time.process_time() - started) * 1000)
        rows.append({"user": page["user"], "label": page["label"], "url": page["url"],
                     "median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1),
                     "queries": len(queries)})
        print(f"{page['user']:5} {page['label']:13} {page['url']:22} median {statistics.median(times):6.1f} ms CPU"
              f"  least {min(times):6.1f}  {len(queries):3} queries", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"root": str(root), "load": os.getloadavg(), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
