"""A small HTTP load generator: N threads, each with its own connection, for a fixed time.

With ``--paths FILE`` (one path a line) the requests walk that list instead of repeating the URL's
path, each thread from its own place, as ``bench/paths.lua`` does for wrk.

Run as its own process (``python bench/load.py URL --connections 16 --duration 10``) so that it
does not share an interpreter with the server; prints one JSON line with the results.
"""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def worker(host, port, paths, start, stop, latencies, errors, lock, cookie=""):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    mine, bad = [], 0
    while True:
        began = time.perf_counter()
        if began >= stop:
            break
        path = next(paths)
        try:
            headers = {"Host": host, "Connection": "keep-alive"}
            if cookie:
                headers["Cookie"] = cookie
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
        ended = time.perf_counter()
        if began >= start:  # requests of the warm-up are not counted
            if ok:
                mine.append(ended - began)
            else:
                bad += 1
    conn.close()
    with lock:
        latencies.extend(mine)
        errors[0] += bad


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def _walk(paths, offset):
    while True:
        for i in range(len(paths)):
            yield paths[(offset + i) % len(paths)]


def run(url, connections, duration, warmup, cookie="", paths=None):
    parts = urlsplit(url)
    paths = paths or [parts.path + (f"?{parts.query}" if parts.query else "")]
    now = time.perf_counter()
    start, stop = now + warmup, now + warmup + duration
    latencies, errors, lock = [], [0], threading.Lock()
    threads = [
        threading.Thread(
            target=worker,
            args=(
                parts.hostname,
                parts.port or 80,
                _walk(paths, n * len(paths) // connections),
                start,
                stop,
                latencies,
                errors,
                lock,
                cookie,
            ),
        )
        for n in range(connections)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + duration + 30)
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / duration,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--cookie", default="", help="a Cookie header to send (a signed-in session)")
    parser.add_argument("--paths", help="a file of paths, one a line, to walk instead of the URL's path")
    args = parser.parse_args()
    paths = None
    if args.paths:
        with open(args.paths, encoding="utf-8") as f:
            paths = [line.strip() for line in f if line.strip()]
    print(json.dumps(run(args.url, args.connections, args.duration, args.warmup, args.cookie, paths)))


if __name__ == "__main__":
    main()
