"""Links for long lists, reversed once per process (and script prefix, and URLconf) rather than
once per row: links with a row's value (``url_with``) and links without arguments (``fixed_url``).

Django's ``reverse()`` walks the URL resolver every time (tens of microseconds); a page that links
each of twenty cards or a hundred rows to a few actions spent a tenth of its time there. For a
URL whose one argument is a primary key or a slug, ``url_with(name)`` reverses it once around a
sample value and gives a function that puts each row's value in its place: the same URL
``reverse(name, args=[value])`` gives (tested), under any script prefix. Call it per request (the
prefix is the request's), not at import time.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Digits: valid for <int:...> and <slug:...> alike, and found nowhere else in our URLs.
SAMPLE = 987654321


def url_with(name, *fixed):
    """``reverse(name, args=[*fixed, value])`` as a function of ``value``, an int or a slug (whose
    characters a URL writes as they are): ``fixed`` are the arguments before it, the same for the
    whole list (the engagement of its files, say). The value goes where the sample's last
    occurrence is: its argument is the last one."""
    before, after = _around_sample(name, tuple(fixed), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return lambda value: f"{before}{value}{after}"


@functools.lru_cache(maxsize=1024)
def _around_sample(name, fixed, script_prefix, urlconf):
    # The script prefix is part of the key: reverse() reads it itself.
    before, sample, after = reverse(name, urlconf=urlconf, args=[*fixed, SAMPLE]).rpartition(str(SAMPLE))
    if not sample:
        raise ValueError(f"{name}: the URL does not hold its argument as written")
    return before, after


def fixed_url(name, current_app=None):
    """``reverse(name)`` for a URL without arguments, reversed once per process (and script
    prefix, and URLconf): the same on every request."""
    return _reversed(name, current_app, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=1024)
def _reversed(name, current_app, script_prefix, urlconf):
    # The script prefix is part of the key: reverse() reads it itself.
    return reverse(name, urlconf=urlconf, current_app=current_app)
