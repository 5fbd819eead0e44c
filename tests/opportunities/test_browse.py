import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities.listing_cache import bump_listing_version
from opportunities.models import SEARCH_CONFIG, CareerPath, Listing, Project
from opportunities.search import _IN_WEIGHTS, _WEIGHTS_OF
from opportunities.templatetags.opportunities_tags import plaintext
from portal.models import LearningResource, Organization, Skill, StudentProfile
from tests.conftest import require
from tests.factories import EmployerFactory, OrganizationFactory, ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db

S = Project.Status


def titles(response):
    return response.context["results"]["titles"]


def test_only_published_open_projects_of_verified_organizations_are_listed(client):
    listed = ProjectFactory(title="Listed")
    ProjectFactory(title="Draft", status=S.DRAFT, published_at=None)
    ProjectFactory(title="In review", status=S.IN_REVIEW, published_at=None)
    ProjectFactory(title="Closed", status=S.CLOSED)
    ProjectFactory(title="Cancelled", status=S.CANCELLED)
    ProjectFactory(title="Expired", apply_by=timezone.localdate() - timedelta(days=1))
    pending = ProjectFactory(title="Pending org", organization=OrganizationFactory(status="pending"))
    suspended = ProjectFactory(title="Suspended org", organization=OrganizationFactory(status="suspended"))
    response = client.get("/projects/")
    assert titles(response) == ["Listed"]
    assert "1 project" in response.content.decode()
    assert client.get(f"/projects/{listed.slug}/").status_code == 200
    for hidden in (pending, suspended):
        assert client.get(f"/projects/{hidden.slug}/").status_code == 404
    assert client.get("/projects/no-such-project/").status_code == 404


def test_filters_combine_and_stay_in_the_links(client, python_skill, excel):
    def make(title, **kw):
        return ProjectFactory(title=title, **kw)

    make("Match", career_path=CareerPath.DATA, skills=[python_skill], estimated_hours=12, fee=500, remote=True)
    make("Wrong path", career_path=CareerPath.DESIGN, skills=[python_skill], estimated_hours=12, fee=500)
    make("Wrong skill", career_path=CareerPath.DATA, skills=[excel], estimated_hours=12, fee=500)
    make("Too long", career_path=CareerPath.DATA, skills=[python_skill], estimated_hours=30, fee=900)
    make("Too cheap", career_path=CareerPath.DATA, skills=[python_skill], estimated_hours=12, fee=240)
    make("On site", career_path=CareerPath.DATA, skills=[python_skill], estimated_hours=12, fee=500, remote=False)
    response = client.get("/projects/?path=data&skill=python&hours_min=10&hours_max=20&pay_min=300&remote=yes")
    assert titles(response) == ["Match"]
    assert client.get("/projects/?remote=no").context["count"] == 1
    assert client.get("/projects/?skill=python&skill=microsoft-excel").context["count"] == 6
    assert (
        response.context["browse"]["query"] == "path=data&skill=python&hours_min=10&hours_max=20&pay_min=300&remote=yes"
    )


def test_sorts(client):
    today = timezone.localdate()
    ProjectFactory(title="Old cheap", fee=Decimal(200), published_at=timezone.now() - timedelta(days=3))
    ProjectFactory(title="Soon", fee=Decimal(300), apply_by=today + timedelta(days=1))
    ProjectFactory(title="Rich", fee=Decimal(800), published_at=timezone.now() - timedelta(days=1))
    assert titles(client.get("/projects/?sort=pay")) == ["Rich", "Soon", "Old cheap"]
    assert titles(client.get("/projects/?sort=apply_by"))[0] == "Soon"
    assert titles(client.get("/projects/"))[-1] == "Old cheap"
    assert titles(client.get("/projects/?posted=1")) == ["Soon"]


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("hours_min=abc", "We ignored “Hours, at least”: Enter a whole number."),
        ("hours_max=400", "We ignored “Hours, at most”: Ensure this value is less than or equal to 40."),
        ("hours_min=30&hours_max=10", "The most hours must be at least the fewest hours; we ignored both."),
        ("pay_min=-1", "We ignored “Fee at least (USD)”"),
        ("sort=cheapest", "We ignored “Sort by”"),
        ("path=astrology", "We ignored “Career path”"),
        ("skill=no-such-skill", "We ignored “Skills”"),
        ("remote=maybe", "We ignored “Where”"),
        ("posted=9999", "We ignored “Posted”"),
        ("page=zz", "We ignored “page”"),
        ("page=99", "There is no page 99; here is page 1."),
        ("page=-1", "There is no page -1"),
        ("q=" + "x" * 300, "We ignored “Search projects”"),
    ],
)
def test_bad_parameters_are_ignored_with_a_note(client, query, note):
    ProjectFactory(title="Still here")
    response = client.get(f"/projects/?{query}")
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert note in html
    assert titles(response) == ["Still here"]


def test_bad_value_is_kept_in_the_form(client):
    html = client.get("/projects/?hours_min=abc&q=design").content.decode()
    assert 'value="abc"' in html and 'value="design"' in html


def test_twenty_per_page_with_a_count(client):
    organization = OrganizationFactory()
    for i in range(45):
        ProjectFactory(organization=organization, title=f"P{i:02}", published_at=timezone.now() - timedelta(minutes=i))
    first = client.get("/projects/?path=data")
    assert first.context["count"] == 45
    assert len(titles(first)) == 20
    html = first.content.decode()
    assert "45 projects" in html and 'href="?path=data&amp;page=2"' in html
    assert titles(client.get("/projects/?path=data&page=3")) == [f"P{i:02}" for i in range(40, 45)]


@pytest.mark.parametrize("sort", ["", "newest", "pay"])
def test_a_searched_page_and_its_count_agree_however_sorted(client, sort):
    organization = OrganizationFactory()
    for i in range(45):
        ProjectFactory(
            organization=organization,
            title=f"Harbor survey {i:02}",
            fee=Decimal(1000 + i),
            published_at=timezone.now() - timedelta(minutes=45 - i),
        )
    ProjectFactory(organization=organization, title="Something else")
    pages = [client.get(f"/projects/?q=harbor&sort={sort}&page={n}") for n in (1, 2, 3)]
    assert [page.context["count"] for page in pages] == [45, 45, 45]
    shown = [title for page in pages for title in titles(page)]
    assert sorted(shown) == [f"Harbor survey {i:02}" for i in range(45)]
    if sort:  # newest and highest fee: both the reverse of the numbering
        assert shown == [f"Harbor survey {i:02}" for i in reversed(range(45))]
    html = pages[2].content.decode()
    assert "45 projects" in html and "Page 3 of 3" in html
    beyond = client.get(f"/projects/?q=harbor&sort={sort}&page=7").content.decode()
    assert "There is no page 7; here is page 3." in beyond


def test_empty_state_suggests_widening_the_search(client, python_skill):
    ProjectFactory(title="Something else")
    html = client.get("/projects/?q=zebra&skill=python&remote=no").content.decode()
    assert "No projects match this search" in html
    assert 'href="?skill=python&amp;remote=no">Drop search projects' in html
    assert 'href="?q=zebra&amp;remote=no">Drop skill Python' in html
    assert "See all projects" in html


def test_search_finds_by_title_skill_and_description(client, python_skill):
    ProjectFactory(title="Inventory forecasting", description="Spreadsheets.")
    ProjectFactory(title="Website refresh", description="Some inventory of pages.")
    ProjectFactory(title="Automation", skills=[python_skill])
    ProjectFactory(title="Unrelated")
    assert set(titles(client.get("/projects/?q=inventory"))) == {"Inventory forecasting", "Website refresh"}
    assert titles(client.get("/projects/?q=python")) == ["Automation"]


def test_search_ranks_a_title_match_above_a_description_match(client):
    require(connection.vendor == "postgresql", "full-text ranking needs PostgreSQL")
    ProjectFactory(
        title="Website refresh", description="We track the budget in a spreadsheet.", published_at=timezone.now()
    )
    ProjectFactory(title="Budget dashboard", description="Build it.", published_at=timezone.now() - timedelta(days=5))
    ProjectFactory(title="Onboarding", summary="Help plan a budget.", published_at=timezone.now() - timedelta(days=1))
    assert titles(client.get("/projects/?q=budgets")) == ["Budget dashboard", "Onboarding", "Website refresh"]


def test_search_ranks_every_word_in_the_title_then_in_the_summary_then_elsewhere(client):
    require(connection.vendor == "postgresql", "full-text ranking needs PostgreSQL")
    now = timezone.now()
    ProjectFactory(title="Website", description="A budget dashboard.", published_at=now)
    ProjectFactory(title="Budget review", summary="A dashboard for the board.", published_at=now - timedelta(days=1))
    ProjectFactory(title="Dashboard", skills=[SkillFactory(name="Budgeting")], published_at=now - timedelta(days=2))
    ProjectFactory(title="Budget dashboard", published_at=now - timedelta(days=9))
    ProjectFactory(title="Budget", description="Plan it.", published_at=now - timedelta(days=3))
    # The newest first within a tier.
    assert titles(client.get("/projects/?q=budget+dashboard")) == [
        "Budget dashboard",
        "Budget review",
        "Dashboard",
        "Website",
    ]
    # Every form of the search syntax is ranked the same way: a phrase, "or", a word left out,
    # an apostrophe (the phrase is in the title of one, in the description of the other).
    response = client.get("/projects/?" + urlencode({"q": '"budget dashboard" or o\'reilly -website'}))
    assert titles(response) == ["Budget dashboard", "Website"]
    assert titles(client.get("/projects/?q=budget+-dashboard")) == ["Budget"]


# What a search box receives: words, the search syntax, quotes and backslashes, other scripts.
SEARCH_PIECES = st.sampled_from(['"', "'", "-", "or", "\\", "o'reilly", "it’s", "data", "café", ":*", "<->", "&", "!"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(SEARCH_PIECES, st.text(max_size=12)), max_size=8).map(" ".join))
def test_the_tiers_query_is_the_search_with_each_word_restricted_to_weights(text):
    require(connection.vendor == "postgresql", "full-text search needs PostgreSQL")
    text = text.replace("\x00", "")  # refused by the form before it reaches a query
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT websearch_to_tsquery(%s::regconfig, %s)::text, ({_IN_WEIGHTS})::text",
            [SEARCH_CONFIG, text, SEARCH_CONFIG, text, *_WEIGHTS_OF["AB"]],
        )
        plain, weighted = cursor.fetchone()
    assert weighted.replace(":AB", "") == plain
    assert weighted.count("':AB") == len(re.findall(r"'(?:[^']|'')*'", plain))


def test_the_listing_vector_follows_edits_and_skill_changes(client):
    require(connection.vendor == "postgresql", "the stored search vector exists on PostgreSQL")
    project = ProjectFactory(title="Plain title")
    assert titles(client.get("/projects/?q=tableau")) == []
    tableau = SkillFactory(name="Tableau", slug="tableau")
    project.skills.add(tableau)
    assert titles(client.get("/projects/?q=tableau")) == ["Plain title"]
    tableau.name = "Power BI"
    tableau.save()
    assert titles(client.get("/projects/?q=tableau")) == []
    assert titles(client.get("/projects/?q=power")) == ["Plain title"]
    project.title = "Warehouse robotics"
    project.save()
    assert titles(client.get("/projects/?q=robotics")) == ["Warehouse robotics"]
    Listing.objects.filter(project=project).update(search_vector=None)
    bump_listing_version()  # update() sends no signal; a fresh read, not the cached page
    assert titles(client.get("/projects/?q=robotics")) == []  # the page reads the stored vector


def test_listings_follow_the_project_and_its_organization(client):
    """Search reads its own table of listings: every change that decides what is listed, or
    how a filter sees it, reaches it."""
    project = ProjectFactory(title="Survey design", fee=Decimal("400.00"), estimated_hours=10)
    organization = project.organization
    assert titles(client.get("/projects/?pay_min=500")) == []
    project.fee = Decimal("600.00")
    project.save()
    assert titles(client.get("/projects/?pay_min=500")) == ["Survey design"]
    project.status = S.CLOSED
    project.save(update_fields=["status"])
    assert titles(client.get("/projects/")) == [] and not Listing.objects.exists()
    project.status = S.PUBLISHED
    project.save(update_fields=["status"])
    assert titles(client.get("/projects/?hours_max=10")) == ["Survey design"]
    organization.status = Organization.Status.SUSPENDED
    organization.save()
    assert titles(client.get("/projects/")) == []
    organization.status = Organization.Status.VERIFIED
    organization.save()
    assert titles(client.get("/projects/")) == ["Survey design"]
    project.delete()
    assert titles(client.get("/projects/")) == [] and not Listing.objects.exists()


def test_project_page_shows_what_an_applicant_needs(client, carol):
    project = ProjectFactory(
        organization=carol.membership.organization,
        contact=carol,
        title="Churn study",
        estimated_hours=12,
        fee=Decimal("300.00"),
        questions=["What would you try first?", "Which tools do you know?"],
    )
    html = client.get(f"/projects/{project.slug}/").content.decode()
    for text in [
        "Churn study",
        carol.membership.organization.name,
        "12 hours",
        "$300.00",
        "about $25.00 per hour",
        "What would you try first?",
        "Which tools do you know?",
        "up to 500 characters",
        "Sign in to apply",
        "Carol Chen",
    ]:
        assert text in html, text


def test_project_page_formats_its_facts_and_links_to_sign_in_apply_and_manage(client, alice, carol):
    project = ProjectFactory(
        organization=carol.membership.organization,
        fee=Decimal("1234.50"),
        estimated_hours=10,
        apply_by=date(2030, 3, 4),
    )
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert '<dd>$1,234.50 <span class="muted">(about $123.45 per hour)</span></dd>' in html
    assert '<time datetime="2030-03-04">Monday, March 4, 2030</time>' in html
    assert f'href="{reverse("account_login")}?next=/projects/{project.slug}/">Sign in to apply</a>' in html
    client.force_login(alice)
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert f'href="{reverse("applications:apply", args=[project.slug])}">Apply to this project</a>' in html
    assert "Manage this project" not in html
    client.force_login(carol)
    html = client.get(f"/projects/{project.slug}/").content.decode()
    manage = reverse("opportunities:employer-project-detail", args=[project.slug])
    assert f'<a href="{manage}">Manage this project</a>' in html


def test_student_sees_learning_resources_for_skills_they_lack(client, alice, python_skill, excel):
    LearningResource.objects.create(skill=python_skill, title="Python for beginners", url="https://learn.example/py")
    LearningResource.objects.create(skill=excel, title="Excel basics", url="https://learn.example/xl")
    StudentProfile.objects.create(user=alice).skills.add(excel)
    project = ProjectFactory(skills=[python_skill, excel])
    client.force_login(alice)
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert "Skills you do not list yet" in html
    assert "Python for beginners" in html and "Excel basics" not in html
    assert "Apply to this project" in html


def test_student_without_profile_sees_every_skill_as_new(client, bob, python_skill):
    LearningResource.objects.create(skill=python_skill, title="Python for beginners", url="https://learn.example/py")
    project = ProjectFactory(skills=[python_skill])
    client.force_login(bob)
    assert "Python for beginners" in client.get(f"/projects/{project.slug}/").content.decode()


def test_closed_project_page_stays_without_an_apply_button(client, alice):
    project = ProjectFactory(status=S.CLOSED)
    client.force_login(alice)
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert "no longer takes applications" in html and "Apply to this project" not in html
    assert titles(client.get("/projects/")) == []


def test_plain_text_is_escaped_keeps_lines_and_links_urls(client):
    project = ProjectFactory(
        description='Hello <script>alert(1)</script> & "friends".\nSecond line.\n\n'
        "See (https://example.com/a?b=1&c=2). Not javascript:alert(1) nor <b>bold</b>"
    )
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;.<br>Second line.</p>" in html
    assert (
        '(<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">'
        "https://example.com/a?b=1&amp;c=2</a>)." in html
    )
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and 'href="javascript' not in html


def test_plaintext_filter_edge_cases():
    assert plaintext("") == ""
    assert plaintext("a\r\nb") == "<p>a<br>b</p>"
    assert plaintext("Read https://x.org/wiki/Foo_(bar).") == (
        '<p>Read <a href="https://x.org/wiki/Foo_(bar)" rel="nofollow noopener noreferrer">'
        "https://x.org/wiki/Foo_(bar)</a>.</p>"
    )
    assert plaintext('https://x.org/"onmouseover="x') == (
        '<p><a href="https://x.org/" rel="nofollow noopener noreferrer">https://x.org/</a>&quot;onmouseover=&quot;x</p>'
    )


def make_projects(n, skills):
    organization = OrganizationFactory()
    contact = EmployerFactory(organization=organization)
    for _ in range(n):
        ProjectFactory(organization=organization, contact=contact, skills=skills, questions=["One?", "Two?"])


@pytest.mark.parametrize("n", [5, 200])
@pytest.mark.parametrize("who", ["anonymous", "alice", "carol"])
def test_list_page_runs_a_fixed_number_of_queries(client, request, django_assert_max_num_queries, n, who):
    skills = [SkillFactory() for _ in range(3)]
    make_projects(n, skills)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    # skills for the filter, the page with its count, the cards, their skills (SQLite: with the
    # cards on PostgreSQL); session and user; saved-search check.
    with django_assert_max_num_queries(6):
        response = client.get("/projects/?q=project&remote=yes&sort=newest")
    assert response.context["count"] == n


@pytest.mark.parametrize("n", [5, 200])
def test_project_page_runs_a_fixed_number_of_queries(client, alice, django_assert_max_num_queries, n):
    skills = [SkillFactory() for _ in range(min(n, 40))]
    for skill in skills:
        LearningResource.objects.create(skill=skill, title=f"Learn {skill.name}", url="https://learn.example/")
    make_projects(n, skills)
    project = Project.objects.first()
    client.force_login(alice)
    # session, user; project; skills; resources; questions; the student's skills.
    with django_assert_max_num_queries(8):
        response = client.get(f"/projects/{project.slug}/")
    assert response.status_code == 200
    assert len(response.context["missing_skills"]) == len(skills)


def test_organization_of_a_listed_project_must_be_verified_even_if_project_is_published(client):
    organization = OrganizationFactory(status=Organization.Status.VERIFIED)
    project = ProjectFactory(organization=organization, title="Now you see me")
    organization.status = Organization.Status.PENDING
    organization.save()
    assert titles(client.get("/projects/")) == []
    assert client.get(f"/projects/{project.slug}/").status_code == 404


def test_cached_results_follow_every_change_at_once(
    client, carol, sid, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from opportunities.services import project_close, project_publish, project_submit

    project = ProjectFactory(
        organization=carol.membership.organization,
        contact=carol,
        status=S.DRAFT,
        published_at=None,
        title="Fresh listing",
    )
    assert titles(client.get("/projects/")) == []
    with django_capture_on_commit_callbacks(execute=True):  # committed
        project_submit(project=project, by=carol)
        project_publish(project=project, by=sid)
    assert titles(client.get("/projects/")) == ["Fresh listing"]
    with django_assert_num_queries(1):  # the same page again comes from the cache: the version only
        assert titles(client.get("/projects/")) == ["Fresh listing"]
    with django_capture_on_commit_callbacks(execute=True):
        project_close(project=project, by=carol)
    assert titles(client.get("/projects/")) == []


def test_a_change_not_yet_committed_is_seen_by_its_own_transaction(client):
    """Inside the transaction that made a change (the version moves on only after the commit),
    the browse page is computed afresh and not kept: the change could still be rolled back."""
    from opportunities.listing_cache import _local

    project = ProjectFactory(title="Survey design")
    assert titles(client.get("/projects/")) == ["Survey design"]
    project.title = "Survey design, second edition"
    project.save()
    assert titles(client.get("/projects/")) == ["Survey design, second edition"]
    assert titles(client.get("/projects/")) == ["Survey design, second edition"]
    assert not _local


def test_a_fresh_search_reads_the_listing_version_with_its_data(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """A search asked for the first time costs no query, and no round trip to the shared cache,
    for the listing version: its own statement reads it. Asked again, it costs one query."""
    from django.core.cache import caches
    from django.test.utils import CaptureQueriesContext

    from opportunities import listing_cache

    with django_capture_on_commit_callbacks(execute=True):
        ProjectFactory(title="Survey design")
    assert titles(client.get("/projects/")) == ["Survey design"]  # the skill list is kept from here on
    backend, asked = caches["default"], []
    monkeypatch.setattr(backend, "get", lambda key, *args, **kwargs: asked.append(key))
    monkeypatch.setattr(backend, "set", lambda key, *args, **kwargs: asked.append(key))
    with CaptureQueriesContext(connection) as fresh:
        assert titles(client.get("/projects/?q=survey&hours_min=5")) == ["Survey design"]
    version_table = "opportunities_listingversion"
    assert [q["sql"] for q in fresh.captured_queries if version_table in q["sql"]] == [
        fresh.captured_queries[0]["sql"]  # the search's own statement, and no other
    ]
    with CaptureQueriesContext(connection) as again:
        assert titles(client.get("/projects/?q=survey&hours_min=5")) == ["Survey design"]
    assert len(again.captured_queries) == 1  # the version, then the page from this process's memory
    assert asked == []  # the shared cache is not needed (the page works while Redis is down)
    # Kept TTL seconds: the "posted in the last day" filter moves with the clock.
    clock = listing_cache.monotonic()
    monkeypatch.setattr(listing_cache, "monotonic", lambda: clock + listing_cache.TTL + 1)
    Project.objects.filter(title="Survey design").update(title="Survey design, second edition")
    assert titles(client.get("/projects/?q=survey&hours_min=5")) == ["Survey design, second edition"]


def test_a_change_committed_while_a_page_is_computed_is_not_hidden(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """The page is kept under the version its search read with its data, never a later one:
    a change that commits while the page is being computed is shown on the next request."""
    from opportunities import views

    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(title="Survey design")
    assert titles(client.get("/projects/?q=survey")) == ["Survey design"]
    real_card = views._card
    changed = []

    def change_in_between(row, url_prefix):
        # After the search's statement, before the page is kept: another process renames it.
        if not changed:
            with django_capture_on_commit_callbacks(execute=True):
                Project.objects.filter(pk=project.pk).update(title="Survey redesign")
                bump_listing_version()
            changed.append(True)
        return real_card(row, url_prefix)

    monkeypatch.setattr(views, "_card", change_in_between)
    assert titles(client.get("/projects/?q=survey&page=1")) == ["Survey design"]  # read before the change
    monkeypatch.setattr(views, "_card", real_card)
    assert titles(client.get("/projects/?q=survey&page=1")) == ["Survey redesign"]


def test_the_skill_list_kept_is_read_again_after_a_change(client, django_capture_on_commit_callbacks):
    """The skill list is kept apart from the pages; a page whose search read a newer version
    than the list it used is computed again with the list read afresh."""
    with django_capture_on_commit_callbacks(execute=True):
        skill = SkillFactory(name="Tableau", slug="tableau")
        ProjectFactory(title="Survey design")
    assert "Tableau" in client.get("/projects/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        type(skill).objects.filter(pk=skill.pk).update(name="Power BI")  # no signal
        bump_listing_version()
    html = client.get("/projects/?q=survey").content.decode()
    assert "Power BI" in html and "Tableau" not in html
    assert "Power BI" in client.get("/projects/?q=survey").content.decode()  # and kept so


def test_a_card_names_its_skills_in_alphabetical_order_even_a_skill_made_after_the_list_was_kept(
    client, django_capture_on_commit_callbacks
):
    """The cards name their skills from the skill list the page keeps (views._skill_lists); a
    skill made since is on the card all the same."""
    with django_capture_on_commit_callbacks(execute=True):
        skills = [SkillFactory(name=name) for name in ("Tableau", "budgeting", "Excel", "Écriture")]
        ProjectFactory(title="Survey design", skills=skills)
    html = client.get("/projects/").content.decode()
    expected = list(Skill.objects.order_by("name").values_list("name", flat=True))  # the database's order
    assert re.findall(r'<li class="badge">([^<]+)</li>', html) == expected
    with django_capture_on_commit_callbacks(execute=True):
        ProjectFactory(title="Survey redesign", skills=[SkillFactory(name="Atlas.ti")])
    html = client.get("/projects/?q=survey").content.decode()
    assert '<li class="badge">Atlas.ti</li>' in html


def test_the_cards_query_orders_skills_by_their_place_in_the_list_it_is_given(db):
    """Where the database's collation is not the code points' (en_US: "budgeting" before
    "Excel"), the cards follow the database's order, the skill list's places."""
    require(connection.vendor == "postgresql", "the cards' query is PostgreSQL's")
    from opportunities.search import card_rows

    first, second, third = SkillFactory(name="Zoology"), SkillFactory(name="algebra"), SkillFactory(name="Botany")
    project = ProjectFactory(skills=[first, second, third])
    # Places in neither the ids' order nor the code points'.
    places = {first.pk: (2, "Zoology"), second.pk: (0, "algebra"), third.pk: (1, "Botany")}
    assert card_rows([project.pk], ["pk", "title"], places) == [
        {"pk": project.pk, "title": project.title, "skill_names": ["algebra", "Botany", "Zoology"]}
    ]
    del places[third.pk]  # a skill made after the list was read: left out
    assert card_rows([project.pk], ["pk"], places)[0]["skill_names"] == ["algebra", "Zoology"]


def test_project_page_never_shows_the_contacts_email(client, carol):
    contact = EmployerFactory(organization=carol.membership.organization, first_name="", last_name="")
    project = ProjectFactory(organization=carol.membership.organization, contact=contact)
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert contact.email not in html
    assert "A member of the organization" in html


def test_result_cards_and_filters_escape_what_employers_and_staff_typed(client):
    organization = OrganizationFactory(name='Acme "<b>" & Co')
    skill = SkillFactory(name="<i>Excel</i>", slug="excel-x")
    ProjectFactory(
        title="<script>alert(1)</script>",
        summary='Summary with "quotes" & <tags>',
        organization=organization,
        skills=[skill],
        estimated_hours=10,
        fee=Decimal("1234.50"),
    )
    html = client.get("/projects/?skill=excel-x").content.decode()
    assert "<script>alert(1)" not in html and "<i>Excel" not in html and "<b>" not in html
    assert "<h3><a href=" in html and "&lt;script&gt;alert(1)&lt;/script&gt;</a></h3>" in html
    assert "Summary with &quot;quotes&quot; &amp; &lt;tags&gt;" in html
    assert "Acme &quot;&lt;b&gt;&quot; &amp; Co · " in html
    assert '<li class="badge">&lt;i&gt;Excel&lt;/i&gt;</li>' in html
    # The fee rounds to whole dollars beside its hourly rate; the chosen skill stays ticked.
    assert '<dd>$1,235 <span class="muted">($123.45/h)</span></dd>' in html
    assert 'value="excel-x" id="id_skill_' in html and "checked> <label" in html
    assert '<label for="id_skill_0">&lt;i&gt;Excel&lt;/i&gt;</label>' in html


def test_a_search_that_matches_more_than_the_limit_ranks_the_newest_and_says_so(client, monkeypatch):
    from opportunities import search, views

    for module in (search, views):
        monkeypatch.setattr(module, "MATCH_LIMIT", 3)
        monkeypatch.setattr(module, "PAGE_SIZE", 2)
    now = timezone.now()
    for days in range(5):  # "survey" in the description, the newest first
        ProjectFactory(title=f"Project {days}", description="A survey.", published_at=now - timedelta(days=days))
    ProjectFactory(title="Survey design", published_at=now - timedelta(days=9))  # the best match, but the oldest
    response = client.get("/projects/?q=survey")
    html = response.content.decode()
    assert "More than 3 projects" in html
    assert "the best matches among the newest 3 come first" in html
    assert "Survey design" not in titles(response) and len(titles(response)) == 2
    # Sorted by date, every match can be reached page by page up to the limit, no further.
    assert titles(client.get("/projects/?q=survey&sort=newest")) == ["Project 0", "Project 1"]
    assert titles(client.get("/projects/?q=survey&sort=newest&page=2")) == ["Project 2", "Project 3"]
    far = client.get("/projects/?q=survey&sort=newest&page=9")
    assert "There is no page 9; here is page 2." in far.content.decode()
    assert titles(far) == ["Project 2", "Project 3"]
    # Under the limit, the count is exact and the best match comes first.
    assert client.get("/projects/?q=design").content.decode().count("1 project") == 1


def test_browse_forms_of_one_skill_list_share_fields_and_nothing_else():
    from django.http import QueryDict

    from opportunities.search import BrowseForm

    skills = [("excel", "Excel"), ("sql", "SQL")]
    first = BrowseForm(QueryDict("skill=sql&hours_min=abc&q=survey"), skills=skills)
    second = BrowseForm(QueryDict("skill=excel&hours_min=12"), skills=list(skills))
    assert not first.is_valid() and second.is_valid()
    assert first.fields["skill"] is second.fields["skill"]  # made once, not copied per form
    assert list(first.errors) == ["hours_min"] and not second.errors
    assert first.filters() == {"q": "survey", "skill": ["sql"]}
    assert second.filters() == {"skill": ["excel"], "hours_min": 12}
    assert first["skill"].value() == ["sql"] and second["skill"].value() == ["excel"]
    # Another skill list, its own choices; the earlier forms keep theirs.
    other = BrowseForm(QueryDict("skill=sql"), skills=[("python", "Python")])
    assert not other.is_valid() and "skill" in other.errors
    assert other.fields["skill"].choices == [("python", "Python")]
    assert first.fields["skill"].choices == skills
    assert "required" not in str(other["q"])


def test_filters_encode_to_one_canonical_query_string():
    from opportunities.search import encode_filters, parse_params

    filters = {"skill": ["sql", "a b"], "q": "café & <b>+", "pay_min": 500, "path": "", "hours_min": None}
    assert encode_filters(filters) == "q=caf%C3%A9+%26+%3Cb%3E%2B&skill=a+b&skill=sql&pay_min=500"
    # Read back from a query string in another order, the same filters encode the same.
    SkillFactory(slug="sql"), SkillFactory(slug="excel")
    read = parse_params("skill=sql&pay_min=500&q=caf%C3%A9&skill=excel")[1]
    assert encode_filters(read) == "q=caf%C3%A9&skill=excel&skill=sql&pay_min=500"
