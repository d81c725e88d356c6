"""Capture histories: the one table every estimator reads, and the refusals that guard it.

A capture history says on which lists (source organisations or source types) one documented case
appears; the table holds each history once with the number of cases that have it. Nobody can be
counted who is on no list, so the all-zero history is what the estimators estimate.

Two ways in: ``read_csv`` for a table an operator prepared (``khronika estimate HISTORIES.csv``), and
``from_clusters`` for the linkage app, which knows which source rows it merged into one cluster.
Estimation on a table that cannot support it gives numbers that look precise and mean nothing, and a
published number is hard to take back; so ``check`` refuses such tables in plain words instead.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MIN_LISTS = 3
"""With two lists the unrecorded count rests on the untestable assumption that the lists are independent."""
MAX_LISTS = 12
"""The table has 2**lists - 1 cells; beyond a dozen lists almost all are empty and no model is sound."""
MIN_DOCUMENTED = 50
"""Below this many documented cases per stratum intervals are so wide that an estimate misleads."""
MIN_OVERLAP = 10
"""Cases on two or more lists are what the estimate is made from; a handful cannot carry it."""

COUNT_COLUMN = "count"


class EstimationRefused(ValueError):
    """A table on which estimation is not sound; ``code`` names the reason for programs and tests.

    The message is translated when it is shown, not when it is raised, so the estimators also run
    where no language is active (benchmarks, the command line).
    """

    def __init__(self, code: str, message: str | Promise, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return str(self.message) % self.params


@dataclass(frozen=True)
class CaptureHistories:
    """Counts of documented cases by the set of lists they appear on.

    ``patterns`` holds one row of 0/1 per history (one column per list, all-zero rows excluded) and
    ``counts`` the number of cases with it; every history appears once.
    """

    lists: tuple[str, ...]
    patterns: npt.NDArray[np.int8]
    counts: npt.NDArray[np.int64]

    @property
    def documented(self) -> int:
        """Cases on at least one list: the floor of any estimate."""
        return int(self.counts.sum())

    @property
    def on_several_lists(self) -> int:
        """Cases on two or more lists: the overlap every estimate is made from."""
        return int(self.counts[self.patterns.sum(axis=1) >= 2].sum())

    def full_table(self) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
        """Every one of the 2**J - 1 observable histories with its count (zero where none was seen).

        Log-linear models need the zero cells: a history nobody has is information too.
        """
        width = len(self.lists)
        codes = np.arange(1, 2**width)
        patterns = ((codes[:, None] >> np.arange(width - 1, -1, -1)) & 1).astype(np.int8)
        counts = np.zeros(len(codes))
        observed = self.patterns.astype(np.int64) @ (1 << np.arange(width - 1, -1, -1))
        np.add.at(counts, observed - 1, self.counts)
        return patterns, counts

    def to_csv(self) -> str:
        """The table in the format ``read_csv`` reads (and ``khronika estimate`` takes)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*self.lists, COUNT_COLUMN])
        for pattern, count in zip(self.patterns.tolist(), self.counts.tolist(), strict=True):
            writer.writerow([*pattern, count])
        return out.getvalue()


def build(lists: Sequence[str], rows: Mapping[tuple[int, ...], int]) -> CaptureHistories:
    """The table from a mapping of history (one 0/1 per list) to count; empty histories are dropped."""
    kept = sorted((pattern, count) for pattern, count in rows.items() if count > 0 and any(pattern))
    patterns = np.array([pattern for pattern, _count in kept], dtype=np.int8).reshape(-1, len(lists))
    counts = np.array([count for _pattern, count in kept], dtype=np.int64)
    return CaptureHistories(tuple(lists), patterns, counts)


def read_csv(source: str | Path | io.TextIOBase) -> CaptureHistories:
    """Read a capture-history table: one 0/1 column per list (named as the user likes) and ``count``.

    Rows with the same history are added up, so a table pasted together from strata still reads.
    Raises ``EstimationRefused`` (code ``malformed``) naming the first problem and its line.
    """
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return _read(handle)
    return _read(source)


def _read(handle: Iterable[str]) -> CaptureHistories:
    reader = csv.reader(handle)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise EstimationRefused("malformed", _("The table is empty: it needs a header row and data rows."))
    names = [cell.strip().lstrip("\ufeff").strip() for cell in header]  # a BOM from spreadsheet exports
    lowered = [name.lower() for name in names]
    if lowered.count(COUNT_COLUMN) != 1:
        raise EstimationRefused(
            "malformed",
            _("The table needs exactly one column named “count” holding the number of cases in each row."),
        )
    count_at = lowered.index(COUNT_COLUMN)
    lists = [name for at, name in enumerate(names) if at != count_at]
    if any(not name for name in lists) or len(set(lists)) != len(lists):
        raise EstimationRefused(
            "malformed", _("Every list column needs a name of its own in the header row.")
        )
    rows: dict[tuple[int, ...], int] = defaultdict(int)
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(names):
            raise EstimationRefused(
                "malformed",
                _("Line %(line)s has %(found)s cells; the header has %(expected)s."),
                line=line,
                found=len(record),
                expected=len(names),
            )
        cells = [cell.strip() for cell in record]
        count = _count(cells[count_at], line)
        flags = [cell for at, cell in enumerate(cells) if at != count_at]
        if any(flag not in {"0", "1"} for flag in flags):
            raise EstimationRefused(
                "malformed",
                _("Line %(line)s: list columns hold 1 (on the list) or 0 (not on it), nothing else."),
                line=line,
            )
        pattern = tuple(int(flag) for flag in flags)
        if not any(pattern) and count:
            raise EstimationRefused(
                "malformed",
                _(
                    "Line %(line)s counts cases that are on no list. Nobody can be counted who is on no "
                    "list: that number is what the estimate is for. Remove the line."
                ),
                line=line,
            )
        rows[pattern] += count
    if not rows:
        raise EstimationRefused("malformed", _("The table has a header but no data rows."))
    return build(lists, rows)


def _count(cell: str, line: int) -> int:
    try:
        count = int(cell)
    except ValueError:
        count = -1
    if count < 0:
        raise EstimationRefused(
            "malformed",
            _("Line %(line)s: the count must be a whole number of cases, 0 or more."),
            line=line,
        )
    return count


def check(histories: CaptureHistories) -> CaptureHistories:
    """Refuse a table on which no estimate would be sound; return it unchanged otherwise."""
    width = len(histories.lists)
    if width < MIN_LISTS:
        raise EstimationRefused(
            "too_few_lists",
            _(
                "Estimation needs at least %(minimum)s lists; this table has %(found)s. With fewer, the "
                "result rests on assumptions the data cannot test."
            ),
            minimum=MIN_LISTS,
            found=width,
        )
    if width > MAX_LISTS:
        raise EstimationRefused(
            "too_many_lists",
            _("This table has %(found)s lists; at most %(maximum)s can be estimated. Merge similar sources."),
            found=width,
            maximum=MAX_LISTS,
        )
    per_list = histories.patterns.T.astype(np.int64) @ histories.counts
    empty = [name for name, total in zip(histories.lists, per_list.tolist(), strict=True) if total == 0]
    if empty:
        raise EstimationRefused(
            "empty_list",
            _("No case is on the list “%(name)s”. Remove that column or check the linkage."),
            name=empty[0],
        )
    if histories.documented < MIN_DOCUMENTED:
        raise EstimationRefused(
            "too_small",
            _(
                "Only %(found)s cases are documented here; estimation needs at least %(minimum)s. "
                "Combine strata (for example, years or regions) and try again."
            ),
            found=histories.documented,
            minimum=MIN_DOCUMENTED,
        )
    if histories.on_several_lists == 0:
        raise EstimationRefused(
            "no_overlap",
            _(
                "No case appears on more than one list, so the lists say nothing about each other and "
                "the number of unrecorded cases cannot be estimated."
            ),
        )
    lonely = _isolated_list(histories)
    if lonely is not None:
        raise EstimationRefused(
            "no_overlap",
            _(
                "No case on the list “%(name)s” appears on any other list, so that list says nothing "
                "about the others. Remove the column or check the linkage."
            ),
            name=lonely,
        )
    if histories.on_several_lists < MIN_OVERLAP:
        raise EstimationRefused(
            "too_small",
            _(
                "Only %(found)s cases appear on more than one list; estimation needs at least "
                "%(minimum)s. Combine strata and try again."
            ),
            found=histories.on_several_lists,
            minimum=MIN_OVERLAP,
        )
    return histories


def refusal(histories: CaptureHistories) -> EstimationRefused | None:
    """Why ``histories`` cannot be estimated, or None: for listing strata before estimating any."""
    try:
        check(histories)
    except EstimationRefused as refused:
        return refused
    return None


def _isolated_list(histories: CaptureHistories) -> str | None:
    shared = histories.patterns[histories.patterns.sum(axis=1) >= 2]
    weights = histories.counts[histories.patterns.sum(axis=1) >= 2]
    on_shared = shared.T.astype(np.int64) @ weights
    for name, total in zip(histories.lists, on_shared.tolist(), strict=True):
        if total == 0:
            return name
    return None


def from_clusters(
    rows: Iterable[Mapping[str, Any]],
    strata: Sequence[str] = ("region", "year", "act_type"),
    lists: Sequence[str] | None = None,
) -> dict[tuple[Any, ...], CaptureHistories]:
    """Capture histories per stratum from linked clusters.

    ``rows`` hold ``cluster_id`` (one linked case), ``list_name`` (a list it was found on) and the
    stratum fields; a cluster is on a list once however many of that list's rows were merged into it.
    Every stratum gets the same columns (``lists``, or every list seen anywhere, in sorted order), so
    strata can be compared and added up. The tables are not checked: callers decide what to do with a
    stratum too small to estimate (``refusal`` says why), typically merging it with its neighbours.
    A cluster whose rows disagree on its stratum is a linkage error and raises ``ValueError``.
    """
    on_lists: dict[Any, set[str]] = defaultdict(set)
    stratum_of: dict[Any, tuple[Any, ...]] = {}
    seen_lists: set[str] = set()
    for row in rows:
        cluster = row["cluster_id"]
        stratum = tuple(row[field] for field in strata)
        if stratum_of.setdefault(cluster, stratum) != stratum:
            raise ValueError(f"cluster {cluster} is in two strata: {stratum_of[cluster]} and {stratum}")
        on_lists[cluster].add(str(row["list_name"]))
        seen_lists.add(str(row["list_name"]))
    columns = tuple(lists) if lists is not None else tuple(sorted(seen_lists))
    unknown = seen_lists - set(columns)
    if unknown:
        raise ValueError(f"rows name lists that are not columns: {sorted(unknown)}")
    tables: dict[tuple[Any, ...], dict[tuple[int, ...], int]] = defaultdict(lambda: defaultdict(int))
    for cluster, names in on_lists.items():
        tables[stratum_of[cluster]][tuple(int(name in names) for name in columns)] += 1
    return {stratum: build(columns, table) for stratum, table in sorted(tables.items(), key=_sort_key)}


def _sort_key(item: tuple[tuple[Any, ...], Any]) -> tuple[str, ...]:
    return tuple(str(value) for value in item[0])
