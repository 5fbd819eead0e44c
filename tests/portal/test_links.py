import pytest
from django.test.utils import override_script_prefix
from django.urls import NoReverseMatch, reverse

from applications.views import APPLICANT_ACTIONS
from portal.links import fixed_url, url_with

BY_PK = [
    "portal:resume-of",
    "applications:detail",
    "engagements:detail",
    *(f"applications:applicant-{action}" for action in APPLICANT_ACTIONS),
]
BY_SLUG = ["applications:apply", "applications:applicants", "opportunities:employer-project-detail"]


@pytest.mark.parametrize("prefix", ["/", "/portal/"])
def test_a_list_s_links_are_the_urls_reverse_gives(prefix):
    with override_script_prefix(prefix):
        for name in BY_PK:
            link = url_with(name)
            for pk in (1, 9, 10, 100, 987654321, 2**31 - 1):
                assert link(pk) == reverse(name, args=[pk])
        for name in BY_SLUG:
            link = url_with(name)
            for slug in ("a", "data-cleanup-9", "987654321", "x_y-2"):
                assert link(slug) == reverse(name, args=[slug])


@pytest.mark.parametrize("prefix", ["/", "/portal/"])
def test_the_arguments_before_the_rows_own_are_fixed_for_the_list(prefix):
    with override_script_prefix(prefix):
        for engagement in (1, 10, 987654321):
            link = url_with("engagements:file", engagement)
            for pk in (1, 9, 10, 987654321):
                assert link(pk) == reverse("engagements:file", args=[engagement, pk])


def test_a_url_without_exactly_one_argument_is_refused():
    with pytest.raises(NoReverseMatch):
        url_with("opportunities:project-list")


@pytest.mark.parametrize("prefix", ["/", "/portal/", "/a&b/"])
def test_the_url_tag_gives_what_reverse_gives_under_each_script_prefix(prefix):
    from django.template import Context, Template

    from portal.template_urls import FixedURLNode

    template = Template(
        "{% url 'portal:home' %}|{% url 'opportunities:project-list' %}|{% url name %}"
        "|{% url 'applications:detail' 7 %}|{% url 'portal:home' as home %}{{ home }}"
    )
    assert all(isinstance(node, FixedURLNode) for node in template.nodelist if hasattr(node, "view_name"))
    with override_script_prefix(prefix):
        for _ in range(2):  # the second time from what the first reversed
            rendered = template.render(Context({"name": "portal:home"})).split("|")
            home, projects = reverse("portal:home"), reverse("opportunities:project-list")
            escaped = home.replace("&", "&amp;")
            assert rendered == [
                escaped,
                projects.replace("&", "&amp;"),
                escaped,
                reverse("applications:detail", args=[7]).replace("&", "&amp;"),
                escaped,
            ]
            assert home.startswith(prefix)
            assert fixed_url("portal:home") == home and fixed_url("opportunities:project-list") == projects
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-page' %}").render(Context())


def test_static_addresses_are_worked_out_once_per_name(tmp_path, monkeypatch):
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from portal.static_storage import StaticStorage

    storage = StaticStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {"css/portal.css": "css/portal.0123abcd.css"}
    asked = []
    url = CompressedManifestStaticFilesStorage.url
    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", lambda self, *a: asked.append(a) or url(self, *a))
    assert storage.url("css/portal.css") == storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    assert len(asked) == 1
