import gc
import os

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
