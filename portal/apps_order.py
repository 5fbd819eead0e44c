"""The portal's own apps, lowest first: the order their imports allow, and so the order in which
their per-app modules (``privacy``, ``demo``) run."""

import importlib
import importlib.util

PORTAL_APPS = ["portal", "opportunities", "payroll", "applications"]


def app_modules(name):
    """(app, module) for every app that has a module called ``name``, lowest app first."""
    for app in PORTAL_APPS:
        if importlib.util.find_spec(f"{app}.{name}") is not None:
            yield app, importlib.import_module(f"{app}.{name}")
