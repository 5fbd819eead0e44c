"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before each request's first query, so that
a persistent connection the server dropped (a restart, a failover, an idle kill) is replaced
instead of answering that request with an error page. That round trip cost the browse page's
cold search about a tenth of its time. Here the request's first query is the check: a
connection already known to be closed is replaced before it is used, and when that first query
finds the connection dead, it is replaced and the query asked again once, as the ``SELECT 1``
would have led to. Only a read outside a transaction is asked again (a SELECT, or one of
``portal.prepared``'s statements, prepared again on the new connection): nothing else can have
started on a connection that never answered.
"""

from django.db import InterfaceError, OperationalError
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper

from portal import prepared

_RETRIED = (OperationalError, InterfaceError)


class _FirstQueryChecks:
    def _execute(self, sql, params, *ignored_wrapper_args):
        db = self.db
        if not db.first_query_checks:
            return super()._execute(sql, params, *ignored_wrapper_args)
        db.first_query_checks = False
        try:
            return super()._execute(sql, params, *ignored_wrapper_args)
        except _RETRIED:
            select = sql.lstrip()[:6].upper() == "SELECT"
            if not (
                db.connection is not None
                and db.connection.closed
                and db.get_autocommit()
                and not db.in_atomic_block
                and (select or sql.startswith("EXECUTE portal_prepared_"))
            ):
                raise
        db.close()
        db.connect()
        self.cursor = db.create_cursor()
        if not select:
            sql = prepared.on_new_connection(db, sql)
        return super()._execute(sql, params, *ignored_wrapper_args)

    def _executemany(self, sql, param_list, *ignored_wrapper_args):
        self.db.first_query_checks = False
        return super()._executemany(sql, param_list, *ignored_wrapper_args)


class CheckingCursorWrapper(_FirstQueryChecks, CursorWrapper):
    pass


class CheckingCursorDebugWrapper(_FirstQueryChecks, base.CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    first_query_checks = False

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if self.connection.closed:
            self.close()
        else:
            self.first_query_checks = True
        self.health_check_done = True

    def connect(self):
        self.first_query_checks = False
        super().connect()

    def make_cursor(self, cursor):
        return CheckingCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return CheckingCursorDebugWrapper(cursor, self)
