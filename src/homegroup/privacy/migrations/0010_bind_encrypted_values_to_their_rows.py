"""Issue 9: bind every encrypted value to its row (table, column, owner, natural key), so
ciphertext copied into another row or column fails authentication. Declares `bound_to` on each
field (no change to the columns) and re-encrypts every stored value; backwards, the values go
back to being bound to their column only."""

from django.db import migrations

import homegroup.encryption.fields
from homegroup.encryption.fields import bind_values_to_rows, unbind_values_from_rows

BOUND = {"BreakGlassGrant": ["reason", "review_note"], "Consent": ["recipient_label", "text"]}


def bind(apps, schema_editor):
    for model_name, names in BOUND.items():
        bind_values_to_rows(apps.get_model("privacy", model_name), names)


def unbind(apps, schema_editor):
    for model_name, names in BOUND.items():
        unbind_values_from_rows(apps.get_model("privacy", model_name), names)


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0009_end_of_treatment_consents_end_for_good'),
    ]

    operations = [
        migrations.AlterField(
            model_name='breakglassgrant',
            name='reason',
            field=homegroup.encryption.fields.EncryptedTextField(bound_to=('clinician_id', 'person_id', 'opened_at'), help_text="The clinician's written reason."),
        ),
        migrations.AlterField(
            model_name='breakglassgrant',
            name='review_note',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('clinician_id', 'person_id', 'opened_at'), default=''),
        ),
        migrations.AlterField(
            model_name='consent',
            name='recipient_label',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('person_id', 'created_at'), default='', help_text='How the person named the recipient, in their words.'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='text',
            field=homegroup.encryption.fields.EncryptedTextField(bound_to=('person_id', 'created_at'), help_text='The consent exactly as the person signed it.'),
        ),
        migrations.RunPython(bind, unbind),
    ]
