"""The Nu HTML checker finds no error on any page of any role (the pages of tests/pages.py)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from portal.models import User
from tests.conftest import require
from tests.pages import pages_by_role, seed_demo
from tests.signin import admin_login

# `make vnu` installs the checker here (npm's vnu-jar); VNU_JAR points elsewhere.
DEFAULT_JAR = Path(__file__).resolve().parent.parent / ".tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar"


def vnu_jar():
    jar = Path(os.environ.get("VNU_JAR") or DEFAULT_JAR)
    require(jar.exists(), "the Nu HTML checker is not installed (make vnu)")
    require(shutil.which("java") is not None, "Java is not installed")
    return jar


@pytest.mark.django_db
def test_every_page_is_valid_html(client, tmp_path):
    jar = vnu_jar()
    seed_demo()
    saved = {}
    for who, urls in pages_by_role().items():
        client.logout()
        if who:
            admin_login(client, User.objects.get(email=who))  # staff pages include the admin
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), f"{who} {url}: HTTP {response.status_code}"
            path = tmp_path / f"page-{len(saved):03d}.html"
            path.write_bytes(response.content)
            saved[path.name] = (path, f"{who or 'visitor'} {url}")
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *(str(p) for p, _ in saved.values())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{saved[m.get('url', '').rsplit('/', 1)[-1]][1]} line {m.get('lastLine')}: {m['message']} [{m.get('extract')}]"
        for m in messages
    ]
    assert errors == [], "\n".join(errors)
