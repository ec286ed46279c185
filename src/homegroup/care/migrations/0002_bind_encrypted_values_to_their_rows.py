"""Issue 9: bind every encrypted value to its row (table, column, owner, natural key), so
ciphertext copied into another row or column fails authentication. Declares `bound_to` on each
field (no change to the columns) and re-encrypts every stored value; backwards, the values go
back to being bound to their column only."""

from django.db import migrations

import homegroup.encryption.fields
from homegroup.encryption.fields import bind_values_to_rows, unbind_values_from_rows

BOUND = {"CounselingNote": ["body"]}


def bind(apps, schema_editor):
    for model_name, names in BOUND.items():
        bind_values_to_rows(apps.get_model("care", model_name), names)


def unbind(apps, schema_editor):
    for model_name, names in BOUND.items():
        unbind_values_from_rows(apps.get_model("care", model_name), names)


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='counselingnote',
            name='body',
            field=homegroup.encryption.fields.EncryptedTextField(bound_to=('author_id', 'person_id', 'created_at'), help_text="The clinician's analysis of the session. Encrypted; never exported.", verbose_name='note'),
        ),
        migrations.RunPython(bind, unbind),
    ]
