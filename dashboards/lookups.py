"""`any_of`: the rows of an `__in` list, sent to PostgreSQL as one array parameter.

A company's dashboard names its 48 locations in every statement, some statements several
times over (the scope, and the window's edge days per time zone): a few thousand parameters
a page. Each one costs the ORM and psycopg a conversion, and psycopg neither caches the
parsing of a statement with more than 50 parameters nor can it prepare one whose length
follows the number of locations. `location_id__any_of=ids` is one parameter whatever the
number of ids, so the same page is the same statement every time (docs/performance.md,
"The dashboard's CPU"). Other backends get the plain IN list.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # the list is passed whole, not one value of the field

    def as_sql(self, compiler, connection):
        return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            # As `__in`: the condition matches nothing and drops out of an OR.
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # An array of the column's own type: an index on it still serves the comparison.
        array_type = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, list(self.rhs)]


# Foreign keys keep a lookup table of their own, apart from other fields'.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
