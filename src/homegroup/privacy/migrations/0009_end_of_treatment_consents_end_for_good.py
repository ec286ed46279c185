"""Write the end on "end of treatment" consents whose person left the program before leaving
wrote it (issue 9): the first time they left after signing is when the consent ended, for good.

Reversing keeps the ends: they record what happened, and the gate reads the enrolment history
either way."""

from django.db import migrations


def write_ends(apps, schema_editor):
    Consent = apps.get_model("privacy", "Consent")
    Enrolment = apps.get_model("privacy", "Enrolment")
    open_ended = Consent.objects.filter(
        expiry_kind="end_of_treatment",
        expires_at__isnull=True,
        recipient_program__isnull=False,
    )
    rows = open_ended.values_list("pk", "person_id", "recipient_program_id", "signed_at")
    for consent_id, person_id, program_id, signed_at in list(rows):
        left = (
            Enrolment.objects.filter(
                person_id=person_id, program_id=program_id, ended_at__gte=signed_at
            )
            .order_by("ended_at")
            .values_list("ended_at", flat=True)
            .first()
        )
        if left is not None:
            Consent.objects.filter(pk=consent_id).update(expires_at=left)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0008_sealed_disclosure_records"),
    ]

    operations = [
        migrations.RunPython(write_ends, migrations.RunPython.noop, elidable=True),
    ]
