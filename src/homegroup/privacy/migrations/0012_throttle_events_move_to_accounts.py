"""Throttle counts now belong to accounts (its 0005 takes over the table as it is); privacy only
forgets the model. State only: no table or row changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0011_enrolment_diagnosis_group"),
        ("accounts", "0005_throttle_events_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ThrottleEvent")],
            database_operations=[],
        )
    ]
