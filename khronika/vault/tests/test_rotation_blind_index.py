"""Rotating the blind-index key recomputes every blind index; lookups keep working with the new key.

Every app that keeps such digests (safety entries, monitored articles) recomputes its own.

Threat answered: an old blind-index key (read from a seized server's memory) can test guessed names or
phone numbers against copied indexes; after a rotation it matches no current index.
"""

import io

from django.core.management import call_command
from django.utils import timezone

from khronika.monitoring import services as monitoring_services
from khronika.monitoring.models import Article
from khronika.monitoring.tests.importing import fake_extract
from khronika.monitoring.tests.test_duplicates import ORIGINAL, REPRINT, _import
from khronika.records.blind_indexes import find_persons_by_identifier
from khronika.records.models.people import PersonBlindIndex
from khronika.safety import services as safety_services
from khronika.safety.models import Channel, Entry
from khronika.safety.services import Subject
from khronika.testing.factories import PersonFactory
from khronika.vault import keystore, rotation, state
from khronika.vault.crypto import phone_index, unlock_with_passphrase
from khronika.vault.tests.rotation_support import instance_fixture  # noqa: F401  # the `instance` fixture
from khronika.vault.tests.support import PASSPHRASE

PHONE = "+79001112233"
SAFETY_PHONE = Subject(kind="phone", identifier="+7 900 555-01-99")


def _digests(person):
    return set(PersonBlindIndex.objects.filter(person=person).values_list("digest", flat=True))


def test_after_rotation_every_index_uses_the_new_key_and_lookups_still_find_the_person(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Заур", family_name="Индексов", contacts=PHONE)
    before = _digests(person)
    old_key = state.keys().blind_index_key
    assert phone_index(old_key, PHONE) in before

    written = rotation.rotate_blind_index(state.keys())

    new_key = state.keys().blind_index_key
    after = _digests(person)
    assert new_key != old_key and written >= len(after) > 0
    assert before.isdisjoint(after)
    assert phone_index(new_key, PHONE) in after
    assert set(find_persons_by_identifier(team.documenter, PHONE)) == {person}
    assert state.keys().previous is None


def test_the_new_blind_index_key_is_kept_wrapped_in_the_key_file(instance, team):
    rotation.rotate_blind_index(state.keys())

    reopened = unlock_with_passphrase(keystore.load_keyring(), PASSPHRASE)

    assert reopened.blind_index_key == state.keys().blind_index_key != instance.keys.blind_index_key
    assert reopened.kek == instance.keys.kek  # the root did not change
    assert state.keys().blind_index_key.hex() not in keystore.keyring_path().read_text()


def test_the_command_rotates_the_blind_index_key(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Мария", family_name="Командова", contacts=PHONE)
    out = io.StringIO()

    call_command("vault", "rotate", "--blind-index", stdout=out)

    assert "Blind-index key rotated" in out.getvalue()
    assert state.keys().blind_index_key != instance.keys.blind_index_key
    assert set(find_persons_by_identifier(team.documenter, PHONE)) == {person}


def test_a_kek_rotation_keeps_the_blind_indexes_valid(instance, team):
    person = PersonFactory(compartment=team.home, given_name="Анна", family_name="Сохранова", contacts=PHONE)
    before = _digests(person)

    rotation.rotate_kek(state.keys(), PASSPHRASE)

    assert _digests(person) == before
    assert set(find_persons_by_identifier(team.documenter, PHONE)) == {person}


def test_every_app_with_keyed_digests_is_reindexed(instance, team):
    assert {"records.persons", "safety.entries", "monitoring.articles"} <= set(rotation.reindexers())


def test_after_rotation_a_new_report_of_a_known_number_joins_its_entry(instance, team):
    first = safety_services.report(SAFETY_PHONE, channel=Channel.STAFF, origin="staff:a", actor=None)
    old_index = first.entry.dedup_index

    rotation.rotate_blind_index(state.keys())

    again = safety_services.report(SAFETY_PHONE, channel=Channel.STAFF, origin="staff:b", actor=None)
    assert again.entry == first.entry
    assert Entry.objects.get().dedup_index not in ("", old_index)


def test_after_rotation_stored_articles_are_still_recognised_as_duplicates_and_originals(
    instance, team, monkeypatch
):
    monkeypatch.setattr(
        monitoring_services,
        "extract",
        lambda item: fake_extract(item.text, published=timezone.now().date(), language=item.language),
    )
    _import(team.home, (ORIGINAL, "https://a.example.invalid/1"))
    digests_before = Article.objects.values_list("url_digest", "content_digest").get()

    rotation.rotate_blind_index(state.keys())

    assert Article.objects.values_list("url_digest", "content_digest").get() != digests_before
    again = _import(
        team.home, (ORIGINAL, "https://b.example.invalid/2"), (REPRINT, "https://c.example.invalid/3")
    )
    assert (again.duplicates, again.reprints) == (1, 1)
    assert Article.objects.get(reprint_of__isnull=False).reprint_of.url == "https://a.example.invalid/1"
