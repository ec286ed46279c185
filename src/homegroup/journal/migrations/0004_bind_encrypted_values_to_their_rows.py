"""Issue 9: bind every encrypted value to its row (table, column, owner, natural key), so
ciphertext copied into another row or column fails authentication. Declares `bound_to` on each
field (no change to the columns) and re-encrypts every stored value; backwards, the values go
back to being bound to their column only."""

import django.utils.timezone
from django.db import migrations, models

import homegroup.encryption.fields
from homegroup.encryption.fields import bind_values_to_rows, unbind_values_from_rows

BOUND = {"CheckIn": ["note"], "CheckInMeeting": ["name"], "MedicationPlan": ["other_name", "prescriber"], "NetworkMember": ["name"], "ServiceCommitment": ["meeting_name"], "TwelveStepLife": ["sponsor_name"]}


def bind(apps, schema_editor):
    for model_name, names in BOUND.items():
        bind_values_to_rows(apps.get_model("journal", model_name), names)


def unbind(apps, schema_editor):
    for model_name, names in BOUND.items():
        unbind_values_from_rows(apps.get_model("journal", model_name), names)


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0003_snapshot_answers_and_wording'),
    ]

    operations = [
        migrations.AddField(
            model_name='servicecommitment',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='checkin',
            name='note',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('person_id', 'date'), default='', verbose_name='private note'),
        ),
        migrations.AlterField(
            model_name='checkinmeeting',
            name='name',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('check_in.person_id', 'check_in.date'), default='', help_text='Typed in by the person, for a meeting not in the directory.', verbose_name='meeting name'),
        ),
        migrations.AlterField(
            model_name='medicationplan',
            name='other_name',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('person_id', 'created_at'), default='', help_text="Only for 'Other'.", verbose_name='name of the medication'),
        ),
        migrations.AlterField(
            model_name='medicationplan',
            name='prescriber',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('person_id', 'created_at'), default='', help_text='Optional. Encrypted; shown only to the person.', verbose_name='clinic or prescriber'),
        ),
        migrations.AlterField(
            model_name='networkmember',
            name='name',
            field=homegroup.encryption.fields.EncryptedTextField(bound_to=('person_id', 'created_at'), help_text='Just enough for you to recognise them (at most 20 characters).', verbose_name='first name or nickname'),
        ),
        migrations.AlterField(
            model_name='servicecommitment',
            name='meeting_name',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('person_id', 'created_at'), default='', help_text='When it is not a directory meeting.', verbose_name='group or meeting'),
        ),
        migrations.AlterField(
            model_name='twelvesteplife',
            name='sponsor_name',
            field=homegroup.encryption.fields.EncryptedTextField(blank=True, bound_to=('person_id',), default='', help_text='A first name or initials only (at most 20 characters), never contact details.', verbose_name="sponsor's first name or initials"),
        ),
        migrations.RunPython(bind, unbind),
    ]
