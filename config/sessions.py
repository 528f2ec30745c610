"""Sessions in PostgreSQL only, read with one plain statement.

Not in Redis: a session must survive Redis being down, and a copy in Redis that missed a
change made during an outage (a sign-out, a tablet hand-over ended) would come back stale
when Redis returns. Django's ORM lookup costs twice what the Redis read it replaces did;
this statement (prepared by PostgreSQL after a few runs) costs about the same
(docs/faults.md has the figures). Writes are rare (sign-in, hand-over) and stay Django's.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {self.model._meta.db_table}"
                " WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: a fresh key on the next save
            return {}
        return self.decode(row[0])
