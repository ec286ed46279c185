"""H-04: a person's words are AES-GCM ciphertext in the database, under a rotating key ring."""

import base64

import pytest
from django.core.management import call_command
from django.db import connection, models

from homegroup.privacy.crypto import FieldKeyError, KeyRing, key_ring
from homegroup.privacy.fields import EncryptedTextField

CANARY = "canary: I used on Tuesday and told nobody"
KEY_A = "a1:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b2:" + base64.b64encode(b"B" * 32).decode()


class CanaryNote(models.Model):
    """A stand-in for the journal's private note until that model exists."""

    body = EncryptedTextField(null=True)

    class Meta:
        app_label = "privacy"

    def __str__(self) -> str:
        return f"canary {self.pk}"


@pytest.fixture
def canary_table(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(CanaryNote)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(CanaryNote)


def raw_values():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {CanaryNote._meta.db_table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_a_raw_sql_read_shows_ciphertext_and_python_sees_the_words(canary_table):
    note = CanaryNote.objects.create(body=CANARY)
    [stored] = raw_values()
    assert "canary" not in stored
    assert "Tuesday" not in stored
    assert stored.startswith("hgenc1:dev1:")
    assert CanaryNote.objects.get(pk=note.pk).body == CANARY


def test_the_same_words_encrypt_differently_each_time(canary_table):
    CanaryNote.objects.create(body=CANARY)
    CanaryNote.objects.create(body=CANARY)
    first, second = raw_values()
    assert first != second


def test_empty_values_stay_empty(canary_table):
    CanaryNote.objects.create(body=None)
    assert raw_values() == [None]


def test_searching_inside_encrypted_text_is_refused(canary_table):
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(CanaryNote.objects.filter(body__contains="canary"))


def test_rotation_rewrites_every_value_under_the_new_first_key(canary_table, settings, capsys):
    settings.HOMEGROUP_FIELD_KEYS = KEY_A
    CanaryNote.objects.create(body=CANARY)
    CanaryNote.objects.create(body="second note")
    settings.HOMEGROUP_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    call_command("rotate-field-keys")
    assert "privacy.CanaryNote.body: 2 values re-encrypted" in capsys.readouterr().out
    assert all(value.startswith("hgenc1:b2:") for value in raw_values())
    settings.HOMEGROUP_FIELD_KEYS = KEY_B  # the old key can go now
    assert sorted(n.body for n in CanaryNote.objects.all()) == [CANARY, "second note"]


def test_a_value_under_a_missing_key_fails_loudly(canary_table, settings):
    settings.HOMEGROUP_FIELD_KEYS = KEY_A
    CanaryNote.objects.create(body=CANARY)
    settings.HOMEGROUP_FIELD_KEYS = KEY_B
    with pytest.raises(FieldKeyError, match="key 'a1'"):
        list(CanaryNote.objects.all())


def test_ciphertext_moved_to_another_column_fails_authentication():
    ring = key_ring(KEY_A)
    sealed = ring.encrypt("words", context="journal.checkin.note")
    assert ring.decrypt(sealed, context="journal.checkin.note") == "words"
    with pytest.raises(FieldKeyError, match="altered or moved"):
        ring.decrypt(sealed, context="care.counselingnote.body")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "holds no key"),
        ("nokey", "keyid:base64key"),
        ("k1:not-base64!!", "not base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "must be 32 bytes"),
        (f"{KEY_A},{KEY_A}", "twice"),
    ],
)
def test_a_malformed_key_ring_is_refused_with_a_clear_message(spec, message):
    with pytest.raises(FieldKeyError, match=message):
        KeyRing.parse(spec)


def test_new_key_prints_a_usable_key(capsys):
    call_command("rotate-field-keys", "--new-key")
    KeyRing.parse("k9:" + capsys.readouterr().out.strip())
