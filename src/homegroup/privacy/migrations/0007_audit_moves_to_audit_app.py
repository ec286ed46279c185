"""The audit log's models now belong to the audit app (its 0001 takes over the tables as they
are); privacy only forgets them. State only: no table or row changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0006_care_team_confirmation"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="AuditSeal"),
            ],
            database_operations=[],
        )
    ]
