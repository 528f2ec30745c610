"""A migration operation that moves an index to the model that owns its table.

The dashboards app once created indexes on touchpoints' and feedback's tables with raw SQL.
Those indexes are now declared in the owning models' Meta. A database made before the move
already has each one under its old name: it is renamed in place (instant on PostgreSQL,
where rebuilding an index on the moments table would hold up every tablet's save); a new
database, or SQLite, which cannot rename an index, gets it built from the Meta declaration.
Either way the database ends with exactly one copy, under the new name.
"""

from django.db import migrations


class AdoptIndex(migrations.AddIndex):
    """AddIndex that takes over an index of the same definition named `old_name`, if any."""

    def __init__(self, model_name, index, old_name: str):
        super().__init__(model_name, index)
        self.old_name = old_name

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "old_name": self.old_name}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if _has_index(schema_editor, model, self.old_name):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(
                    f"ALTER INDEX {schema_editor.quote_name(self.old_name)}"
                    f" RENAME TO {schema_editor.quote_name(self.index.name)}"
                )
                return
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(self.old_name)}")
        schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Back to how the dashboards migrations left it: the same index under its old name.
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER INDEX {schema_editor.quote_name(self.index.name)}"
                f" RENAME TO {schema_editor.quote_name(self.old_name)}"
            )
            return
        schema_editor.remove_index(model, self.index)
        old = self.index.clone()
        old.name = self.old_name
        schema_editor.add_index(model, old)

    def describe(self):
        return f"Adopt index {self.old_name} as {self.index.name} on {self.model_name}"


def _has_index(schema_editor, model, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    return name in constraints
