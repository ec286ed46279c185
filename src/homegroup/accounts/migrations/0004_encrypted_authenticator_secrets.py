"""Issue 9: authenticator secrets leave django-otp's table, where they are plain text, for
AuthenticatorDevice, where the field key ring encrypts them bound to their account. Every device
is moved and the old rows deleted (backwards: moved back). A session verified with an old device
asks for a code again."""

import django.db.models.deletion
import django_otp.plugins.otp_totp.models
from django.conf import settings
from django.db import migrations, models

import homegroup.encryption.fields

# Everything but the id, the key (encrypted on the way) and created_at (set when written).
COPIED = (
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
)


def move(source, target):
    for device in source.objects.order_by("pk"):
        target.objects.create(key=device.key, **{name: getattr(device, name) for name in COPIED})
    source.objects.all().delete()


def encrypt_secrets(apps, schema_editor):
    move(apps.get_model("otp_totp", "TOTPDevice"), apps.get_model("accounts", "AuthenticatorDevice"))


def decrypt_secrets(apps, schema_editor):
    move(apps.get_model("accounts", "AuthenticatorDevice"), apps.get_model("otp_totp", "TOTPDevice"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_email_verified_at'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthenticatorDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('key', homegroup.encryption.fields.EncryptedTextField(bound_to=('user_id', 'created_at'), default=django_otp.plugins.otp_totp.models.default_key, help_text="The secret, 20 random bytes in hex; encrypted like a person's notes.")),
                ('step', models.PositiveSmallIntegerField(default=30)),
                ('t0', models.BigIntegerField(default=0)),
                ('digits', models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ('tolerance', models.PositiveSmallIntegerField(default=1)),
                ('drift', models.SmallIntegerField(default=0)),
                ('last_t', models.BigIntegerField(default=-1, help_text='The time step of the last code accepted: none is taken twice.')),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'authenticator app',
            },
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
