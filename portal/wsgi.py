import gc
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Every URL pattern and view module loaded now, then everything loaded so far moved out of the
# garbage collector's sight: it lives as long as the process. Otherwise each full collection
# walks it all again, 75 ms of a request's time on the applicants page (about twice per thousand
# requests per process), and every request queued behind it waits as long. What is frozen is
# never freed: only what is loaded at start, which lives as long as the process anyway.
get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module it names
gc.collect()
gc.freeze()

# What the first requests load in their turn (compiled templates, prepared statements, the
# modules that views import late) lives as long too, and each full collection walked it again:
# 13 ms, eight times per thousand applicants pages, against 1 ms once it is frozen as well.
WARM_REQUESTS = 200
_served = 0


def freeze_when_warm(**kwargs):
    global _served  # noqa: PLW0603 - one count per process
    _served += 1
    if _served >= WARM_REQUESTS:
        request_finished.disconnect(freeze_when_warm)
        gc.collect()
        gc.freeze()


request_finished.connect(freeze_when_warm)
