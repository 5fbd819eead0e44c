import pytest
from django.test.utils import override_script_prefix
from django.urls import NoReverseMatch, reverse

from applications.views import APPLICANT_ACTIONS
from portal.links import url_with

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
