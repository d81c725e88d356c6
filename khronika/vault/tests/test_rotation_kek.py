"""Rotating the root / key-encryption key rewraps every record and file while everything stays readable.

Threat answered: copies of wrapped data keys (backups, a seized disk) and old trustee shares stop
opening anything once the root they belong to is rotated away.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from khronika.records.models import Person
from khronika.testing.factories import PersonFactory
from khronika.vault import keystore, rotation, state
from khronika.vault.crypto import (
    InvalidShare,
    TamperedCiphertext,
    VaultError,
    create_vault,
    finish_rotation,
    from_text,
    rotate_root,
    unlock_with_passphrase,
    unlock_with_shares,
    unwrap_data_key,
)
from khronika.vault.storage import MAGIC, EncryptedFileSystemStorage
from khronika.vault.tests.rotation_support import instance_fixture, raw_row  # noqa: F401  # the `instance` fixture
from khronika.vault.tests.support import FAST, PASSPHRASE, pipe_with

CONTENT = "Протокол допроса, synthetic. ".encode() * 5000


def test_a_new_root_keeps_the_vault_id_organisation_key_and_blind_index_key_but_not_the_kek():
    vault = create_vault(PASSPHRASE, kdf_cost=FAST, threshold=2, shares=3)

    rotated = rotate_root(vault.keyring, vault.keys, PASSPHRASE, kdf_cost=FAST)

    new = rotated.keys
    assert new.vault_id == vault.keys.vault_id
    assert new.org_private_key == vault.keys.org_private_key
    assert new.blind_index_key == vault.keys.blind_index_key
    assert new.root != vault.keys.root and new.kek != vault.keys.kek
    assert new.previous.kek == vault.keys.kek
    assert rotated.keyring.org_public_key == vault.keyring.org_public_key
    assert rotated.keyring.rotation_in_progress


def test_a_keyring_mid_rotation_unlocks_with_both_keks_and_after_finishing_with_the_new_one_only():
    vault = create_vault(PASSPHRASE, kdf_cost=FAST, threshold=2, shares=3)
    rotated = rotate_root(vault.keyring, vault.keys, PASSPHRASE, kdf_cost=FAST)

    mid = unlock_with_passphrase(rotated.keyring, PASSPHRASE)
    assert mid.kek == rotated.keys.kek and mid.previous.kek == vault.keys.kek

    finished, keys = finish_rotation(rotated.keyring, rotated.keys)
    reopened = unlock_with_passphrase(finished, PASSPHRASE)
    assert reopened.previous is None and keys.previous is None
    assert reopened.kek == rotated.keys.kek
    assert unlock_with_shares(finished, rotated.shares[:2]).kek == rotated.keys.kek


def test_old_trustee_shares_no_longer_open_the_rotated_vault():
    vault = create_vault(PASSPHRASE, kdf_cost=FAST, threshold=2, shares=3)
    rotated = rotate_root(vault.keyring, vault.keys, PASSPHRASE, kdf_cost=FAST)
    finished, _ = finish_rotation(rotated.keyring, rotated.keys)

    with pytest.raises(InvalidShare):
        unlock_with_shares(finished, vault.shares[:2])


def test_a_second_rotation_is_refused_while_one_is_in_progress():
    vault = create_vault(PASSPHRASE, kdf_cost=FAST)
    rotated = rotate_root(vault.keyring, vault.keys, PASSPHRASE, kdf_cost=FAST)

    with pytest.raises(VaultError):
        rotate_root(rotated.keyring, rotated.keys, PASSPHRASE, kdf_cost=FAST)


def test_the_keyring_file_round_trips_a_rotation_in_progress():
    vault = create_vault(PASSPHRASE, kdf_cost=FAST)
    rotated = rotate_root(vault.keyring, vault.keys, PASSPHRASE, kdf_cost=FAST)

    assert type(rotated.keyring).from_json(rotated.keyring.to_json()) == rotated.keyring


def test_rotation_rewraps_every_row_and_file_and_leaves_ciphertexts_alone(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Тимур", family_name="Rotated")
    before_key, before_row = raw_row(Person, person.id, ["vault_key", "vault_data"])
    storage = EncryptedFileSystemStorage()
    name = storage.save("evidence/one", ContentFile(CONTENT))
    file_before = (instance.files / name).read_bytes()

    done = rotation.rotate_kek(state.keys(), PASSPHRASE, kdf_cost=FAST)

    after_key, after_row = raw_row(Person, person.id, ["vault_key", "vault_data"])
    assert after_key != before_key and after_row == before_row
    keys = state.keys()
    assert keys.previous is None and keys.kek != instance.keys.kek
    with pytest.raises(TamperedCiphertext):
        unwrap_data_key(
            instance.keys.kek, from_text(after_key), table="records_person", record_id=person.vault_id
        )
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.given_name, fresh.family_name) == ("Тимур", "Rotated")
    file_after = (instance.files / name).read_bytes()
    header = len(MAGIC) + 2 + int.from_bytes(file_before[4:6], "big")
    assert file_after[:header] != file_before[:header] and file_after[header:] == file_before[header:]
    with storage.open(name) as handle:
        assert handle.read() == CONTENT
    assert done.rows.rewrapped >= 1 and done.files.rewrapped == 1
    stored = keystore.load_keyring()
    assert not stored.rotation_in_progress
    assert unlock_with_passphrase(stored, PASSPHRASE).kek == keys.kek


def test_mid_rotation_a_row_not_yet_rewrapped_is_readable_and_saving_it_rewraps_it(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Ольга", family_name="Midway")
    old_key = raw_row(Person, person.id, ["vault_key"])[0]
    rotated = rotate_root(keystore.load_keyring(), state.keys(), PASSPHRASE, kdf_cost=FAST)
    state.unseal(rotated.keys)  # what every process holds between steps 2 and 4

    loaded = Person.objects.get(pk=person.pk)
    assert loaded.given_name == "Ольга"
    loaded.family_name = "Midway-2"
    loaded.save()

    new_key = raw_row(Person, person.id, ["vault_key"])[0]
    assert new_key != old_key
    data_key = unwrap_data_key(
        rotated.keys.kek, from_text(new_key), table="records_person", record_id=person.vault_id
    )
    assert len(data_key) == 32


def test_a_rotation_interrupted_after_the_new_keyring_was_written_resumes(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Анна", family_name="Crashed")
    rotated = rotate_root(keystore.load_keyring(), state.keys(), PASSPHRASE, kdf_cost=FAST)
    keystore.save_keyring(rotated.keyring, replace=True)  # then the process died

    keys = keystore.unlock(passphrase=PASSPHRASE)  # what the operator's rerun gets
    done = rotation.rotate_kek(keys, PASSPHRASE, kdf_cost=FAST)

    assert done.resumed
    assert not keystore.load_keyring().rotation_in_progress
    assert state.keys().kek == rotated.keys.kek and state.keys().previous is None
    assert Person.objects.get(pk=person.pk).given_name == "Анна"


def test_the_command_rotates_with_the_passphrase_from_a_file_descriptor(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Пётр", family_name="Command")
    out = io.StringIO()

    with pipe_with(PASSPHRASE + "\n") as fd:
        call_command(
            "vault", "rotate", "--kek", "--argon2-memory-kib", "8", "--argon2-passes", "1",
            "--argon2-lanes", "1", passphrase_fd=fd, stdout=out,
        )  # fmt: skip

    assert "Key-encryption key rotated" in out.getvalue()
    assert state.keys().kek != instance.keys.kek
    assert unlock_with_passphrase(keystore.load_keyring(), PASSPHRASE).kek == state.keys().kek
    assert Person.objects.get(pk=person.pk).given_name == "Пётр"


def test_a_wrong_passphrase_rotates_nothing(instance):
    before = keystore.keyring_path().read_bytes()

    with pipe_with("not the passphrase at all\n") as fd, pytest.raises(Exception, match="passphrase"):
        call_command("vault", "rotate", "--kek", passphrase_fd=fd, stdout=io.StringIO())

    assert keystore.keyring_path().read_bytes() == before
    assert state.keys().kek == instance.keys.kek


def test_an_object_loaded_before_the_rotation_and_saved_after_it_keeps_the_row_readable(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Вера", family_name="Stale")
    stale = Person.objects.get(pk=person.pk)  # loaded in a request that outlives the rotation

    rotation.rotate_kek(state.keys(), PASSPHRASE, kdf_cost=FAST)
    stale.save()  # no sensitive field was read: it still holds the old wrapping

    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.given_name, fresh.family_name) == ("Вера", "Stale")
