"""Production settings, checked in a fresh interpreter as a deployment would load them."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "p" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "portal.example.edu",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "DATABASE_URL": "sqlite:///:memory:",
}


def python(*args, env):
    """A fresh interpreter in the project, with ``env`` in place of this one's settings."""
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args, env):
    return python("manage.py", *args, env=env)


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_uses_compressed_manifest_static_files():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; from django.utils.module_loading import import_string;"
        " from whitenoise.storage import CompressedManifestStaticFilesStorage as C;"
        " print(issubclass(import_string(settings.STORAGES['staticfiles']['BACKEND']), C))",
        env=PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_missing_secret_key_is_named():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_missing_encryption_keys_are_named():
    env = {k: v for k, v in PRODUCTION.items() if k != "FIELD_ENCRYPTION_KEYS"}
    result = manage("check", env=env)
    assert "FIELD_ENCRYPTION_KEYS must be set when DEBUG is false" in result.stderr


def test_missing_allowed_hosts_are_named():
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert "ALLOWED_HOSTS must be set when DEBUG is false" in result.stderr


def test_seed_demo_refuses_in_production():
    result = manage("seed_demo", env=PRODUCTION)
    assert result.returncode != 0
    assert "refuses to run when DEBUG is false" in result.stderr


def test_the_wsgi_application_loads_its_views_then_freezes_what_it_loaded():
    """What the server loads once lives as long as the process: the garbage collector no
    longer walks it on each full collection (the views are loaded by then, not on a request)."""
    result = manage(
        "shell",
        "-c",
        "import gc, sys; import portal.wsgi; "
        "print(gc.get_freeze_count() > 10_000, 'applications.views' in sys.modules, callable(portal.wsgi.application))",
        env=PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True True"


def test_redis_replies_are_parsed_in_c():
    """hiredis (requirements.txt): redis-py then parses each reply in C, not in Python."""
    from redis.connection import DefaultParser
    from redis.utils import HIREDIS_AVAILABLE

    assert HIREDIS_AVAILABLE
    assert "Hiredis" in DefaultParser.__name__


def test_the_server_process_freezes_what_it_loaded_at_start_and_in_its_first_requests():
    """Out of the garbage collector's sight: what the process keeps to its end (portal/wsgi.py)."""
    script = (
        "import gc\n"
        "from django.core.signals import request_finished\n"
        "from portal import wsgi\n"
        "at_start = gc.get_freeze_count()\n"
        "loaded = [[n] for n in range(5000)]\n"  # what the first requests load, say
        "for _ in range(wsgi.WARM_REQUESTS - 1): request_finished.send(sender=None)\n"
        "before = gc.get_freeze_count()\n"
        "request_finished.send(sender=None)\n"
        "print(at_start > 0, before == at_start, gc.get_freeze_count() >= at_start + 5000)\n"
    )
    done = python("-c", script, env={**PRODUCTION, "DJANGO_SETTINGS_MODULE": "portal.settings"})
    assert done.stdout.split() == ["True", "True", "True"], done.stderr
