"""Input that once gave a server error: now a message beside the field, input kept, nothing saved."""

import pytest
from django.contrib import admin

from portal.models import StudentProfile
from tests.portal.test_profile import PROFILE, full_form
from tests.portal.test_profile import skills as skills  # noqa: PLC0414 - the fixture
from tests.signin import admin_login

pytestmark = pytest.mark.django_db


def test_a_linkedin_url_longer_than_its_column_is_marked_and_kept(client, alice, skills):
    long_url = "https://www.linkedin.com/in/" + "a" * 200
    client.force_login(alice)
    response = client.post(PROFILE, full_form(skills, linkedin_url=long_url))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 228)." in html
    assert long_url in html
    assert 'value="B.S. Biology"' in html
    assert not StudentProfile.objects.filter(user=alice).exclude(program="").exists()


def _changelists():
    return [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]


@pytest.mark.parametrize(
    "query",
    [
        "?created_at__year=99999",
        "?created_at__year=-1",
        "?created_at__year=9999&created_at__month=12&created_at__day=31",
        "?created_at__year=2026&created_at__month=13",
    ],
)
def test_admin_lists_answer_an_out_of_range_date_filter_with_a_message(client, sid, query):
    admin_login(client, sid)
    for url in _changelists():
        response = client.get(url + query, follow=True)
        assert response.status_code in (200, 403), url + query
        if response.redirect_chain:
            assert response.redirect_chain[-1][0].endswith("?e=1")
            assert "That filter is not a valid date or value" in response.content.decode(), url
