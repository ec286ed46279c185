"""The audit log moves from privacy to its own app: the same tables, taken over as they are.

State only: privacy's 0005 removes the models from privacy's state, this adds them here over the
existing tables (privacy_auditevent, privacy_auditseal) with every row in them. 0002 renames the
tables and starts the new chain.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("privacy", "0004_append_only_disclosures")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("occurred_at", models.DateTimeField(db_index=True, help_text="UTC.")),
                        (
                            "actor_id",
                            models.BigIntegerField(
                                blank=True,
                                db_index=True,
                                help_text="The user who acted; empty if anonymous.",
                                null=True,
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                help_text="What happened, e.g. 'auth.sign_in'.", max_length=64
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("success", "success"),
                                    ("failure", "failure"),
                                    ("denied", "denied"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "subject_id",
                            models.BigIntegerField(
                                blank=True,
                                db_index=True,
                                help_text="Whose record was touched, if anyone's.",
                                null=True,
                            ),
                        ),
                        ("object_type", models.CharField(blank=True, max_length=64)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("request_id", models.CharField(blank=True, max_length=64)),
                        (
                            "mac",
                            models.CharField(
                                help_text="HMAC-SHA256 of this row under HOMEGROUP_AUDIT_KEY.",
                                max_length=64,
                            ),
                        ),
                    ],
                    options={"ordering": ["id"], "db_table": "privacy_auditevent"},
                ),
                migrations.CreateModel(
                    name="AuditSeal",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sealed_at", models.DateTimeField()),
                        (
                            "after_event_id",
                            models.BigIntegerField(help_text="The last event of the previous seal."),
                        ),
                        ("last_event_id", models.BigIntegerField(unique=True)),
                        ("event_count", models.PositiveIntegerField()),
                        ("previous_mac", models.CharField(max_length=64)),
                        ("mac", models.CharField(max_length=64)),
                    ],
                    options={"ordering": ["last_event_id"], "db_table": "privacy_auditseal"},
                ),
            ],
            database_operations=[],
        )
    ]
