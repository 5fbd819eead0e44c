"""Uploads in S3-compatible object storage, against a real S3 protocol server (moto's, started
here on 127.0.0.1), so that any web machine serves what another one received."""

import logging
import socket

import boto3
import pytest
from django.core.files.storage import default_storage

from portal.models import StudentProfile
from portal.settings import s3_storage_options
from tests.downloads import read_download
from tests.factories import pdf_bytes

from .test_profile import full_form, skills  # noqa: F401 - the profile form and its skills
from .test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

BUCKET = "portal-uploads"
KEY, SECRET = "test-access-key", "test-secret/key+with=odd chars"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings):
    """The portal's uploads in a fresh bucket, configured the way production is: STORAGE_URL."""
    from urllib.parse import quote

    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id=KEY, aws_secret_access_key=SECRET
    )
    client.create_bucket(Bucket=BUCKET)
    url = f"s3://{KEY}:{quote(SECRET, safe='')}@{BUCKET}/uploads?endpoint_url={s3_endpoint}&region_name=us-east-1"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options({"STORAGE_URL": url})},
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def stored_keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_resume_goes_to_the_bucket_and_only_its_owner_gets_it(client, s3, alice, bob, skills):  # noqa: F811
    client.force_login(alice)
    upload = pdf_bytes(pages=2)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/profile/", full_form(skills, resume=SimpleUploadedFile("cv.pdf", upload, content_type="application/pdf"))
    )
    assert response.status_code == 302
    name = StudentProfile.objects.get(user=alice).resume.name
    # In the bucket, under the prefix, and nowhere on this machine's disk.
    assert stored_keys(s3) == [f"uploads/{name}"]
    assert s3.get_object(Bucket=BUCKET, Key=f"uploads/{name}")["Body"].read() == upload

    response = client.get("/profile/resume/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert read_download(response) == upload

    client.force_login(bob)
    assert client.get("/profile/resume/").status_code == 404
    profile = StudentProfile.objects.get(user=alice)
    assert client.get(f"/profile/resume/{profile.pk}/").status_code == 404


def test_objects_are_private(client, s3, alice, skills):  # noqa: F811
    client.force_login(alice)
    client.post("/profile/", full_form(skills))
    key = stored_keys(s3)[0]
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers / AuthenticatedUsers
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only
    # Were a URL ever made, it would be signed.
    assert "Signature=" in default_storage.url(key.removeprefix("uploads/"))


def test_a_replaced_resume_leaves_the_bucket(client, s3, alice, skills, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/profile/", full_form(skills))
    first = stored_keys(s3)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/profile/", full_form(skills))
    second = stored_keys(s3)
    assert len(first) == len(second) == 1 and first != second


def test_a_missing_object_is_a_404_not_a_500(client, s3, alice, skills):  # noqa: F811
    client.force_login(alice)
    client.post("/profile/", full_form(skills))
    s3.delete_object(Bucket=BUCKET, Key=stored_keys(s3)[0])
    assert client.get("/profile/resume/").status_code == 404


def test_storage_from_the_aws_variables_in_production():
    env = {
        **PRODUCTION,
        "AWS_STORAGE_BUCKET_NAME": "portal-uploads",
        "AWS_S3_ENDPOINT_URL": "https://objects.example.edu",
        "AWS_S3_REGION_NAME": "us-east-2",
    }
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.STORAGES['default']; "
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'], "
        "d['OPTIONS']['default_acl'], d['OPTIONS']['querystring_auth'])",
        env=env,
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "storages.backends.s3.S3Storage portal-uploads https://objects.example.edu None True"
    ), result.stderr


def test_local_files_stay_the_laptop_default():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])",
        env={},
    )
    assert result.stdout.strip().splitlines()[-1] == "django.core.files.storage.FileSystemStorage", result.stderr


def test_a_storage_url_that_is_not_s3_is_refused():
    with pytest.raises(Exception, match="STORAGE_URL must look like"):
        s3_storage_options({"STORAGE_URL": "https://bucket.example.com/"})
    options = s3_storage_options({"STORAGE_URL": "s3://bucket/a/b?region=eu-west-1", "AWS_ACCESS_KEY_ID": "k"})
    assert (options["bucket_name"], options["location"], options["region_name"], options["access_key"]) == (
        "bucket",
        "a/b",
        "eu-west-1",
        "k",
    )
    assert s3_storage_options({}) is None
