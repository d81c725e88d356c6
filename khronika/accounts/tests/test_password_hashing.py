"""Staff passwords are stored with a memory-hard hash (threat model 1: a seized database)."""

from khronika import settings as production_settings


def test_the_configured_first_hasher_is_argon2():
    # Tests swap in a fast hasher through a fixture; the real configuration must stay memory-hard.
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
