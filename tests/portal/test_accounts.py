import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from portal.models import OutboundEmail, User
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

SIGNUP_PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_up(client, capture, email, role):
    with capture(execute=True):
        return client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": SIGNUP_PASSWORD,
                "password2": SIGNUP_PASSWORD,
                "role": role,
                # Employers give their name; students may leave it for their profile.
                **({"first_name": "Dana", "last_name": "Lee"} if role == User.Role.EMPLOYER else {}),
            },
        )


def link_in(message):
    return re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


@pytest.mark.parametrize("role", [User.Role.STUDENT, User.Role.EMPLOYER])
def test_sign_up_verify_then_log_in(client, django_capture_on_commit_callbacks, role):
    response = sign_up(client, django_capture_on_commit_callbacks, "new.person@example.edu", role)

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.edu")
    assert user.role == role
    # The verification email went through the outbox and out.
    row = OutboundEmail.objects.get(recipient="new.person@example.edu", kind="account:email_confirmation_signup")
    assert row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.edu"]
    assert mail.outbox[0].alternatives, "the email has an HTML body too"

    # Not verified yet: logging in leads to "verify your email", not the dashboard.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.person@example.edu", "password": SIGNUP_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not client.get(reverse("portal:dashboard")).wsgi_request.user.is_authenticated

    # The link verifies the address and signs the person in.
    confirm_url = link_in(mail.outbox[0])
    assert client.get(confirm_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.edu").verified
    # A welcome email with next steps follows.
    assert mail.outbox[-1].subject == "Welcome to the Micro-Internships Portal"

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "New.Person@example.edu", "password": SIGNUP_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert response.context["user"] == user


def test_sign_up_form_keeps_input_and_explains_errors(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "someone@example.edu", "password1": "short", "password2": "different", "role": "employer"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="someone@example.edu"' in html
    assert "errorlist" in html
    assert not User.objects.filter(email="someone@example.edu").exists()


def test_role_cannot_be_staff_from_sign_up(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, "sneaky@example.edu", "staff")
    assert response.status_code == 200
    assert not User.objects.filter(email="sneaky@example.edu").exists()


def test_home_links_preselect_the_role(client):
    html = client.get(reverse("account_signup") + "?role=employer").content.decode()
    assert re.search(r'<input[^>]*value="employer"[^>]*checked', html)


def test_duplicate_email_is_refused_without_leaking(client, alice, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    response = sign_up(client, django_capture_on_commit_callbacks, "ALICE@example.edu", "student")
    # allauth hides whether the address exists, and tells the owner by email instead.
    assert User.objects.filter(email__iexact="alice@example.edu").count() == 1
    assert response.status_code in (200, 302)


def test_password_reset_email_goes_through_the_outbox(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "alice@example.edu"})
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(recipient="alice@example.edu", kind="account:password_reset_key").exists()
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_verified_user_logs_in_by_email(client, alice, password):
    response = client.post(reverse("account_login"), {"login": "alice@example.edu", "password": password})
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")


def test_repeated_failed_logins_are_rate_limited(client, alice, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "alice@example.edu", "password": "wrong-password"})
    # Even the right password is refused for a while, with a message saying why.
    response = client.post(reverse("account_login"), {"login": "alice@example.edu", "password": password})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_refuses_non_staff(client, alice):
    client.force_login(alice)
    assert client.get("/admin/login/").status_code == 403


def test_career_center_group_exists_with_admin_permissions(sid, client):
    assert sid.has_perm("portal.view_user")
    assert not sid.is_superuser
    admin_login(client, sid)
    assert client.get("/admin/portal/user/").status_code == 200


def test_employers_give_their_name_at_sign_up(client, django_capture_on_commit_callbacks):
    data = {"email": "dana@acme.example", "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD}
    response = client.post(reverse("account_signup"), {**data, "role": User.Role.EMPLOYER})
    assert response.status_code == 200
    assert "Enter your first name" in response.content.decode()
    assert not User.objects.filter(email="dana@acme.example").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {**data, "role": "employer", "first_name": "Dana", "last_name": "Lee"})
    dana = User.objects.get(email="dana@acme.example")
    assert (dana.first_name, dana.last_name) == ("Dana", "Lee")
    # The plain-text part of allauth's email is ours: a greeting by name, no host name.
    message = mail.outbox[-1]
    assert message.subject == "Confirm your email address"
    assert message.body.startswith("Hello Dana,\n")
    assert "Hello from" not in message.body and "127.0.0.1" not in message.body


def test_students_may_sign_up_without_a_name(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, "sam@example.edu", User.Role.STUDENT)
    assert response.status_code == 302
    assert mail.outbox[-1].body.startswith("Hello,\n")


def test_the_account_page_changes_the_name(client, carol):
    client.force_login(carol)
    response = client.get(reverse("portal:account-name"))
    assert 'value="Carol"' in response.content.decode()
    response = client.post(reverse("portal:account-name"), {"first_name": "Dana", "last_name": ""})
    assert response.status_code == 400
    response = client.post(reverse("portal:account-name"), {"first_name": " Dana ", "last_name": "Lee"})
    assert response.status_code == 302
    carol.refresh_from_db()
    assert carol.get_full_name() == "Dana Lee"


def test_password_reset_email_is_ours(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": alice.email})
    message = mail.outbox[-1]
    assert message.subject == "Reset your password"
    assert message.body.startswith(f"Hello {alice.first_name},\n")
    assert "http://testserver/accounts/password/reset/key/" in message.body
