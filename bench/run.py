"""``make bench``: seed PostgreSQL, serve the portal with gunicorn as in production, load it.

Creates (and drops afterwards) a database of its own, ``portal_bench`` by default: 10,000
published projects across 500 organizations and 100,000 students, seeded once and then copied
from a template database kept for the next runs (until the seed, its sizes or a migration
change). Then gunicorn serves the portal with ``DEBUG=false`` and a load generator in another
process (wrk when installed, else ``bench/load.py``) measures, beside a bare Django view served by the same gunicorn:
``/projects/`` and one cached search, a mix of distinct searches that rarely repeats a URL
(``bench/mixes.py``, fixed seed), one project page and hundreds of different ones (anonymous and
signed in as a student), the employer's applicants page with 500 applicants, a student's
``/applications/`` and both dashboards (signed in with sessions made for the bench), an engagement
page with its history (8 rounds of work, 5 milestones, the events) as its organization reads it,
and the career center's outcomes dashboard over 200,000 applications (no filter, and three
filters); then it times the acceptance that fills a project with 1,000 other applicants. Before
serving, it times the engagement reminder jobs over 100,000 engagements, few of them due. The
bare view is measured first and last; the ratios divide by the mean of the two.
``--growth`` runs the search mix again at 100,000 projects. Only 127.0.0.1 is touched; every step
has a time limit.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess  # noqa: S404 - runs our own gunicorn and load generator
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench"
GOAL_P99_MS = 100
ACCEPT_GOAL_MS = 500
OUTCOMES_GOAL_MS = 500


def admin_connection(url):
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or "") or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn, parts.path.lstrip("/")


def recreate_database(url, *, drop_only=False, template=None):
    conn, name = admin_connection(url)
    if not re.fullmatch(r"[a-z0-9_]*bench[a-z0-9_]*", name):
        sys.exit(f"Refusing to drop {name!r}: the bench database's name must contain 'bench'.")
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    conn.close()


def bench_env(database_url, redis_url, static_root):
    """The environment the portal runs in for the bench: production settings (DEBUG off) plus
    the bench's URLs, fresh keys, and the cache at ``redis_url`` if a Redis answers there, else
    the file cache."""
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    if redis_answers(redis_url):
        env["REDIS_URL"] = redis_url
    return env


def redis_answers(url):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout}s")


WRK_LINE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def load_with_wrk(url, connections, duration, threads, cookie="", paths=None):
    """``paths``: the files of paths to walk during the warm-up and the measure (two halves of
    one list, so the measure does not meet the warm-up's URLs again)."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    warm_env = measure_env = None
    if paths:
        headers += ["-s", str(ROOT / "bench" / "paths.lua")]
        warm_env, measure_env = ({**os.environ, "PATHS": name} for name in paths)
    subprocess.run(  # warm-up, not counted  # noqa: S603
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", "2s", "--timeout", "10s", *headers, url],  # noqa: S607
        capture_output=True,
        timeout=30,
        check=True,
        env=warm_env,
    )
    done = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{int(duration)}s",
            "--latency",
            "--timeout",
            "10s",
            *headers,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
        env=measure_env,
    ).stdout
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    latency = {p: float(v) * scale[unit] for p, v, unit in WRK_LINE.findall(done)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", done)
    return {
        "requests": int(re.search(r"(\d+) requests in", done).group(1)),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", done).group(1)),
        "p50_ms": latency.get("50", float("nan")),
        "p99_ms": latency.get("99", float("nan")),
    }


def load_with_python(url, connections, duration, cookie="", paths=None):
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            url,
            "--connections",
            str(connections),
            "--duration",
            str(duration),
            *(["--cookie", cookie] if cookie else []),
            *(["--paths", paths[1]] if paths else []),
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    return json.loads(done.stdout)


def accept_offer(base, cookie, application_id):
    """POST the acceptance as a browser would (CSRF token from the page); the milliseconds it took."""
    opener = urllib.request.build_opener(NoRedirect)
    detail = urllib.request.Request(f"{base}/applications/{application_id}/", headers={"Cookie": cookie})  # noqa: S310
    page = opener.open(detail, timeout=30)  # noqa: S310 - our own server
    html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)
    request = urllib.request.Request(  # noqa: S310
        f"{base}/applications/{application_id}/accept/",
        data=f"csrfmiddlewaretoken={token}".encode(),
        headers={"Cookie": f"{cookie}; csrftoken={csrf_cookie}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    began = time.perf_counter()
    try:
        response = opener.open(request, timeout=60)  # noqa: S310
    except urllib.error.HTTPError as exc:
        response = exc
    elapsed = (time.perf_counter() - began) * 1000
    if response.status != 302:
        raise RuntimeError(f"accepting the offer answered {response.status}")
    return elapsed


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure(tool, base, targets, args):
    results = []
    for label, path, cookie, paths in targets:
        if tool == "wrk":
            result = load_with_wrk(base + path, args.connections, args.duration, threads=2, cookie=cookie, paths=paths)
        else:
            result = load_with_python(base + path, args.connections, args.duration, cookie=cookie, paths=paths)
        results.append((label, result))
        print(f"  measured {label}: {result['rps']:.0f} req/s")
    return results


def print_table(results):
    bare = results[0][1]
    print(f"{'URL':44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8}")
    for label, r in results:
        ratio = r["rps"] / bare["rps"] if bare["rps"] else float("nan")
        print(f"{label:44} {r['rps']:9.1f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']:7d} {ratio:8.2f}")


def ratio_of(results, label):
    bare = results[0][1]["rps"]
    return dict(results)[label]["rps"] / bare if bare else 0.0


REMINDER_JOBS = ["engagements_start_due", "kickoff_remind_due", "deadlines_remind_due", "verification_remind_due"]


def reminder_scan():
    """Run each engagement beat job twice, timed: the first run finds the few engagements due,
    the second finds them reminded already and sends nothing. Delivery is the worker's job, so
    the emails are written to the outbox and not handed to the broker."""
    from unittest import mock

    from applications.engagements import services
    from portal.models import OutboundEmail
    from portal.tasks import send_outbound_email

    results = []
    with mock.patch.object(send_outbound_email, "delay"):
        for name in REMINDER_JOBS:
            runs = []
            for _ in range(2):
                emails = OutboundEmail.objects.count()
                started = time.perf_counter()
                done = getattr(services, name)()
                runs.append((time.perf_counter() - started, done, OutboundEmail.objects.count() - emails))
            results.append((name, runs))
    return results


# What the seeded data depends on (bench/seed.py:seed_bench and the code it calls): a change to any
# of these, to a migration or to the sizes asked for seeds again.
SEED_SOURCES = ["bench/seed.py", "opportunities/services.py", "applications/outcome_summary.py"]
SEED_ARGS = [
    "projects",
    "organizations",
    "students",
    "applicants",
    "applications",
    "others",
    "pages",
    "engagements",
    "rounds",
    "outcome_applications",
]


def seed_digest(args):
    digest = hashlib.sha256(json.dumps({name: getattr(args, name) for name in SEED_ARGS}).encode())
    for path in sorted([*SEED_SOURCES, *(str(p.relative_to(ROOT)) for p in ROOT.glob("*/migrations/*.py"))]):
        digest.update(path.encode() + b"\0" + (ROOT / path).read_bytes())
    return digest.hexdigest()[:12]


def copy_seed(url, template):
    """The bench database made afresh: a copy of ``template`` where one is kept (a second or so,
    where seeding takes minutes), else empty (and so with no ``template``). Returns what seeding
    returned, or None."""
    conn, _ = admin_connection(url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template])
        found = cursor.fetchone()
    conn.close()
    seeded = json.loads(found[0]) if found and found[0] else None
    recreate_database(url, template=template if seeded is not None else None)
    return seeded


def checkpoint(url):
    conn, _ = admin_connection(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except Exception as exc:  # noqa: BLE001 - not a superuser: the checkpointer does it in its time
        print(f"  (no CHECKPOINT: {type(exc).__name__})")
    conn.close()


def save_seed(url, template, seeded):
    """Keep the seeded database as ``template`` (and what seeding returned as its comment), in
    place of the copies of earlier seeds."""
    conn, name = admin_connection(url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}\\_seed\\_%"])
        for (old,) in cursor.fetchall():
            cursor.execute(f'DROP DATABASE "{old}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        cursor.execute(f'COMMENT ON DATABASE "{template}" IS %s', [json.dumps(seeded)])
    conn.close()


def parse_args(argv=None):
    """The bench's options (``parse_args([])``: its defaults, which the seed's name is made of)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=7, help="seconds measured per URL")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--word", default="dashboard", help="the search word for /projects/?q=")
    parser.add_argument("--applicants", type=int, default=500, help="applicants to the measured project")
    parser.add_argument("--applications", type=int, default=25, help="applications of the measured student")
    parser.add_argument("--others", type=int, default=1000, help="other applicants when an acceptance fills a project")
    parser.add_argument("--pages", type=int, default=500, help="different project pages walked")
    parser.add_argument(
        "--growth",
        type=int,
        nargs="?",
        const=100_000,
        default=0,
        help="then the search mix at this many",
    )
    parser.add_argument("--only", help="measure only the loads whose label contains this")
    parser.add_argument("--engagements", type=int, default=100_000, help="engagements the reminder jobs scan")
    parser.add_argument("--rounds", type=int, default=8, help="rounds of work on the measured engagement page")
    parser.add_argument(
        "--outcome-applications", type=int, default=200_000, help="applications behind the outcomes dashboard"
    )
    parser.add_argument(
        "--outcome-connections",
        type=int,
        default=2,
        help="connections for the outcomes dashboard (a staff page: one per worker, so p99 is the page's own time)",
    )
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="the cache, as in production; without a Redis there, the file cache",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reseed", action="store_true", help="seed again, even if a seeded copy is kept")
    return parser.parse_args(argv)


def main():  # noqa: PLR0915 - one script, read top to bottom
    args = parse_args()
    if not urlsplit(args.database_url).scheme.startswith("postgres"):
        sys.exit("The bench needs PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL.")
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")

    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    env = bench_env(args.database_url, args.redis_url, static_root)
    cache_label = f"Redis cache ({args.redis_url})" if "REDIS_URL" in env else "file cache (no Redis answered)"
    os.environ.update(env)
    started = time.monotonic()
    print(f"Database {urlsplit(args.database_url).path.lstrip('/')}: creating")
    server = None
    growth = None
    outcomes = []
    try:
        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from bench import mixes
        from bench.seed import grow, unchecked_references
        from opportunities.listing_cache import bump_listing_version

        call_command("collectstatic", verbosity=0, interactive=False)
        template = f"{urlsplit(args.database_url).path.lstrip('/')}_seed_{seed_digest(args)}"
        seeded = copy_seed(args.database_url, None if args.reseed else template)
        if seeded is not None:
            print(f"Copied the seeded database {template} (--reseed seeds again) ({time.monotonic() - started:.0f}s)")
        else:
            call_command("migrate", verbosity=0, interactive=False)
            print(f"Seeding ({time.monotonic() - started:.0f}s)")
            from bench.seed import seed_bench

            seeded = seed_bench({name: getattr(args, name) for name in SEED_ARGS}, started=started)
            connections.close_all()
            save_seed(args.database_url, template, seeded)
            # Measured on a copy, as every later run is: on the database just seeded, distinct
            # searches ran a fifth slower than on a copy of it (403 against 512 req/s).
            copy_seed(args.database_url, template)
            print(f"Seeded in {time.monotonic() - started:.0f}s; kept as {template} for the next runs")
        # What seeding or copying wrote goes to disk now, not while the loads run.
        checkpoint(args.database_url)
        from bench.seed import outcomes_staff_cookie, session_cookie
        from portal.models import User

        def cookie(user_id):
            return session_cookie(User.objects.get(pk=user_id))

        slug, slugs, program = seeded["slug"], seeded["slugs"], seeded["program"]
        cookies = {name: cookie(user_id) for name, user_id in seeded["users"].items()}
        engagement = seeded["engagement"]
        offer_cookie, offer_id = cookie(seeded["offer"][0]), seeded["offer"][1]
        warm_offers = [(cookie(student_id), application_id) for student_id, application_id in seeded["warm_offers"]]
        from applications.models import Engagement

        engagements = Engagement.objects.count()
        scan = reminder_scan()
        cookies["staff"] = outcomes_staff_cookie()
        # Bulk inserts send no signals: pages of the seed's first state are not served.
        bump_listing_version()
        connections.close_all()
        lists = tempfile.mkdtemp(prefix="portal-bench-paths-")

        def halves(name, paths):
            middle = len(paths) // 2
            return (
                mixes.write(paths[middle:], f"{lists}/{name}-warm"),
                mixes.write(paths[:middle], f"{lists}/{name}-measure"),
            )

        searches = halves("search", mixes.search_paths(40_000))
        pages = halves("pages", mixes.project_paths(slugs, 2 * len(slugs)))

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_until_up(f"{base}/bench/bare/")
        student, employer = cookies["student"], cookies["employer"]
        search_label = "distinct searches (mix, cache misses)"
        targets = [  # label, path, cookie, files of paths to walk instead
            ("bare Django view", "/bench/bare/", "", None),
            ("/projects/", "/projects/", "", None),
            (f"/projects/?q={args.word} (one query, cached)", f"/projects/?q={args.word}", "", None),
            (search_label, "/projects/", "", searches),
            ("a project page", f"/projects/{slug}/", "", None),
            ("a project page, student signed in", f"/projects/{slug}/", student, None),
            (f"project pages ({len(slugs)} different)", "/projects/", "", pages),
            (f"project pages ({len(slugs)}), student signed in", "/projects/", student, pages),
            (f"applicants page ({args.applicants})", f"/employer/projects/{slug}/applicants/?blind=0", employer, None),
            (f"/applications/ ({args.applications})", "/applications/", student, None),
            ("student dashboard", "/dashboard/", student, None),
            ("employer dashboard", "/dashboard/", employer, None),
            (f"engagement page ({args.rounds} rounds)", f"/engagements/{engagement}/", cookies["supervisor"], None),
        ]
        outcome_targets = [
            ("outcomes, no filter", "/admin/outcomes/", cookies["staff"], None),
            (
                "outcomes, three filters",
                f"/admin/outcomes/?program={program}&class_year={time.localtime().tm_year + 1}&size=large",
                cookies["staff"],
                None,
            ),
        ]
        labels = [t[0] for t in targets]
        if args.only:
            targets = [targets[0], *(t for t in targets[1:] if args.only in t[0])]
            outcome_targets = [t for t in outcome_targets if args.only in t[0]]
        for _, path, cookie, _ in targets[1:] + outcome_targets:
            request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
                assert response.status == 200 and response.url == base + path, path
        print(
            f"Load: {tool}, {args.connections} connections, {args.duration:.0f}s per URL, "
            f"gunicorn with {args.workers} sync workers, DEBUG=false, {cache_label}"
        )
        results = measure(tool, base, targets, args)
        # The machine's speed drifts over a run: the bare view again at the end, and the ratios
        # divide by the mean of both (their p50 and p99 are the first's).
        first, last = results[0][1], measure(tool, base, targets[:1], args)[0][1]
        print(f"  bare view: {first['rps']:.0f} req/s first, {last['rps']:.0f} last; ratios use their mean")
        results[0] = (
            targets[0][0],
            {**first, "rps": (first["rps"] + last["rps"]) / 2, "errors": first["errors"] + last["errors"]},
        )
        # A staff page: one connection per worker, so its p99 is the page's own time, not a queue.
        outcomes = measure(
            tool, base, outcome_targets, argparse.Namespace(**{**vars(args), "connections": args.outcome_connections})
        )
        for cookie, application_id in warm_offers:
            accept_offer(base, cookie, application_id)
        accept_ms = accept_offer(base, offer_cookie, offer_id)
        print(f"  accepted the offer that fills a project with {args.others} other applicants")
        if args.growth:
            print(f"Growing to {args.growth} projects ({time.monotonic() - started:.0f}s)")
            with unchecked_references():
                grow(projects=args.growth)
            bump_listing_version()
            connections.close_all()
            growth = measure(tool, base, [targets[0], (search_label, "/projects/", "", searches)], args)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
                pass
            recreate_database(args.database_url, drop_only=True)

    print()
    print_table(results)
    if growth:
        print()
        print(f"At {args.growth} projects:")
        print_table(growth)
    if outcomes:
        print()
        print(f"The outcomes dashboard at {args.outcome_connections} connections, no cache:")
        print_table([results[0], *outcomes])
    print()
    print(f"Reminder jobs over {engagements:,} engagements (first run, then again: each reminder goes once)")
    print(f"{'job':26} {'1st s':>7} {'done':>5} {'emails':>7} {'2nd s':>7} {'done':>5} {'emails':>7}")
    for name, ((t1, d1, e1), (t2, d2, e2)) in scan:
        print(f"{name:26} {t1:7.2f} {d1:5d} {e1:7d} {t2:7.2f} {d2:5d} {e2:7d}")
    goals = []  # label, what, met
    figures = dict(results)
    for label, least, p99 in [
        (labels[2], 0.25, GOAL_P99_MS),
        (search_label, 0.10, GOAL_P99_MS),
        (labels[6], 0.10, GOAL_P99_MS),
        (labels[7], 0.10, GOAL_P99_MS),
        (labels[8], 0.05, GOAL_P99_MS),
        (labels[9], 0.10, None),
        (labels[10], 0.10, None),
        (labels[11], 0.10, None),
    ]:
        if label not in figures:
            continue
        ratio = ratio_of(results, label)
        goals.append((label, f"at least {least:.2f} of the bare view: {ratio:.2f}", ratio >= least))
        if p99:
            measured = figures[label]["p99_ms"]
            goals.append((label, f"p99 under {p99} ms: {measured:.0f} ms", measured < p99))
    goals.append(
        (
            f"accepting the offer that fills a project ({args.others} others)",
            f"under {ACCEPT_GOAL_MS} ms: {accept_ms:.0f} ms",
            accept_ms < ACCEPT_GOAL_MS,
        )
    )
    if growth and search_label in figures:
        small, large = ratio_of(results, search_label), ratio_of(growth, search_label)
        goals.append(
            (
                f"distinct searches at {args.growth} projects",
                f"ratio at least half of {small:.3f} at {args.projects}: {large:.3f}",
                large >= small / 2,
            )
        )
    for label, r in outcomes:
        met = r["requests"] > 0 and r["p99_ms"] < OUTCOMES_GOAL_MS
        goals.append((label, f"p99 under {OUTCOMES_GOAL_MS} ms: {r['p99_ms']:.0f} ms", met))
    print()
    for label, what, met in goals:
        print(f"Goal: {label}: {what} ({'met' if met else 'NOT met'})")
    print(f"Total time {time.monotonic() - started:.0f}s")
    if any(r["errors"] for _, r in results + outcomes + (growth or [])):
        sys.exit("Some requests failed.")


if __name__ == "__main__":
    main()
