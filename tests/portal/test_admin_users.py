"""The user admin: career center staff help people, they cannot hand out power or take over accounts."""

import pytest
from django.urls import reverse

from portal.models import User
from tests.factories import StaffFactory
from tests.signin import admin_login

pytestmark = pytest.mark.django_db


def change_url(user):
    return reverse("admin:portal_user_change", args=[user.pk])


def posted_user(user, **overrides):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
    }
    data.update(overrides)
    return data


def test_staff_cannot_make_themselves_superuser(client, sid):
    admin_login(client, sid)
    client.post(change_url(sid), posted_user(sid, is_superuser="on", is_staff="on"))
    sid.refresh_from_db()
    assert not sid.is_superuser


def test_staff_correct_a_students_name_but_not_access_or_email(client, sid, alice):
    admin_login(client, sid)
    response = client.post(
        change_url(alice),
        posted_user(alice, first_name="Alicia", email="sid-owns-this@example.edu", is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.first_name == "Alicia"
    assert alice.email == "alice@example.edu"
    assert not alice.is_staff and not alice.is_superuser


def test_staff_cannot_set_anyones_password(client, sid, alice):
    admin_login(client, sid)
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "A-new-pass-2026!", "password2": "A-new-pass-2026!"})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert not alice.check_password("A-new-pass-2026!")
    assert url not in client.get(change_url(alice)).content.decode()


def test_staff_cannot_change_another_staff_account(client, sid):
    other = StaffFactory(email="other-staff@career.example.edu")
    admin_login(client, sid)
    assert client.get(change_url(other)).status_code == 200  # read only
    client.post(change_url(other), posted_user(other, first_name="Changed", is_active=""))
    other.refresh_from_db()
    assert other.first_name != "Changed" and other.is_active


def test_superusers_keep_the_full_user_admin(client, alice):
    admin = User.objects.create_superuser("root@career.example.edu", "a-long-root-password")
    admin_login(client, admin)
    html = client.get(change_url(alice)).content.decode()
    assert 'name="is_superuser"' in html and 'name="email"' in html
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    assert client.get(url).status_code == 200


def test_staff_cannot_change_anyones_role(client, sid, alice):
    admin_login(client, sid)
    client.post(change_url(alice), posted_user(alice, role=User.Role.EMPLOYER))
    alice.refresh_from_db()
    assert alice.role == User.Role.STUDENT


def test_superusers_cannot_make_an_employer_either(client, alice):
    root = User.objects.create_superuser("root@career.example.edu", "a-long-root-password")
    admin_login(client, root)
    data = posted_user(alice, role=User.Role.EMPLOYER)
    response = client.post(change_url(alice), data)
    assert response.status_code == 200
    # The field's error list, escaped (drawn by Jinja2: an apostrophe is &#39;).
    assert "organization&#39;s invitation" in response.content.decode()
    alice.refresh_from_db()
    assert alice.role == User.Role.STUDENT


def test_createsuperuser_makes_a_staff_account(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-root-password-2026")
    call_command("createsuperuser", "--noinput", "--email", "root@career.example.edu", verbosity=0)
    root = User.objects.get(email="root@career.example.edu")
    assert root.role == User.Role.STAFF and root.is_superuser and root.is_staff
