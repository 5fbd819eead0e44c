"""``python bench/instructions.py``: the CPU instructions the portal's Python spends on a request
of the pages the bench loads, counted by valgrind's callgrind (``make bench-instructions``).

The load figures of ``make bench`` (req/s, p99) move by a fifth or more from one minute to the
next on a shared machine: the same code measured 187 and 242 req/s on the applicants page within
ten minutes. Instructions do not move: the same code, data and requests count the same to within
a thousandth, whatever else the machine is doing, so a change of 2% shows. They are not time (a
copy of a long string is few instructions a byte, the interpreter's work many), and they leave
out PostgreSQL's and Redis's own work: the load figures still say what users get.

Each page runs in its own process under valgrind, through Django's WSGI handler (no HTTP
server), with the bench's settings and a copy of the seeded bench database (``make bench`` seeds
it once for each version of the seed and migrations, at its default sizes, and keeps it): after
30 requests to warm up (templates compiled, queries prepared, caches filled), the instructions
of the next ones are counted and divided by their number. The searches and the project pages
walk the bench's lists (``bench/mixes.py``), so that no two requests of the count are the same.
Needs valgrind (Debian's package ``valgrind``).
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess  # noqa: S404 - runs valgrind on this script
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_DB, admin_connection, bench_env, parse_args, recreate_database, seed_digest  # noqa: E402

WARM = 30
# What each page is: who asks (a seeded user's name, or None), and the paths asked, from what
# seeding returned.
PAGES = {
    "bare Django view": (None, lambda seeded, n: ["/bench/bare/"]),
    "applicants page": ("employer", lambda seeded, n: [f"/employer/projects/{seeded['slug']}/applicants/?blind=0"]),
    "distinct searches": (None, lambda seeded, n: _mixes().search_paths(WARM + n)),
    "project pages, student signed in": (
        "student",
        lambda seeded, n: _mixes().project_paths(seeded["slugs"], WARM + n),
    ),
    "student dashboard": ("student", lambda seeded, n: ["/dashboard/"]),
}


def _mixes():
    from bench import mixes

    return mixes


def child(page, count):
    """In valgrind: the page's requests, counted from the first after the warm-up."""
    import django

    django.setup()
    from bench.seed import session_cookie
    from opportunities.listing_cache import bump_listing_version
    from portal.models import User
    from portal.wsgi import application

    # Pages of searches kept by an earlier run are not served: each search is a cold one.
    bump_listing_version()
    seeded = json.loads(os.environ["BENCH_SEEDED"])
    who, paths_of = PAGES[page]
    cookie = session_cookie(User.objects.get(pk=seeded["users"][who])) if who else ""
    paths = paths_of(seeded, count)

    def get(path):
        path_info, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = b"".join(application(environ, lambda s, headers, *exc: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")
        return body

    for n in range(WARM):
        get(paths[n % len(paths)])
    control = shutil.which("callgrind_control")
    subprocess.run([control, "--instr=on", str(os.getpid())], check=True, capture_output=True)  # noqa: S603
    for n in range(count):
        get(paths[(WARM + n) % len(paths)])
    subprocess.run([control, "--instr=off", str(os.getpid())], check=True, capture_output=True)  # noqa: S603


def count_page(page, count, env):
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("valgrind"),
            "--tool=callgrind",
            "--instr-atstart=no",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            page,
            "--count",
            str(count),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not found:
        raise SystemExit(f"{page}: valgrind failed\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return int(found.group(1)) / count


def seeded_template(url):
    """The seeded copy ``make bench`` keeps for this code (its seed, sizes and migrations, at the
    bench's default sizes), and what seeding returned."""
    conn, name = admin_connection(url)
    template = f"{name}_seed_{seed_digest(parse_args([]))}"
    with conn.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template])
        found = cursor.fetchone()
    conn.close()
    if not found or not found[0]:
        raise SystemExit(f"No seeded bench database {template} for this code: run `make bench` first.")
    return template, json.loads(found[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--count", type=int, default=40, help="requests counted per page, after the warm-up")
    parser.add_argument("--only", help="count only the pages whose name contains this")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="the cache, as in production; without a Redis there, the file cache",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.count)
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind).")
    template, seeded = seeded_template(args.database_url)
    parts = urlsplit(args.database_url)
    database_url = parts._replace(path=f"{parts.path}_instructions").geturl()
    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    env = {
        **bench_env(database_url, args.redis_url, static_root),
        # The same hashes of strings in every run: dict and set orders, and so the counts, repeat.
        "PYTHONHASHSEED": "0",
        "BENCH_SEEDED": json.dumps(seeded),
    }
    pages = [page for page in PAGES if not args.only or args.only in page]
    try:
        recreate_database(database_url, template=template)
        subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], env=env, check=True
        )
        print(f"Instructions of the portal's Python per request ({args.count} requests a page, after {WARM}):")
        for page in pages:
            print(f"  {page:34} {count_page(page, args.count, env) / 1e6:8.2f} million", flush=True)
    finally:
        recreate_database(database_url, drop_only=True)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
