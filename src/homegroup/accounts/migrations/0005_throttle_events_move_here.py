"""Throttle counts move from privacy to accounts (sign-up, reset and export limits, A-03), so
that accounts never imports privacy: the same table, taken over as it is. State only: privacy's
0011 forgets the model; no table or row changes."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_encrypted_authenticator_secrets"),
        ("privacy", "0011_enrolment_diagnosis_group"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ThrottleEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "scope",
                            models.CharField(
                                help_text="What was attempted, counted by what.", max_length=40
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                help_text=(
                                    "A keyed digest of the email address, account or client "
                                    "address counted: the table never holds the address itself."
                                ),
                                max_length=64,
                            ),
                        ),
                        ("occurred_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "privacy_throttleevent",
                        "indexes": [
                            models.Index(
                                fields=["scope", "key", "occurred_at"],
                                name="privacy_throttle_count",
                            ),
                            models.Index(fields=["occurred_at"], name="privacy_throttle_age"),
                        ],
                    },
                )
            ],
            database_operations=[],
        )
    ]
