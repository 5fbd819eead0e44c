"""Browse and search: the query parameters, and the one search every listing shares.

The browse page, saved searches and their digests all read parameters through ``BrowseForm``
and find projects with ``Search``, so a saved search finds what the page showed.
"""

import copy
import functools
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone

from portal.models import Organization, Skill
from portal.prepared import PreparedSQL

from .listing_cache import VERSION_COLUMN, version_read
from .models import SEARCH_CONFIG, CareerPath, Listing, Project

PAGE_SIZE = 20
# A search ranks at most this many matches, the newest, and counts up to it: "more than 500
# projects" says the search is too wide, and ranking every match of a common word would cost
# a page ten times as much with ten times the projects. Sorted by a column, counts stop there
# too. Twenty-five pages of twenty: the pager goes no further. It was 1,000: a search of two
# common words read about 3,700 listings to find its newest 1,001 matches, and at 500 it reads
# half as many (distinct searches: 5.4 to 4.5 ms in PostgreSQL, 9% more a second).
MATCH_LIMIT = 500


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
        if skills is None:
            skills = Skill.objects.order_by("name").values_list("slug", "name")
        # Django deep-copies every field for each form, so that a form may change its own: a
        # third of the form's time on a cold search. These fields are finished once per skill
        # list and never changed after, so the forms of one skill list share them.
        self.base_fields = {}
        super().__init__(data)
        self.fields = dict(_browse_fields(tuple(skills)))

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


@functools.lru_cache(maxsize=4)
def _browse_fields(skills):
    fields = copy.deepcopy(BrowseForm.base_fields)
    fields["skill"].choices = list(skills)
    for field in fields.values():
        field.widget.attrs.pop("required", None)
    return fields


def parse_params(query_string_or_dict):
    """Validated filters from a query string or QueryDict, and the notes about ignored values."""
    data = QueryDict(query_string_or_dict) if isinstance(query_string_or_dict, str) else query_string_or_dict
    form = BrowseForm(data)
    form.is_valid()
    return form, form.filters()


def encode_filters(filters):
    """The canonical query string of a set of filters (saved searches compare these)."""
    pairs = []
    for name in BrowseForm.base_fields:
        value = filters.get(name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            pairs += [(name, item) for item in sorted(value)]
        else:
            pairs.append((name, str(value)))
    # One urlencode() for all (a QueryDict calls it once per value), the same string.
    return urlencode(pairs)


# The search is written in SQL here rather than built with the ORM: the browse page is the
# busiest page and most searches miss its cache, and building and compiling these queries with
# the ORM (a dozen clones and filter look-ups, a subquery) cost a cold search more CPU than
# PostgreSQL took to run them. The filters are defined once below, for the page, its count and
# the saved searches' digests alike.
_LISTING = Listing._meta.db_table
_PROJECT = Project._meta.db_table
_SKILL = Skill._meta.db_table
_PROJECT_SKILLS = Project.skills.through._meta.db_table
_ORGANIZATION = Organization._meta.db_table
_SKILL_OF_PROJECT = (
    f"SELECT 1 FROM {_PROJECT_SKILLS} ps JOIN {_SKILL} s ON s.id = ps.skill_id"  # noqa: S608 - table names
    " WHERE ps.project_id = l.project_id"
)
# Relevance in three tiers, as on SQLite: every word in the title first, then every word in the
# title, the skills or the summary, then the rest (description and deliverables); the newest
# first within each. The search vector weighs the title A, the skills and the summary B
# (services.listing_refresh). ts_rank() took a quarter of a ranked search's time in PostgreSQL,
# nearly half of it with a thousand matches; a match with its words restricted to weights is a
# lookup.
# The query's lexemes are restricted by rewriting its text ('map' & 'audit' to 'map':A &
# 'audit':A), folded into a constant when PostgreSQL plans the statement.
_IN_WEIGHTS = "regexp_replace(websearch_to_tsquery(%s::regconfig, %s)::text, %s, %s, 'g')::tsquery"
_LEXEME = r"'((?:[^']|'')*)'"
_WEIGHTS_OF = {weights: [_LEXEME, rf"'\1':{weights}"] for weights in ("A", "AB")}
# A column sort, then the newest first (the project id breaks ties, so pages never overlap).
_ORDERS = {
    "newest": "l.published_at DESC, l.project_id DESC",
    "apply_by": "l.apply_by, l.published_at DESC, l.project_id DESC",
    "pay": "l.fee DESC, l.published_at DESC, l.project_id DESC",
}


class Search:
    """The listings matching ``filters``, in the order the page shows them: open projects of
    verified organizations only (the listings hold nothing else). Ranked by relevance when words
    were asked for and no column sort was chosen, in three tiers, the newest first within each:
    on PostgreSQL by full-text matches restricted to the vector's weights (every word in the
    title, then in the title, skills or summary, then the rest), on SQLite (no full-text search)
    by a plain match on the project (title, then summary, then the rest)."""

    def __init__(self, filters, *, now=None):
        now = now or timezone.now()
        ops = connection.ops
        where, params = ["l.apply_by >= %s"], [ops.adapt_datefield_value(timezone.localdate(now))]
        self.source, self.rank = f"{_LISTING} l", None
        q = filters.get("q")
        if q and connection.vendor == "postgresql":
            where.append("l.search_vector @@ websearch_to_tsquery(%s::regconfig, %s)")
            params += [SEARCH_CONFIG, q]
            # Ranked as each match is read (see page()), its vector at hand: carried instead to a
            # rank after the sort, the vectors made that sort several times wider and slower.
            self.candidate = (
                f"CASE WHEN l.search_vector @@ {_IN_WEIGHTS} THEN 3 WHEN l.search_vector @@ {_IN_WEIGHTS} THEN 2"
                " ELSE 1 END AS rank"
            )
            self.candidate_params = [SEARCH_CONFIG, q, *_WEIGHTS_OF["A"], SEARCH_CONFIG, q, *_WEIGHTS_OF["AB"]]
            self.rank = "c.rank"
        elif q:
            self.source += f" JOIN {_PROJECT} p ON p.id = l.project_id"
            like = f"%{ops.prep_for_like_query(q)}%"
            where.append(
                "(p.title LIKE %s ESCAPE '\\' OR p.summary LIKE %s ESCAPE '\\' OR p.description LIKE %s ESCAPE '\\'"
                f" OR EXISTS ({_SKILL_OF_PROJECT} AND s.name LIKE %s ESCAPE '\\'))"
            )
            params += [like] * 4
            self.candidate = (
                "CASE WHEN p.title LIKE %s ESCAPE '\\' THEN 3"
                " WHEN p.summary LIKE %s ESCAPE '\\' THEN 2 ELSE 1 END AS rank"
            )
            self.candidate_params, self.rank = [like] * 2, "c.rank"
        if filters.get("path"):
            where.append("l.career_path = %s")
            params.append(filters["path"])
        if filters.get("skill"):
            where.append(f"EXISTS ({_SKILL_OF_PROJECT} AND s.slug IN ({', '.join(['%s'] * len(filters['skill']))}))")
            params += filters["skill"]
        for name, test in (("hours_min", ">="), ("hours_max", "<=")):
            if filters.get(name) is not None:
                where.append(f"l.estimated_hours {test} %s")
                params.append(filters[name])
        if filters.get("pay_min") is not None:
            where.append("l.fee >= %s")
            params.append(filters["pay_min"])
        if filters.get("remote") in ("yes", "no"):
            where.append("l.remote = %s")
            params.append(filters["remote"] == "yes")
        if filters.get("posted"):
            where.append("l.published_at >= %s")
            params.append(ops.adapt_datetimefield_value(now - timedelta(days=int(filters["posted"]))))
        self.where, self.params = " AND ".join(where), params
        sort = filters.get("sort")
        self.ranked = self.rank is not None and sort not in _ORDERS
        self.order = _ORDERS.get(sort, _ORDERS["newest"])

    def project_ids(self):
        """The matching project ids, unordered, as (SQL, params) for a subquery."""
        return f"SELECT l.project_id FROM {self.source} WHERE {self.where}", self.params  # noqa: S608 - our own SQL

    def count(self):
        """How many listings match, counting no further than MATCH_LIMIT + 1."""
        sql, params = self.project_ids()
        return _fetch_versioned("COUNT(*)", f"FROM ({sql} LIMIT %s) c", [*params, MATCH_LIMIT + 1])[0][0]

    def page(self, number):
        """The project ids of page ``number`` and how many match, counted up to MATCH_LIMIT + 1;
        None for the count when the page is empty.

        Ranked by relevance, the newest MATCH_LIMIT + 1 matches are found first, then ordered by
        their rank and counted, in one query with a window count. Sorted by a column, the page
        stops early along an index, and a count that stops at the limit is cheaper than one that
        reads every match; both in one query."""
        offset = (number - 1) * PAGE_SIZE
        if self.ranked:
            found = _fetch_versioned(
                "c.project_id, COUNT(*) OVER ()",
                f"FROM (SELECT l.project_id, l.published_at, {self.candidate} FROM {self.source} WHERE {self.where}"  # noqa: S608
                f" ORDER BY {_ORDERS['newest']} LIMIT %s) c"
                f" ORDER BY {self.rank} DESC, c.published_at DESC, c.project_id DESC LIMIT %s OFFSET %s",
                [*self.candidate_params, *self.params, MATCH_LIMIT + 1, PAGE_SIZE, offset],
            )
            return [pk for pk, _ in found], found[0][1] if found else None
        # The count in the same query (a subquery run once), not a second round trip.
        matches, params = self.project_ids()
        found = _fetch_versioned(
            f"l.project_id, (SELECT COUNT(*) FROM ({matches} LIMIT %s) c)",  # noqa: S608 - our own SQL
            f"FROM {self.source} WHERE {self.where} ORDER BY {self.order} LIMIT %s OFFSET %s",
            [*params, MATCH_LIMIT + 1, *self.params, PAGE_SIZE, offset],
        )
        return [pk for pk, _ in found], found[0][1] if found else None


def card_rows(ids, fields, skills):
    """The projects ``ids`` as rows of ``fields`` (their own columns and ``organization__name``),
    each with its skill names, alphabetical (``skill_names``), in one query (PostgreSQL: it has
    arrays). Compiled by the ORM, a values() with a join and an array subquery, it cost ten times
    the CPU of running it; and, the same for every search, it is prepared once per connection
    (planning it took PostgreSQL longer than running it).

    The query gives each project's skill ids; ``skills`` names them: {id: (place, name)}, every
    skill, placed in alphabetical order as PostgreSQL sorts (the browse page keeps it). Named and
    sorted in PostgreSQL, a lookup and a sort for each card, the skills were a third of the
    query's time. An id ``skills`` does not know, a skill made since it was read, is left out
    until the listing version moves on, which that change does once it has committed; a page
    whose search read the newer version is computed again with the list read afresh
    (``listing_cache``)."""
    cards = []
    for row in _cards_query(tuple(fields)).fetchall([ids]):
        card = dict(zip(fields, row[:-1], strict=True))
        card["skill_names"] = skill_names(row[-1], skills)
        cards.append(card)
    return cards


def skill_names(skill_ids, skills):
    """The names of ``skill_ids`` in alphabetical order, from ``skills`` (see ``card_rows``),
    leaving out an id it does not know."""
    return [name for _, name in sorted(skills[pk] for pk in skill_ids if pk in skills)]


@functools.cache
def _cards_query(fields):
    project = Project._meta
    columns = ", ".join(
        f"(SELECT o.name FROM {_ORGANIZATION} o WHERE o.id = p.organization_id)"  # noqa: S608 - table names
        if name == "organization__name"
        else f"p.{(project.pk if name == 'pk' else project.get_field(name)).column}"
        for name in fields
    )
    # The organization looked up by id, row by row: joined, PostgreSQL hashed every organization
    # for twenty cards.
    return PreparedSQL(
        f"SELECT {columns}, ARRAY(SELECT ps.skill_id FROM {_PROJECT_SKILLS} ps WHERE ps.project_id = p.id)"  # noqa: S608
        f" FROM {_PROJECT} p WHERE p.id = ANY(%s)"
    )


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fetch_versioned(columns, rest, params):
    """The rows of ``SELECT columns rest``, a search's statement, with the browse cache's
    listing version read in the same statement, for the page being computed (listing_cache)."""
    rows = _fetch(f"SELECT {columns}, {VERSION_COLUMN} {rest}", params)
    version_read(rows[0][-1] if rows else None)
    return [row[:-1] for row in rows]


def search_projects(filters, *, now=None):
    """The projects matching the filters (for saved searches' digests; unordered)."""
    return Project.objects.filter(pk__in=RawSQL(*Search(filters, now=now).project_ids()))  # noqa: S611 - values are params
