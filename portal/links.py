"""Links for long lists: ``reverse()`` once per list rather than once per row.

Django's ``reverse()`` walks the URL resolver every time (tens of microseconds); a page that links
each of twenty cards or a hundred rows to a few actions spent a tenth of its time there. For a
URL whose one argument is a primary key or a slug, ``url_with(name)`` reverses it once around a
sample value and gives a function that puts each row's value in its place: the same URL
``reverse(name, args=[value])`` gives (tested), under any script prefix. Call it per request (the
prefix is the request's), not at import time.
"""

from django.urls import reverse

# Digits: valid for <int:...> and <slug:...> alike, and found nowhere else in our URLs.
SAMPLE = 987654321


def url_with(name, *fixed):
    """``reverse(name, args=[*fixed, value])`` as a function of ``value``, an int or a slug (whose
    characters a URL writes as they are): ``fixed`` are the arguments before it, the same for the
    whole list (the engagement of its files, say). The value goes where the sample's last
    occurrence is: its argument is the last one."""
    before, sample, after = reverse(name, args=[*fixed, SAMPLE]).rpartition(str(SAMPLE))
    if not sample:
        raise ValueError(f"{name}: the URL does not hold its argument as written")
    return lambda value: f"{before}{value}{after}"
