"""A short-lived cache of the browse page's results, safe to serve the moment anything changes.

Any change to a project, an organization or a skill moves the *listing version* on (signals),
once the change has committed: one row (``ListingVersion``), updated in a transaction of its own
after the change's, so that whoever sees the new version sees the change. A page is kept with
the version read in the same statement as its search, so the version is never newer than what
the page shows; it is served only while the version has not moved, for ``TTL`` seconds at most,
and only on the day it was made (apply-by dates expire at midnight).

Pages live in each process's memory. A page served again costs one query for the version. A
page computed afresh costs none: its search reads the version as a column of its own. Most
searches are asked once: a round trip to the shared cache for the version, which is where the
version was kept before, took a sixth of the throughput of distinct searches.

While this connection's transaction holds a change not yet committed, pages are neither served
from nor kept in the cache: the version has not moved yet, and the change may still be rolled
back.
"""

import hashlib
import secrets
from collections import OrderedDict
from functools import lru_cache
from threading import Lock, local
from time import monotonic

from django.db import connection, transaction
from django.db.models import F
from django.template import engines
from django.utils import timezone

from portal.prepared import PreparedSQL

from .models import ListingVersion

# Seconds a page is kept: the "posted in the last day" filter moves with the clock, no version.
TTL = 300
# The most recent pages each process keeps, the oldest dropped first.
LOCAL_SIZE = 256
_local = OrderedDict()
_local_lock = Lock()
# A page computed while the version moves is computed again, at most this many times.
ATTEMPTS = 3
# The version as a column of a search's statement (read with the same snapshot as its data).
VERSION_COLUMN = f"(SELECT v.value FROM {ListingVersion._meta.db_table} v WHERE v.id = 1)"  # noqa: S608
# The version alone, for a page kept: the query of every page served again.
VERSION = PreparedSQL(f"SELECT value FROM {ListingVersion._meta.db_table} WHERE id = 1")  # noqa: S608


class _Computing:
    """What a page being computed has read: the oldest version its statements read (``None``
    before the first; ``unknown`` when one gave no row to read it from), and the versions of the
    kept parts it used (the skill list)."""

    def __init__(self):
        self.version = None
        self.unknown = False
        self.parts = set()


_computing = local()


def listing_version():
    """The current listing version: one query."""
    found = VERSION.fetchall([])
    return found[0][0] if found else _first_version()


def _first_version():
    """The row made again where a database was emptied by hand or by a test: a random start,
    so that it never meets the versions of pages kept before."""
    return ListingVersion.objects.get_or_create(pk=1, defaults={"value": secrets.randbits(48)})[0].value


def _move_on():
    connection.listing_change_pending = False
    if not ListingVersion.objects.filter(pk=1).update(value=F("value") + 1):
        _first_version()


def bump_listing_version(**kwargs):
    """Move the version on once the current transaction commits (at once outside of one). A
    failure to (the database gone right after the commit) is logged, not shown to the person
    whose change was saved: pages kept before it are then served until they expire."""
    if connection.in_atomic_block:
        connection.listing_change_pending = True
    transaction.on_commit(_move_on, robust=True)


def _change_pending():
    """Whether this connection's transaction holds a listing change that has not committed (or
    was rolled back: taken as pending until the transaction ends, which only costs the cache)."""
    if not getattr(connection, "listing_change_pending", False):
        return False
    if connection.in_atomic_block:
        return True
    connection.listing_change_pending = False
    return False


def version_read(version):
    """Tell the page being computed the version a statement of its search read with its data
    (``None``: the statement gave no row to read it from)."""
    computing = getattr(_computing, "state", None)
    if computing is None:
        return
    if version is None:
        computing.unknown = True
    elif computing.version is None or version < computing.version:
        computing.version = version


# The templates of the cached fragments, Jinja2's (and the card written in Python): a deploy that
# changes them moves readers to new keys.
CACHED_TEMPLATES = ["opportunities/_results.html", "opportunities/_browse_form.html"]


@lru_cache(maxsize=1)
def _templates_digest():
    from .templatetags.opportunities_tags import CARD

    env = engines["jinja2"].env
    sources = "".join(env.loader.get_source(env, name)[0] for name in CACHED_TEMPLATES) + CARD
    return hashlib.sha256(sources.encode()).hexdigest()[:12]


def listing_key(kind, parts):
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()
    return f"opportunities:{kind}:{_templates_digest()}:{day}:{digest}"


def _kept(key, now):
    """The (version, value) kept under ``key``, or None."""
    with _local_lock:
        entry = _local.get(key)
        if entry is None or entry[0] <= now:
            return None
        _local.move_to_end(key)
        return entry[1], entry[2]


def _keep(key, now, version, value):
    with _local_lock:
        _local[key] = (now + TTL, version, value)
        _local.move_to_end(key)
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)


def _forget(key):
    with _local_lock:
        _local.pop(key, None)


def forget_all():
    """Drop every kept page of this process (tests: each starts from a fresh database)."""
    with _local_lock:
        _local.clear()


def cached(kind, parts, compute):
    """``compute()``, or what it gave under the same listing version, day and ``parts`` within
    TTL seconds in this process.

    Called while a page is being computed (the skill list), the part is taken as kept; its
    version is compared with the page's once the page's search has read it, and the page is
    computed again with the part read afresh if they differ (a skill renamed since)."""
    if _change_pending():
        return compute()
    key = listing_key(kind, parts)
    now = monotonic()
    kept = _kept(key, now)
    computing = getattr(_computing, "state", None)
    if computing is not None:
        if kept is None:
            kept = listing_version(), compute()  # the version read before the part's data
            _keep(key, now, *kept)
        computing.parts.add((key, kept[0]))
        return kept[1]
    if kept is not None and kept[0] == listing_version():
        return kept[1]
    for _ in range(ATTEMPTS):
        _computing.state = computing = _Computing()
        try:
            value = compute()
        finally:
            _computing.state = None
        version = computing.version
        if version is None or computing.unknown:
            return value  # no version read with all of its data: served, not kept
        stale = [part for part, part_version in computing.parts if part_version != version]
        if not stale:
            _keep(key, now, version, value)
            return value
        for part in stale:
            _forget(part)
    return value
