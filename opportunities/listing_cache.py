"""A short-lived cache of the browse page's results, safe to serve the moment anything changes.

Every key carries a *listing version* that any change to a project, an organization or a skill
bumps (signals below), plus today's date (apply-by dates expire at midnight). So a cached page
is never stale: a change simply moves every reader to new keys, and the old ones age out.

The version lives in the shared cache (Redis in production), so every process sees a change at
once; the pages live in each process's memory. Most searches are asked once: shared, each of
them cost a round trip that missed and another that stored about 30 KB nobody read again (a
tenth of a cold search's CPU), while a search that is asked again is asked again of every
process, which each compute it once.
"""

import hashlib
import secrets
from collections import OrderedDict
from functools import lru_cache
from threading import Lock, local
from time import monotonic

from django.core.cache import cache
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone

VERSION_KEY = "opportunities:listing-version"
# Seconds a page is kept: the "posted in the last day" filter moves with the clock, no version.
TTL = 300
# The most recent pages each process keeps, the oldest dropped first.
LOCAL_SIZE = 256
_local = OrderedDict()
_local_lock = Lock()


# The version a page being computed was read under: the cached parts it reads in turn (the skill
# list) use it too, one round trip to the cache fewer, and the page reads one state throughout.
_computing = local()


def listing_version():
    version = getattr(_computing, "version", None)
    if version is not None:
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random start, so a new sequence never meets keys of an earlier one (a cache restart).
        version = secrets.randbits(48)
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet: the next reader starts a new one
        cache.delete(VERSION_KEY)


def bump_listing_version(**kwargs):
    """Now, and again once the change commits: a page read in between (the old state under the
    new version) is not kept."""
    _bump()
    transaction.on_commit(_bump)


# The templates of the cached fragments (and the card written in Python): a deploy that changes
# them moves readers to new keys.
CACHED_TEMPLATES = ["opportunities/_results.html", "opportunities/_browse_form.html"]


@lru_cache(maxsize=1)
def _templates_digest():
    from .templatetags.opportunities_tags import CARD

    sources = "".join(get_template(name).template.source for name in CACHED_TEMPLATES) + CARD
    return hashlib.sha256(sources.encode()).hexdigest()[:12]


def listing_key(kind, version, parts):
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()
    return f"opportunities:{kind}:{version}:{_templates_digest()}:{day}:{digest}"


def cached(kind, parts, compute):
    """``compute()``, or what it gave under the same listing version, day and ``parts`` within
    TTL seconds in this process."""
    version = listing_version()
    key = listing_key(kind, version, parts)
    now = monotonic()
    with _local_lock:
        entry = _local.get(key)
        if entry is not None and entry[0] > now:
            _local.move_to_end(key)
            return entry[1]
    outer, _computing.version = getattr(_computing, "version", None), version
    try:
        value = compute()
    finally:
        _computing.version = outer
    with _local_lock:
        _local[key] = (now + TTL, value)
        _local.move_to_end(key)
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)
    return value
