"""Receipt phrases: how a source who reported anonymously finds their report again.

A source gets 7 words drawn with ``secrets.choice`` from a list of 7,776 words (English or Russian,
``wordlists/``), about 90 bits. Nothing else identifies them: there is no account, no cookie, no address.

The phrase is never stored. One Argon2id call over the normalized phrase, with an instance-wide salt and
a pepper, gives 64 bytes: the first 32 are the *lookup hash*, stored with a unique index so a return
visit finds its submission without trying every row; the last 32 are the *phrase key*, never stored,
which decrypts the copy of the submission key kept for the source (docs/intake design, issue 6).

Threats this answers:

- **A stolen or seized database.** Argon2id (memory-hard) makes every guess expensive, and the pepper,
  which lives in a file outside the database, makes guessing impossible from the database alone: a
  lookup hash cannot even be tested without the pepper.
- **Precomputation.** The instance salt means a table of hashes computed for one instance is useless for
  another. One salt for the whole instance (not one per row) is what lets a phrase be looked up by its
  hash; the 90 bits of the phrase, not the salt, are what stop guessing.
- **Typos.** ``phrase_looks_valid`` tells a mistyped word apart before any hash is computed, so a typo
  costs no Argon2 call and is not counted as a wrong phrase by ``phrase_throttle``.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from khronika.secret_files import create_secret_file

PHRASE_WORDS = 7
LANGUAGES = ("ru", "en")
WORDLIST_DIR = Path(__file__).resolve().parent / "wordlists"
KEY_FILE_NAME = "intake-phrase.key"
SALT_BYTES = 16
PEPPER_BYTES = 32
LOOKUP_HASH_BYTES = 32
PHRASE_KEY_BYTES = 32

# A run of letters (any script, no digits, no underscore) is a word; everything else separates words.
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class PhraseSecrets:
    lookup_hash: bytes  # 32 bytes, stored with a unique index
    phrase_key: bytes  # 32 bytes, never stored: decrypts the submission key


@cache
def words(language: str) -> tuple[str, ...]:
    """The word list of ``language`` ("ru" or "en"), in file order."""
    if language not in LANGUAGES:
        raise ValueError(f"No receipt phrase word list for language {language!r}")
    text = (WORDLIST_DIR / f"{language}.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.split() if line)


@cache
def _word_set(language: str) -> frozenset[str]:
    return frozenset(words(language))


def new_phrase(language: str) -> str:
    """A new receipt phrase: ``PHRASE_WORDS`` words of ``language``'s list, space-separated.

    ``secrets.choice`` draws from the operating system's CSPRNG: a phrase must not be predictable from
    earlier ones (``random`` would be)."""
    vocabulary = words(language)
    return " ".join(secrets.choice(vocabulary) for _ in range(PHRASE_WORDS))


def normalize_phrase(text: str) -> str:
    """The phrase as hashed: the same for every way a person may type or paste it.

    NFKC (full-width and compatibility letters, composed й), casefold (any capitals), ``ё`` → ``е``
    (most people type ``е``), accents such as a stress mark dropped, and anything that is not a letter
    (spaces, dashes, punctuation, line breaks, digits) becomes one space between words."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    text = "".join(char for char in text if unicodedata.category(char) != "Mn")
    return " ".join(_WORD.findall(text))


def phrase_looks_valid(text: str) -> bool:
    """True if ``text`` is ``PHRASE_WORDS`` words all from one list: worth an Argon2 call."""
    typed = normalize_phrase(text).split(" ")
    if len(typed) != PHRASE_WORDS:
        return False
    return any(_word_set(language).issuperset(typed) for language in LANGUAGES)


def derive(phrase: str) -> PhraseSecrets:
    """The lookup hash and the phrase key of ``phrase``: one Argon2id call, 64 bytes out.

    The pepper goes in front of the password input (Argon2's own "secret" input is not exposed by
    argon2-cffi's low-level API); Argon2 hashes all its inputs into its first block, so a fixed-length
    prefix binds the output to the pepper just as well. Callers check ``phrase_looks_valid`` first."""
    salt, pepper = _salt_and_pepper(_key_path())
    time_cost, memory_kib = settings.INTAKE_PHRASE_KDF
    raw = hash_secret_raw(
        secret=pepper + normalize_phrase(phrase).encode("utf-8"),
        salt=salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=1,
        hash_len=LOOKUP_HASH_BYTES + PHRASE_KEY_BYTES,
        type=Type.ID,
    )
    return PhraseSecrets(lookup_hash=raw[:LOOKUP_HASH_BYTES], phrase_key=raw[LOOKUP_HASH_BYTES:])


# --- The instance salt and pepper --------------------------------------------------------------------
#
# Why the pepper is a file outside the database: a copy of the database (a stolen backup, a seized
# server's disk image without this file, an SQL injection) then holds lookup hashes nobody can test
# phrases against, however much computing power they have.
#
# Why it is not in the vault: intake must work while the instance is sealed (the vault's keys are not in
# memory then), both for new reports and for sources coming back; a pepper in the vault would lock
# sources out whenever the organisation seals. The file is readable by the service account only (0600).
#
# Backups must include this file: without it, every receipt phrase stops working.


def _key_path() -> Path:
    configured = settings.INTAKE_PHRASE_KEY_FILE
    return Path(configured) if configured else Path(settings.DATA_DIR) / KEY_FILE_NAME


@lru_cache(maxsize=4)
def _salt_and_pepper(path: Path) -> tuple[bytes, bytes]:
    """Read once per process (every phrase check needs it); made on first use at the default path.

    A path set with KHRONIKA_INTAKE_PHRASE_KEY_FILE must already exist: making a new file there would
    hide a missing mount or a lost file, and silently make every existing receipt phrase useless."""
    if not path.exists():
        if settings.INTAKE_PHRASE_KEY_FILE:
            raise ImproperlyConfigured(
                f"The receipt phrase key file {path} (set by KHRONIKA_INTAKE_PHRASE_KEY_FILE) does not "
                "exist. Restore it from a backup, or unset KHRONIKA_INTAKE_PHRASE_KEY_FILE on a new "
                "instance to have one made in the data folder."
            )
        create_secret_file(path, SALT_BYTES + PEPPER_BYTES)
    if path.stat().st_mode & 0o077:
        # Threat: another account on the machine copying the pepper, then testing phrases against a
        # copy of the database.
        raise ImproperlyConfigured(
            f"The receipt phrase key file {path} can be read by other accounts on this machine. "
            f"Restrict it with: chmod 600 {path}"
        )
    try:
        material = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (UnicodeDecodeError, ValueError):
        material = b""
    if len(material) != SALT_BYTES + PEPPER_BYTES:
        raise ImproperlyConfigured(
            f"The receipt phrase key file {path} is damaged (it should hold "
            f"{SALT_BYTES + PEPPER_BYTES} bytes written as hexadecimal). Restore it from a backup."
        )
    return material[:SALT_BYTES], material[SALT_BYTES:]
