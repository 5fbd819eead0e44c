"""Browse and search: the query parameters, and the one queryset every listing shares.

The browse page, saved searches and their digests all read parameters through ``BrowseForm``
and get projects from ``search_listings``, so a saved search finds what the page showed.
"""

from datetime import timedelta

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.http import QueryDict
from django.utils import timezone

from portal.models import Skill

from .models import SEARCH_CONFIG, CareerPath, Listing, Project

PAGE_SIZE = 20
# A search ranks at most this many matches, the newest, and counts up to it: "more than 1,000
# projects" says the search is too wide, and ranking every match of a common word would cost
# a page ten times as much with ten times the projects. Sorted by a column, counts stop there
# too. Fifty pages of twenty: the pager goes no further.
MATCH_LIMIT = 1000


class BrowseForm(forms.Form):
    """The browse page's filters. Invalid values are dropped with a note, never an error page."""

    q = forms.CharField(label="Search projects", max_length=200, required=False, strip=True)
    path = forms.ChoiceField(
        label="Career path", choices=[("", "Any career path"), *CareerPath.choices], required=False
    )
    skill = forms.MultipleChoiceField(label="Skills", required=False, widget=forms.CheckboxSelectMultiple)
    hours_min = forms.IntegerField(
        label="Hours, at least", min_value=Project.HOURS_MIN, max_value=Project.HOURS_MAX, required=False
    )
    hours_max = forms.IntegerField(
        label="Hours, at most", min_value=Project.HOURS_MIN, max_value=Project.HOURS_MAX, required=False
    )
    pay_min = forms.IntegerField(label="Fee at least (USD)", min_value=0, max_value=1_000_000, required=False)
    remote = forms.ChoiceField(
        label="Where",
        choices=[("", "Remote or on site"), ("yes", "Remote only"), ("no", "On site only")],
        required=False,
    )
    posted = forms.ChoiceField(
        label="Posted",
        choices=[("", "Any time"), ("1", "In the last day"), ("7", "In the last week"), ("30", "In the last month")],
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[
            ("", "Best match, then newest"),
            ("newest", "Newest"),
            ("apply_by", "Apply-by soonest"),
            ("pay", "Highest fee"),
        ],
        required=False,
    )

    def __init__(self, data=None, *, skills=None):
        super().__init__(data)
        if skills is None:
            skills = Skill.objects.order_by("name").values_list("slug", "name")
        self.fields["skill"].choices = list(skills)
        for field in self.fields.values():
            field.widget.attrs.pop("required", None)

    def clean(self):
        data = super().clean()
        low, high = data.get("hours_min"), data.get("hours_max")
        if low is not None and high is not None and low > high:
            self.add_error("hours_max", "The most hours must be at least the fewest hours; we ignored both.")
            data.pop("hours_min", None)
        return data

    def notes(self):
        """One sentence per ignored parameter, for the page to show above the results."""
        notes = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            notes.append(f"We ignored “{label}”: {' '.join(errors)}")
        return notes

    def filters(self):
        """The valid, non-empty parameters only (call after is_valid())."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}


def parse_params(query_string_or_dict):
    """Validated filters from a query string or QueryDict, and the notes about ignored values."""
    data = QueryDict(query_string_or_dict) if isinstance(query_string_or_dict, str) else query_string_or_dict
    form = BrowseForm(data)
    form.is_valid()
    return form, form.filters()


def encode_filters(filters):
    """The canonical query string of a set of filters (saved searches compare these)."""
    qd = QueryDict(mutable=True)
    for name in BrowseForm.base_fields:
        value = filters.get(name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            qd.setlist(name, sorted(value))
        else:
            qd[name] = str(value)
    return qd.urlencode()


def search_listings(filters, *, now=None):
    """The listings matching the filters, in the order the page shows them (open projects of
    verified organizations only: the listings hold nothing else). Ranked by relevance on
    PostgreSQL when words were asked for."""
    qs = Listing.objects.filter(apply_by__gte=timezone.localdate())
    q = filters.get("q")
    ranked = False
    if q:
        if connection.vendor == "postgresql":
            query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
            qs = qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        else:
            # SQLite has no full-text search: a plain match on the project, title first.
            has_skill = Exists(Skill.objects.filter(projects=OuterRef("project"), name__icontains=q))
            qs = qs.filter(
                Q(project__title__icontains=q)
                | Q(project__summary__icontains=q)
                | Q(project__description__icontains=q)
                | Q(has_skill)
            ).annotate(
                rank=Case(
                    When(project__title__icontains=q, then=Value(3)),
                    When(project__summary__icontains=q, then=Value(2)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        ranked = True
    if filters.get("path"):
        qs = qs.filter(career_path=filters["path"])
    if filters.get("skill"):
        qs = qs.filter(Exists(Skill.objects.filter(projects=OuterRef("project"), slug__in=filters["skill"])))
    if filters.get("hours_min") is not None:
        qs = qs.filter(estimated_hours__gte=filters["hours_min"])
    if filters.get("hours_max") is not None:
        qs = qs.filter(estimated_hours__lte=filters["hours_max"])
    if filters.get("pay_min") is not None:
        qs = qs.filter(fee__gte=filters["pay_min"])
    if filters.get("remote") == "yes":
        qs = qs.filter(remote=True)
    elif filters.get("remote") == "no":
        qs = qs.filter(remote=False)
    if filters.get("posted"):
        qs = qs.filter(published_at__gte=(now or timezone.now()) - timedelta(days=int(filters["posted"])))
    sort = filters.get("sort")
    if sort == "newest" or (not sort and not ranked):
        order = ["-published_at", "-project"]
    elif sort == "apply_by":
        order = ["apply_by", "-published_at", "-project"]
    elif sort == "pay":
        order = ["-fee", "-published_at", "-project"]
    else:
        order = ["-rank", "-published_at", "-project"]
    return qs.order_by(*order)


def search_projects(filters, *, now=None):
    """The projects matching the filters (for saved searches' digests; unordered)."""
    return Project.objects.filter(pk__in=search_listings(filters, now=now).order_by().values("project"))


def count_up_to_limit(listings):
    """How many listings match, counting no further than MATCH_LIMIT + 1."""
    return listings.order_by().values("pk")[: MATCH_LIMIT + 1].count()


def _ranked_page_ids(listings, offset):
    """(ids of one page, matches up to MATCH_LIMIT + 1) of ranked ``listings``: the newest
    MATCH_LIMIT + 1 matches are found first, and only those are ranked (ranking reads each
    match's whole vector: the costliest step) and counted, in one query with a window count."""
    qn = connection.ops.quote_name
    rank = listings.query.annotations["rank"]
    candidates = listings.order_by("-published_at", "-project")
    if connection.vendor == "postgresql":
        # The rank is worked out over the candidates only: the same expression, on their column.
        candidates = candidates.values("project", "published_at", "search_vector")
        query = rank.source_expressions[1]  # SearchRank(the listing's vector, the query)
        compiler = listings.query.get_compiler(connection=connection)
        query_sql, query_params = compiler.compile(query)
        rank_sql, rank_params = f"ts_rank(c.{qn('search_vector')}, {query_sql})", query_params
    else:
        candidates = candidates.values("project", "published_at", "rank")
        rank_sql, rank_params = f"c.{qn('rank')}", ()
    sql, params = candidates[: MATCH_LIMIT + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.{qn('project')}, COUNT(*) OVER () FROM ({sql}) c "  # noqa: S608 - our own SQL and names
            f"ORDER BY {rank_sql} DESC, c.{qn('published_at')} DESC, c.{qn('project')} DESC LIMIT %s OFFSET %s",
            (*params, *rank_params, PAGE_SIZE, offset),
        )
        found = cursor.fetchall()
    return [pk for pk, _ in found], found[0][1] if found else None


def page_ids(listings, number, *, ranked):
    """The project ids of page ``number`` of ``listings`` and how many match, counted up to
    MATCH_LIMIT + 1; None for the count when the page is empty.

    Ranked by relevance, the newest matches are ranked and counted in one query. Sorted by a
    column, the page stops early along an index, and a count that stops at the limit is cheaper
    than one that reads every match."""
    offset = (number - 1) * PAGE_SIZE
    if ranked:
        return _ranked_page_ids(listings, offset)
    ids = list(listings.values_list("project", flat=True)[offset : offset + PAGE_SIZE])
    return ids, count_up_to_limit(listings) if ids else None
