"""Production settings plus the bench's URLs (with the bare view). Used only by ``make bench``."""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", BASE_DIR / "var" / "bench-static"))  # noqa: F405
