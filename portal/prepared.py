"""Querysets compiled to SQL once per process, then run with each request's values.

Building and compiling a queryset costs Django's ORM 1 to 4 ms of CPU (a join, an access check
as a subquery, an ordering), several times what PostgreSQL then takes to run it, and the pages
everyone opens (dashboards, project pages) run the same few queries with other ids. Django has no
such cache and psycopg2 no prepared statements, hence this small one. On PostgreSQL each compiled
query is also prepared on the server, once per connection (``_Statement``), so that PostgreSQL
stops planning it too (settings.DATABASE_PREPARED_STATEMENTS turns that off).

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

import itertools
import re
import threading
import weakref

from django.conf import settings
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
        sql, params, slots, make_row, converters, statement = compiled
        params = list(params)
        for index, name, item in slots:
            params[index] = values[name] if item is None else values[name][item]
        rows = _fetchall(connection, sql, statement, params)
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

        return sql, tuple(params), slots, make_row, converters, _Statement(sql)


class PreparedSQL:
    """Hand-written SQL of a fixed shape (``%s`` parameters), run as a prepared query is: on
    PostgreSQL as a prepared statement of each connection, elsewhere as plain SQL.

        CARDS = PreparedSQL("SELECT id, title FROM opportunities_project WHERE id = ANY(%s)")
        rows = CARDS.fetchall([ids])   # tuples, as cursor.fetchall() gives
    """

    def __init__(self, sql):
        self.sql = sql
        self.statement = _Statement(sql)

    def fetchall(self, params, *, using="default"):
        return _fetchall(connections[using], self.sql, self.statement, list(params))


def _fetchall(connection, sql, statement, params):
    """Run ``sql`` through Django's cursor (query-count tests count it), as the connection's
    prepared ``statement`` where it can be."""
    with connection.cursor() as cursor:
        if (
            connection.vendor == "postgresql"
            and settings.DATABASE_PREPARED_STATEMENTS
            and _prepared_on(connection, statement)
        ):
            cursor.execute(statement.execute(len(params)), params)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()


EMPTY = object()
_NAMES = itertools.count(1)
_PLACEHOLDER = re.compile(r"%[s%]")


class _Statement:
    """The compiled query as a PostgreSQL prepared statement, made once per connection: the
    server plans it a few times, then keeps a generic plan. Planning the engagement list of an
    employer's dashboard (four tables and a subquery) took PostgreSQL 2.3 ms, twice running it."""

    def __init__(self, sql):
        self.name = f"portal_prepared_{next(_NAMES)}"
        self.sql = sql
        numbers = itertools.count(1)
        self.prepare = f"PREPARE {self.name} AS " + _PLACEHOLDER.sub(
            lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql
        )
        _STATEMENTS[self.name] = self

    def execute(self, count):
        return f"EXECUTE {self.name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {self.name}"


def on_new_connection(connection, sql):
    """``sql``, an ``EXECUTE`` of one of these statements (each a read), as ``connection`` can
    run it with the same parameters: prepared there first, else as plain SQL. None for any other
    SQL. For the database backend, which asks a request's first query again on a new connection
    when the old one was found dead (``portal.postgresql``)."""
    words = sql.split(None, 2)
    statement = _STATEMENTS.get(words[1]) if len(words) > 1 and words[0] == "EXECUTE" else None
    if statement is None:
        return None
    return sql if _prepared_on(connection, statement) else statement.sql


# Every statement made, by name.
_STATEMENTS = {}
# The statements each open PostgreSQL connection has prepared (or failed to), by connection.
_PREPARED = weakref.WeakKeyDictionary()


def _prepared_on(connection, statement):
    """Whether ``statement`` is prepared on the connection, preparing it first if need be. The
    PREPARE goes through the driver's own cursor: a one-time set-up of the connection, like its
    time zone, it is not one of the page's queries. In a transaction, a savepoint keeps a failed
    PREPARE (a parameter whose type PostgreSQL cannot tell) from breaking it; the query then runs
    as plain SQL on that connection."""
    raw = connection.connection
    done = _PREPARED.get(raw)
    if done is None:
        done = _PREPARED[raw] = {}
    prepared = done.get(statement.name)
    if prepared is None:
        prepared = done[statement.name] = _prepare(
            raw, statement.prepare, in_transaction=not connection.get_autocommit()
        )
    return prepared


def _prepare(raw, sql, *, in_transaction):
    with raw.cursor() as cursor:
        saved = False
        try:
            if in_transaction:
                cursor.execute("SAVEPOINT portal_prepare")
                saved = True
            cursor.execute(sql)
        except raw.Error:
            if saved:
                cursor.execute("ROLLBACK TO SAVEPOINT portal_prepare")
            # Not prepared: the query runs as plain SQL (and, in a broken transaction, fails as
            # it would have).
            return False
        if saved:
            cursor.execute("RELEASE SAVEPOINT portal_prepare")
    return True


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
