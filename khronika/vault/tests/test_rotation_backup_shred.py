"""The proof issue 5 asks for: a backup taken before a shred cannot reveal the shredded record once the
documented rotation (``khronika vault rotate --kek``, docs/security.md) has run.

The backup is a stand-in (``khronika backup`` is built elsewhere): the database rows and stored files
exactly as they were on disk before the shred. The key file is not part of it: it is kept, and
rotated, separately (docs/security.md, "Backups and shredding").
"""

import pytest
from django.core.files.base import ContentFile

from khronika.records.models import Person
from khronika.testing.factories import PersonFactory
from khronika.vault import keystore, rotation, state
from khronika.vault.crypto import (
    TamperedCiphertext,
    decrypt_field,
    from_text,
    unlock_with_passphrase,
    unwrap_data_key,
)
from khronika.vault.fields import IN_ROW, shred
from khronika.vault.storage import MAGIC, TABLE, EncryptedFileSystemStorage
from khronika.vault.tests.rotation_support import instance_fixture, raw_row  # noqa: F401  # the `instance` fixture
from khronika.vault.tests.support import FAST, PASSPHRASE

SHREDDED_NAME = "Шреддер Синтетический"
TABLE_PERSON = "records_person"


def _everything_the_instance_holds(person_model=Person):
    """Every key the instance holds after the rotation: the keys in memory, the keys the stored key
    file opens with the passphrase, and the data key of every live row."""
    keys = [state.keys(), unlock_with_passphrase(keystore.load_keyring(), PASSPHRASE)]
    candidates = []
    for held in keys:
        assert held.previous is None
        candidates += [held.root, held.kek, held.blind_index_key, held.org_private_key]
    for person in person_model.objects.exclude(vault_key=""):
        candidates.append(
            unwrap_data_key(
                keys[0].kek, from_text(person.vault_key), table=TABLE_PERSON, record_id=person.vault_id
            )
        )
    return candidates


def _file_header(data):
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 2], "big")
    return data[len(MAGIC) + 2 : len(MAGIC) + 2 + length]


def test_a_backup_from_before_a_shred_reveals_nothing_once_the_kek_is_rotated(instance, team):
    victim = PersonFactory(compartment=team.home, given_name=SHREDDED_NAME, family_name="Backup")
    PersonFactory(compartment=team.home, given_name="Оставшийся", family_name="Alive")
    storage = EncryptedFileSystemStorage()
    name = storage.save("evidence/victim", ContentFile("Показания, synthetic".encode()))
    backup_row = raw_row(Person, victim.id, ["vault_id", "vault_key", "vault_data"])
    backup_file = (instance.files / name).read_bytes()
    _, backup_wrapped, backup_ciphertext = backup_row
    record_id = str(Person.objects.get(pk=victim.pk).vault_id)
    # The backup is a real threat before the rotation: today's KEK opens it.
    old_data_key = unwrap_data_key(
        state.keys().kek, from_text(backup_wrapped), table=TABLE_PERSON, record_id=record_id
    )
    backup_ciphertext = bytes(backup_ciphertext)
    assert SHREDDED_NAME.encode() in decrypt_field(
        old_data_key, backup_ciphertext, table=TABLE_PERSON, record_id=record_id, field="vault_data"
    )

    shred(victim)
    storage.delete(name)
    rotation.rotate_kek(state.keys(), PASSPHRASE, kdf_cost=FAST)

    for candidate in _everything_the_instance_holds():
        with pytest.raises(TamperedCiphertext):
            unwrap_data_key(candidate, from_text(backup_wrapped), table=TABLE_PERSON, record_id=record_id)
        with pytest.raises(TamperedCiphertext):
            decrypt_field(
                candidate, backup_ciphertext, table=TABLE_PERSON, record_id=record_id, field="vault_data"
            )
        with pytest.raises(TamperedCiphertext):
            unwrap_data_key(candidate, _file_header(backup_file), table=TABLE, record_id=name)


def test_restoring_the_old_rows_into_the_rotated_instance_shows_no_name(instance, team):
    victim = PersonFactory(compartment=team.home, given_name=SHREDDED_NAME, family_name="Restored")
    _, backup_wrapped, backup_ciphertext = raw_row(Person, victim.id, ["vault_id", "vault_key", "vault_data"])
    shred(victim)
    rotation.rotate_kek(state.keys(), PASSPHRASE, kdf_cost=FAST)

    # Someone puts the backup's values back into the live row.
    Person.objects.filter(pk=victim.pk).update(vault_key=backup_wrapped)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_person SET given_name = %s, vault_data = %s WHERE vault_key = %s",
            [IN_ROW, backup_ciphertext, backup_wrapped],
        )
    with pytest.raises(TamperedCiphertext):
        Person.objects.get(pk=victim.pk).given_name  # noqa: B018  # reading is the test
