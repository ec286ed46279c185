"""H-04: a person's words are AES-GCM ciphertext in the database, under a rotating key ring, each
value bound to its table, column, owner and row (issue 9, item 3)."""

import base64
import logging
from importlib import import_module

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from homegroup.encryption.crypto import (
    LEGACY_PREFIX,
    FieldKeyError,
    IntegrityFailure,
    KeyRing,
    key_ring,
)
from homegroup.encryption.fields import (
    EncryptedTextField,
    Unreadable,
    bind_values_to_rows,
    current_key_ring,
    unbind_values_from_rows,
)

CANARY = "canary: I used on Tuesday and told nobody"
KEY_A = "a1:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b2:" + base64.b64encode(b"B" * 32).decode()
UNREADABLE = "This entry cannot be read."


class CanaryNote(models.Model):
    """A stand-in model: a note bound to its owner and day, as a check-in's is."""

    owner_id = models.IntegerField()
    day = models.DateField()
    body = EncryptedTextField(null=True, bound_to=("owner_id", "day"))

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


def note(body=CANARY, owner=1, day="2026-03-01"):
    return CanaryNote.objects.create(owner_id=owner, day=day, body=body)


def raw_values():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {CanaryNote._meta.db_table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def move(from_id, to_id):
    table = CanaryNote._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET body = (SELECT body FROM {table} WHERE id = %s) WHERE id = %s",
            [from_id, to_id],
        )


def test_a_raw_sql_read_shows_ciphertext_and_python_sees_the_words(canary_table):
    row = note()
    [stored] = raw_values()
    assert "canary" not in stored
    assert "Tuesday" not in stored
    assert stored.startswith("hgenc2:dev1:")
    assert CanaryNote.objects.get(pk=row.pk).body == CANARY


def test_the_same_words_encrypt_differently_each_time(canary_table):
    note()
    note()
    first, second = raw_values()
    assert first != second


def test_empty_values_stay_empty(canary_table):
    note(body=None)
    assert raw_values() == [None]


def test_values_sealed_in_bulk_open_on_their_own_rows_only(canary_table):
    from datetime import date

    field = CanaryNote._meta.get_field("body")
    first, second = field.seal_rows([(1, date(2026, 3, 1)), (2, date(2026, 3, 1))], CANARY)
    mine = CanaryNote.objects.create(owner_id=1, day="2026-03-01", body=None)
    theirs = CanaryNote.objects.create(owner_id=2, day="2026-03-01", body=None)
    CanaryNote.objects.filter(pk=mine.pk).update(body=first)
    CanaryNote.objects.filter(pk=theirs.pk).update(body=first)
    assert CanaryNote.objects.get(pk=mine.pk).body == CANARY
    assert CanaryNote.objects.get(pk=theirs.pk).body == UNREADABLE
    assert "canary" not in second
    with pytest.raises(ValueError, match="cannot be bound"):
        field.seal_rows([(1, None)])


def test_searching_inside_encrypted_text_is_refused(canary_table):
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(CanaryNote.objects.filter(body__contains="canary"))


def test_a_value_moved_to_another_owners_row_reads_as_unreadable_and_is_logged(
    canary_table, caplog
):
    caplog.set_level(logging.ERROR)
    anas, bens = note(owner=1), note(body="mine", owner=2)
    move(anas.pk, bens.pk)
    read = CanaryNote.objects.get(pk=bens.pk).body
    assert isinstance(read, Unreadable)
    assert read == UNREADABLE
    assert f"integrity error: the encrypted value in privacy_canarynote.body of row {bens.pk}" in (
        caplog.text
    )
    assert "Tuesday" not in caplog.text
    assert CanaryNote.objects.get(pk=anas.pk).body == CANARY


def test_a_value_moved_to_another_day_of_the_same_owner_reads_as_unreadable(canary_table):
    monday, tuesday = note(day="2026-03-02"), note(body="quiet", day="2026-03-03")
    move(monday.pk, tuesday.pk)
    assert CanaryNote.objects.get(pk=tuesday.pk).body == UNREADABLE


def test_an_altered_or_malformed_value_reads_as_unreadable(canary_table):
    row = note()
    [stored] = raw_values()
    for broken in (stored[:-4] + "AAAA", "hgenc2:dev1:not base64!", "plain words"):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE privacy_canarynote SET body = %s WHERE id = %s", [broken, row.pk]
            )
        assert CanaryNote.objects.get(pk=row.pk).body == UNREADABLE


def test_saving_a_row_with_an_unreadable_value_writes_the_stored_value_back(canary_table):
    anas, bens = note(owner=1), note(body="mine", owner=2)
    move(anas.pk, bens.pk)
    moved = raw_values()[1]
    row = CanaryNote.objects.get(pk=bens.pk)
    row.day = row.day  # any save of the row
    row.save()
    assert raw_values()[1] == moved


def test_a_plain_update_is_refused_because_it_has_no_row_to_bind_to(canary_table):
    row = note()
    with pytest.raises(TypeError, match="bound to its row"):
        CanaryNote.objects.filter(pk=row.pk).update(body="changed")
    field = CanaryNote._meta.get_field("body")
    CanaryNote.objects.filter(pk=row.pk).update(body=field.seal(row, "changed"))
    assert CanaryNote.objects.get(pk=row.pk).body == "changed"


@isolate_apps("homegroup.privacy")
def test_an_encrypted_field_that_names_no_binding_fails_the_system_check():
    class Unbound(models.Model):
        body = EncryptedTextField()
        elsewhere = EncryptedTextField(bound_to=("nobody_id",))

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return "unbound"

    ids = {error.id for field in Unbound._meta.local_fields for error in field.check()}
    assert {"privacy.E001", "privacy.E002"} <= ids
    assert all(isinstance(e, checks.Error) for e in Unbound._meta.get_field("body").check())


def test_rotation_rewrites_every_value_under_the_new_first_key(canary_table, settings, capsys):
    settings.HOMEGROUP_FIELD_KEYS = KEY_A
    note()
    note(body="second note", owner=2)
    settings.HOMEGROUP_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    call_command("rotate-field-keys")
    assert "privacy.CanaryNote.body: 2 values re-encrypted" in capsys.readouterr().out
    assert all(value.startswith("hgenc2:b2:") for value in raw_values())
    settings.HOMEGROUP_FIELD_KEYS = KEY_B  # the old key can go now
    assert sorted(n.body for n in CanaryNote.objects.all()) == [CANARY, "second note"]


def test_rotation_leaves_a_moved_value_unreadable_instead_of_binding_it_to_its_new_row(
    canary_table, settings, capsys
):
    settings.HOMEGROUP_FIELD_KEYS = KEY_A
    anas, bens = note(owner=1), note(body="mine", owner=2)
    move(anas.pk, bens.pk)
    settings.HOMEGROUP_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    call_command("rotate-field-keys")
    out = capsys.readouterr().out
    assert "privacy.CanaryNote.body: 1 values re-encrypted, 1 unreadable left as they are" in out
    assert CanaryNote.objects.get(pk=bens.pk).body == UNREADABLE
    assert CanaryNote.objects.get(pk=anas.pk).body == CANARY


def test_a_value_under_a_missing_key_fails_loudly(canary_table, settings):
    settings.HOMEGROUP_FIELD_KEYS = KEY_A
    row = note()
    settings.HOMEGROUP_FIELD_KEYS = KEY_B
    with pytest.raises(FieldKeyError, match="key 'a1'"):
        CanaryNote.objects.get(pk=row.pk).body


def test_the_migration_binds_column_bound_values_to_their_rows_and_back(canary_table):
    ring = current_key_ring()
    field = CanaryNote._meta.get_field("body")
    row = note()
    legacy = ring.encrypt(CANARY, associated_data=b"privacy.canarynote.body", prefix=LEGACY_PREFIX)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_canarynote SET body = %s", [legacy])
    assert CanaryNote.objects.get(pk=row.pk).body == UNREADABLE  # old values are not accepted
    assert bind_values_to_rows(CanaryNote, ["body"]) == (1, 0)
    assert raw_values()[0].startswith("hgenc2:")
    assert CanaryNote.objects.get(pk=row.pk).body == CANARY
    assert unbind_values_from_rows(CanaryNote, ["body"]) == (1, 0)
    [back] = raw_values()
    assert (
        ring.decrypt(back, associated_data=b"privacy.canarynote.body", prefix=LEGACY_PREFIX)
        == CANARY
    )
    assert field.bound_to == ("owner_id", "day")


# Journal models whose table was created after journal 0004 (values bound from their first save).
BORN_BOUND = {"RecoveryTask"}


def test_the_journal_migration_names_every_encrypted_field_of_the_journal():
    from django.apps import apps

    migration = import_module(
        "homegroup.journal.migrations.0004_bind_encrypted_values_to_their_rows"
    )
    journal = {
        model.__name__: sorted(
            f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)
        )
        for model in apps.get_app_config("journal").get_models()
        # Models added after that migration are created with their values bound from the start.
        if model.__name__ not in BORN_BOUND
    }
    assert {name: sorted(fields) for name, fields in migration.BOUND.items()} == {
        name: fields for name, fields in journal.items() if fields
    }


def test_ciphertext_moved_to_another_column_fails_authentication():
    ring = key_ring(KEY_A)
    sealed = ring.encrypt("words", associated_data=b'["journal_checkin","note",1,"2026-03-01"]')
    assert ring.decrypt(sealed, associated_data=b'["journal_checkin","note",1,"2026-03-01"]') == (
        "words"
    )
    with pytest.raises(IntegrityFailure, match="altered or moved"):
        ring.decrypt(sealed, associated_data=b'["care_counselingnote","body",1,"2026-03-01"]')


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
