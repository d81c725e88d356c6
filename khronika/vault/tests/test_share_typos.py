"""Trustee shares are typed from paper: mistakes are caught with a message saying which share."""

from __future__ import annotations

import secrets

import pytest

from khronika.vault.crypto import InvalidShare, shamir

SECRET = bytes(range(100, 132))


@pytest.fixture
def shares():
    return shamir.split(SECRET, threshold=2, shares=3)


def _mistype(share: str, at: int) -> str:
    """Replace one letter of the base32 body with another valid base32 letter."""
    replacement = "B" if share[at] != "B" else "C"
    return share[:at] + replacement + share[at + 1 :]


def test_a_share_looks_like_what_trustees_are_told(shares):
    assert shares[1].startswith("KS1-2-2-")
    groups = shares[1].split("-")[3:]
    # Base32: capitals and the digits 2-7 (a group may be all digits, which isupper() would refuse).
    assert all(len(g) == 4 and set(g) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for g in groups)


@pytest.mark.parametrize("at", [10, 25, 40, 60, -1])
def test_it_detects_a_mistyped_letter(shares, at):
    with pytest.raises(InvalidShare, match="Share number 2 you entered has a typing mistake"):
        shamir.combine([shares[0], _mistype(shares[1], at)])


def test_it_detects_a_mistyped_share_number(shares):
    wrong_index = "KS1-3" + shares[1][len("KS1-2") :]
    with pytest.raises(InvalidShare, match="typing mistake"):
        shamir.combine([shares[0], wrong_index])


def test_it_accepts_lower_case_spaces_and_digit_look_alikes(shares):
    sloppy = shares[2].lower().replace("-", " - ").replace("o", "0").replace("i", "1")
    assert shamir.combine([shares[0], "  " + sloppy + "\n"]) == SECRET


def test_it_says_how_many_shares_are_missing(shares):
    with pytest.raises(InvalidShare, match="1 different share\\(s\\) entered, but 2 are needed"):
        shamir.combine([shares[0]])


def test_the_same_share_twice_counts_once(shares):
    with pytest.raises(InvalidShare, match="but 2 are needed"):
        shamir.combine([shares[0], shares[0]])
    assert shamir.combine([shares[0], shares[0], shares[2]]) == SECRET


def test_it_refuses_shares_of_different_splits(shares):
    other = shamir.split(SECRET, threshold=2, shares=3)
    with pytest.raises(InvalidShare, match="different vaults or different splits"):
        shamir.combine([shares[0], other[1]])


def test_it_names_an_extra_share_that_disagrees(shares):
    """A forged share with a valid checksum (a hostile trustee) is caught by the other shares."""
    honest = shamir.decode_share(shares[2])
    forged = shamir.encode_share(
        shamir.Share(index=3, threshold=2, set_id=honest.set_id, value=secrets.token_bytes(32))
    )
    with pytest.raises(InvalidShare, match="Share 3 does not agree"):
        shamir.combine([shares[0], shares[1], forged])


@pytest.mark.parametrize(
    "garbage", ["", "hello", "KS1-x-2-ABCD", "KS1-0-2-ABCD-EFGH", "KS1-2-2-AB", "KS1-2-2-A!CD-EFGH"]
)
def test_it_refuses_text_that_is_not_a_share(shares, garbage):
    with pytest.raises(InvalidShare, match="Share number 2 you entered"):
        shamir.combine([shares[0], garbage])


def test_it_refuses_nonsense_split_parameters():
    for threshold, count in [(1, 3), (4, 3), (2, 256)]:
        with pytest.raises(ValueError):
            shamir.split(SECRET, threshold=threshold, shares=count)


def test_a_share_never_shows_its_value_in_a_repr(shares):
    share = shamir.decode_share(shares[0])
    assert share.value.hex() not in repr(share)
