"""Querysets compiled to SQL once per process, then run with each request's values.

Building and compiling a queryset costs Django's ORM 1 to 4 ms of CPU (a join, an access check
as a subquery, an ordering), several times what PostgreSQL then takes to run it, and the pages
everyone opens (dashboards, project pages) run the same few queries with other ids. Django has no
such cache and psycopg2 no prepared statements, hence this small one.

    ROWS = Prepared(lambda role, is_staff, *, user_id: Engagement.objects.visible_to(
        access.reader_as(role, is_staff, user_id)).values("pk", "status"))
    rows = ROWS(*access.reader(user), user_id=user.pk)   # a list of dicts, as .values() gives

``build`` returns a ``.values()`` queryset, or one of model instances (``select_related`` and
``only`` included; no ``prefetch_related``). Its positional arguments (the *shape*: which branch
the query takes, a limit) key the cache. Its keyword arguments are the values that change from
call to call (ints or strings, or lists of them: the ids of a page, each its own parameter, the
list's length part of the shape). For each, ``build`` first receives a marker value; the compiled
query's parameters are searched for the markers, and each call puts its own values in their
places. The queryset is still Django's: the access module, the model's fields and the database's
converters (dates on SQLite, say) all apply, and the query goes through Django's cursor, so
query-count tests still count it. A value named in ``optional`` may go unused by some shapes (an
access rule that ignores who reads for anonymous visitors and students, say).

``build`` must read nothing but its arguments: anything else it uses (today's date, a setting) is
compiled into the first call's SQL and kept.
"""

import threading

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators

# Compiled shapes kept per query, at most.
MAX_SHAPES = 256


class Prepared:
    def __init__(self, build, *, optional=()):
        self.build = build
        self.optional = set(optional)
        self._compiled = {}
        self._lock = threading.Lock()

    def __call__(self, *shape, using="default", **values):
        connection = connections[using]
        # A list's repeats dropped (an IN lookup drops them too), its length in the key.
        values = {name: list(dict.fromkeys(v)) if isinstance(v, list | tuple) else v for name, v in values.items()}
        lengths = tuple((name, len(v)) for name, v in sorted(values.items()) if isinstance(v, list))
        key = (shape, using, connection.vendor, tuple(sorted(values)), lengths)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(shape, using, values)
            with self._lock:
                if len(self._compiled) >= MAX_SHAPES:
                    # Shapes are few (kinds of reader, sorts, page numbers): this is a backstop.
                    self._compiled.clear()
                self._compiled[key] = compiled
        if compiled is EMPTY:
            return []
        sql, params, slots, make_row, converters = compiled
        params = list(params)
        for index, name, item in slots:
            params[index] = values[name] if item is None else values[name][item]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [_convert(row, converters, connection) for row in rows]
        return [make_row(row) for row in rows]

    def _compile(self, shape, using, values):
        markers, given, i = {}, {}, 0
        for name, value in sorted(values.items()):
            if isinstance(value, list):
                given[name] = []
                for item, v in enumerate(value):
                    markers[name, item] = _marker(name, v, i := i + 1)
                    given[name].append(markers[name, item])
            else:
                markers[name, None] = given[name] = _marker(name, value, i := i + 1)
        queryset = self.build(*shape, **given)
        if queryset._iterable_class not in (ValuesIterable, ModelIterable) or queryset._prefetch_related_lookups:
            raise TypeError("Prepared queries return .values() rows or model instances, without prefetches.")
        query = queryset.query
        compiler = query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return EMPTY
        slots = []
        for index, param in enumerate(params):
            for (name, item), marker in markers.items():
                if type(param) is type(marker) and param == marker:
                    slots.append((index, name, item))
        found = {(name, item) for _, name, item in slots}
        missing = {name for name, item in markers if (name, item) not in found and name not in self.optional}
        if missing or any(str(marker) in sql for marker in markers.values()):
            # A value the query does not pass as a parameter (written into the SQL, or used only
            # to choose a branch) would be kept from the first call: refuse it.
            names = sorted(missing or {name for name, _ in markers})
            raise ValueError(f"Not a parameter of the compiled query: {names}")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(fields)
        if queryset._iterable_class is ModelIterable:
            make_row = _instance_maker(compiler, using)
        else:
            names = (
                list(query.selected)
                if query.selected
                else [*query.extra_select, *query.values_select, *query.annotation_select]
            )

            def make_row(row):
                return dict(zip(names, row, strict=True))

        return sql, tuple(params), slots, make_row, converters


EMPTY = object()


def _instance_maker(compiler, using):
    """A row made an instance as Django's ModelIterable does: the model's own columns, then the
    select_related objects and the annotations."""
    select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)

    def make(row):
        instance = model.from_db(using, names, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in (annotations or {}).items():
            setattr(instance, name, row[position])
        return instance

    return make


def _marker(name, value, i):
    """A value of the same kind as ``value`` that no real query uses."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"{name}: prepared queries take ints and strings, not {type(value).__name__}")
    if isinstance(value, int):
        return 7_310_000_000_000_000 + i
    return f"\x1fprepared:{name}:{i}\x1f"


def _convert(row, converters, connection):
    row = list(row)
    for position, (functions, expression) in converters.items():
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row
