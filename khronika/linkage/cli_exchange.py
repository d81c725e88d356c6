"""``khronika link secret | encode | match``: the exchange between organisations (docs/linkage.md).

``secret`` prints a fresh secret for one exchange. ``encode`` turns a person list into an encoded
file and a private mapping file: from a person CSV (files only: no database, no unsealed vault) or,
with ``--from-instance``, from this instance's persons who consented to linkage (needs the vault
open; ledgered as an export). ``match`` pairs two encoded files and deletes them unless ``--keep``.
The work is in ``exchange.py``; this module reads options, files and the database, and speaks to
the operator.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from khronika.linkage import exchange
from khronika.linkage.consolidate import consolidate
from khronika.linkage.csv_io import UnreadableFile, read_persons
from khronika.linkage.types import PersonRecord
from khronika.vault.management.prompts import ask_secret, read_fd_lines
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process

MAX_ERRORS_SHOWN = 20


def add_subcommands(subparsers: Any) -> None:
    """Add ``secret``, ``encode`` and ``match`` to ``khronika link``."""
    subparsers.add_parser(
        "secret",
        help="Print a fresh secret for one exchange with another organisation.",
        description="Give it to the other organisation out of band (in person or over an end-to-end "
        "encrypted call), never with the encoded files. Khronika does not store it.",
    )
    encode = subparsers.add_parser(
        "encode",
        help="Encode a person list for an exchange with another organisation.",
        description="Writes FILE.clk (to send to the matcher) and MAPPING.csv (to keep: it turns "
        "pseudonyms back into your records).",
    )
    source = encode.add_mutually_exclusive_group(required=True)
    source.add_argument("input", nargs="?", type=Path, metavar="INPUT.csv", help="A person CSV.")
    source.add_argument(
        "--from-instance",
        action="store_true",
        help="Encode this instance's persons whose consent covers linkage (needs the vault open).",
    )
    encode.add_argument("--output", type=Path, required=True, metavar="FILE.clk")
    encode.add_argument("--mapping", type=Path, required=True, metavar="MAPPING.csv")
    encode.add_argument(
        "--secret-fd", type=int, metavar="FD", help="Read the exchange secret from FD (else: a prompt)."
    )
    encode.add_argument("--skip-bad-rows", action="store_true", help="Leave out rows that cannot be read.")
    encode.add_argument("--force", action="store_true", help="Overwrite FILE.clk and MAPPING.csv.")
    add_unlock_arguments(encode)
    match = subparsers.add_parser(
        "match",
        help="Find the people two encoded files share.",
        description="Writes pseudonym_a, pseudonym_b, match_probability; deletes both encoded files unless "
        "--keep.",
    )
    match.add_argument("first", type=Path, metavar="A.clk")
    match.add_argument("second", type=Path, metavar="B.clk")
    match.add_argument("--output", type=Path, required=True, metavar="PAIRS.csv")
    match.add_argument(
        "--threshold",
        type=float,
        default=exchange.DEFAULT_THRESHOLD,
        help=argparse.SUPPRESS,  # for evaluation; the default is the measured one
    )
    match.add_argument("--keep", action="store_true", help="Do not delete the encoded files after matching.")
    match.add_argument("--force", action="store_true", help="Overwrite PAIRS.csv if it exists.")


def run(options: dict[str, Any]) -> None:
    action = options["action"]
    if action == "secret":
        _write(options, exchange.new_secret())
        _write(
            options,
            _(
                "Give this secret to the other organisation out of band, not with the files. "
                "Use it for this one exchange only; Khronika has not stored it."
            ),
        )
    elif action == "encode":
        _encode(options)
    elif action == "match":
        _match(options)
    else:  # argparse only offers the actions above
        raise CommandError(_("Unknown action %(action)s.") % {"action": action})


def _write(options: dict[str, Any], text: str) -> None:
    stream = options.get("stdout") or sys.stdout
    stream.write(text + "\n")


# encode ------------------------------------------------------------------------------------------


def _encode(options: dict[str, Any]) -> None:
    output: Path = options["output"]
    mapping_path: Path = options["mapping"]
    if output.resolve() == mapping_path.resolve():
        raise CommandError(_("The encoded file and the mapping file must be two different files."))
    for path in (output, mapping_path):
        _check_new_file(path, options["force"])
    secret = _read_secret(options)
    started = time.monotonic()
    if options["from_instance"]:
        records, persons = _instance_records(options)
    else:
        records, persons = _csv_records(options), None
    if not records:
        raise CommandError(_("There is no one to encode; nothing was written."))
    encoded, mapping = exchange.encode(records, secret)
    for path in (output, mapping_path):
        if options["force"] and path.exists():
            path.unlink()
    exchange.write_encoded(output, encoded)
    exchange.write_mapping(mapping_path, mapping)
    if persons is not None:
        try:
            _ledger_export(persons, output)
        except Exception:
            # An export the ledger does not show must not exist (threat model 3).
            output.unlink(missing_ok=True)
            mapping_path.unlink(missing_ok=True)
            raise
    _write(
        options,
        ngettext(
            "%(count)s person encoded in %(seconds).0f s. Send %(output)s to the matcher; keep "
            "%(mapping)s yourself, on encrypted storage.",
            "%(count)s persons encoded in %(seconds).0f s. Send %(output)s to the matcher; keep "
            "%(mapping)s yourself, on encrypted storage.",
            len(records),
        )
        % {
            "count": len(records),
            "seconds": time.monotonic() - started,
            "output": output,
            "mapping": mapping_path,
        },
    )


def _check_new_file(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise CommandError(_("%(path)s already exists. Choose another name or add --force.") % {"path": path})
    if not path.parent.is_dir():
        raise CommandError(_("The folder %(path)s does not exist.") % {"path": path.parent})


def _read_secret(options: dict[str, Any]) -> bytes:
    """The exchange secret, from a file descriptor or a prompt that does not echo.

    Threat: never from the command line or the environment, where other users of the machine and
    shell histories could read it.
    """
    if options.get("secret_fd") is not None:
        lines = read_fd_lines(options["secret_fd"])
        text = lines[0] if lines else ""
    elif sys.stdin.isatty():
        text = ask_secret(_("Exchange secret (from `khronika link secret`): "))
    else:
        raise CommandError(_("Give the exchange secret at the prompt or with --secret-fd."))
    try:
        return exchange.parse_secret(text)
    except exchange.ExchangeError:
        raise CommandError(
            _("The secret is not written correctly: it is 8 groups of 4 letters and digits.")
        ) from None


def _csv_records(options: dict[str, Any]) -> list[PersonRecord]:
    source: Path = options["input"]
    if not source.is_file():
        raise CommandError(_("There is no file %(path)s.") % {"path": source})
    try:
        records, errors = read_persons(source)
    except UnreadableFile as exc:
        raise CommandError(str(exc)) from exc
    stream = options.get("stderr") or sys.stderr
    for error in errors[:MAX_ERRORS_SHOWN]:
        stream.write(_("Line %(line)s: %(message)s") % {"line": error.line, "message": error.message} + "\n")
    if errors and not options["skip_bad_rows"]:
        raise CommandError(
            ngettext(
                "%(count)s row cannot be read; nothing was written. Correct it, or add "
                "--skip-bad-rows to encode the other rows without it.",
                "%(count)s rows cannot be read; nothing was written. Correct them, or add "
                "--skip-bad-rows to encode the other rows without them.",
                len(errors),
            )
            % {"count": len(errors)}
        )
    return records


def _instance_records(options: dict[str, Any]) -> tuple[list[PersonRecord], list[Any]]:
    """This instance's persons with an active consent to linkage, one record per person.

    Only ``Consent.Scope.LINKAGE`` counts: a person who agreed to statistics has not agreed to be
    looked for in another organisation's list. Mentions that deduplication put in one cluster are
    one person: they are encoded once (``consolidate``), from the consenting mentions only, under
    the pseudonym of the earliest recorded of those. Every consenting mention is returned, to be
    ledgered as exported.
    """
    from khronika.linkage.models import ClusterMember
    from khronika.records.models import Act, Consent, Person, Place

    unseal_this_process(options)
    consenting = Person.objects.with_consent(Consent.Scope.LINKAGE)
    # Earliest first, ties as ``decisions.recompute_clusters`` breaks them.
    persons = list(consenting.select_related("region", "region__parent").order_by("created_at", "id"))
    # A subquery, not the list: a list of 100,000 ids is more parameters than SQLite takes.
    consenting_ids = consenting.values("id")
    first_incident: dict[Any, str] = {}
    acts = (
        Act.objects.filter(victim__in=consenting_ids, incident__date_start__isnull=False)
        .order_by("incident__date_start")
        .values_list("victim_id", "incident__date_start", "incident__date_precision")
    )
    for victim_id, start, precision in acts:
        if start is not None and victim_id not in first_incident:
            text = start.isoformat()
            first_incident[victim_id] = (
                text if precision == "day" else text[:7] if precision == "month" else text[:4]
            )
    records = []
    for person in persons:
        region = town = ""
        if person.region is not None:
            home = person.region.region
            region = home.code if home is not None else ""
            if person.region.kind in (Place.Kind.CITY, Place.Kind.TOWN):
                town = person.region.name_ru or person.region.name_en
        records.append(
            PersonRecord(
                record_id=person.pseudonym,
                given_name=person.given_name,
                family_name=person.family_name,
                patronymic=person.patronymic,
                birth_date=person.birth_date,
                incident_date=first_incident.get(person.id, ""),
                region=region,
                town=town,
            )
        )
    cluster_of = dict(
        ClusterMember.objects.filter(person__in=consenting_ids).values_list("person_id", "cluster_id")
    )
    clusters: dict[Any, list[PersonRecord]] = {}
    for person, record in zip(persons, records, strict=True):
        clusters.setdefault(cluster_of.get(person.id, person.id), []).append(record)
    # A person alone is a cluster of one: consolidating it changes nothing the encoding reads.
    return [consolidate(members[0].record_id, members) for members in clusters.values()], persons


def _ledger_export(persons: list[Any], output: Path) -> None:
    """One ``export`` entry per person encoded and one for the file (its SHA-256), ids only."""
    from khronika.ledger.services import Event, record_events

    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    events = [Event("export", "records.person", str(person.id)) for person in persons]
    events.append(Event("export", "linkage.encoded_file", digest))
    record_events(None, events)


# match -------------------------------------------------------------------------------------------


def _match(options: dict[str, Any]) -> None:
    first: Path = options["first"]
    second: Path = options["second"]
    output: Path = options["output"]
    for path in (first, second):
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
    if first.resolve() == second.resolve():
        raise CommandError(_("Give two different encoded files, one from each organisation."))
    if output.resolve() in (first.resolve(), second.resolve()):
        raise CommandError(_("The pairs file must not replace one of the encoded files."))
    _check_new_file(output, options["force"])
    started = time.monotonic()
    lists = []
    for path in (first, second):
        try:
            lists.append(exchange.read_encoded(path))
        except exchange.OldFormat as exc:
            raise CommandError(
                _(
                    "%(path)s was encoded by an older version of Khronika (format %(version)s) and "
                    "cannot be matched. Both organisations must encode their lists again with this "
                    "version, under a fresh secret."
                )
                % {"path": path, "version": exc.version}
            ) from None
        except exchange.MalformedFile as exc:
            raise CommandError(
                _(
                    "%(path)s is not an encoded file from `khronika link encode`, or it is damaged "
                    "(%(reason)s)."
                )
                % {"path": path, "reason": exc}
            ) from None
    try:
        pairs = exchange.match(lists[0], lists[1], options["threshold"])
    except exchange.SchemaMismatch:
        raise CommandError(
            _(
                "The two files were encoded with different settings (another version of Khronika?) "
                "and cannot be compared. Both organisations must encode again with the same version."
            )
        ) from None
    except exchange.WrongSecret:
        raise CommandError(
            _(
                "The two files were encoded with different secrets. Check with the other "
                "organisation that both typed the same secret for this exchange, and encode again."
            )
        ) from None
    except exchange.ExchangeError as exc:
        raise CommandError(str(exc)) from None
    if options["force"] and output.exists():
        output.unlink()
    exchange.write_pairs(output, pairs)
    if not options["keep"]:
        for path in (first, second):
            exchange.delete_file(path)
    _write(
        options,
        ngettext(
            "%(pairs)s person in both lists (of %(first)s and %(second)s records), in %(seconds).0f s; "
            "pairs written to %(output)s. %(deleted)s",
            "%(pairs)s people in both lists (of %(first)s and %(second)s records), in %(seconds).0f s; "
            "pairs written to %(output)s. %(deleted)s",
            len(pairs),
        )
        % {
            "pairs": len(pairs),
            "first": len(lists[0].entries),
            "second": len(lists[1].entries),
            "seconds": time.monotonic() - started,
            "output": output,
            "deleted": _("The encoded files were kept.")
            if options["keep"]
            else _("The encoded files were deleted."),
        },
    )
