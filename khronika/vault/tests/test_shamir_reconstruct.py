"""Any k of n trustee shares rebuild the root; k-1 shares pin down nothing."""

from __future__ import annotations

import secrets

from hypothesis import given, settings
from hypothesis import strategies as st

from khronika.vault.crypto import shamir
from khronika.vault.crypto.shamir import _gf_inv, _gf_mul, _interpolate, decode_share, encode_share

SECRETS = st.binary(min_size=32, max_size=32)


@st.composite
def splits(draw):
    shares = draw(st.integers(min_value=2, max_value=8))
    threshold = draw(st.integers(min_value=2, max_value=shares))
    return threshold, shares


def test_gf256_multiplication_matches_the_aes_field():
    """FIPS-197 §4.2: {57}·{83} = {c1}, {57}·{13} = {fe}."""
    assert _gf_mul(0x57, 0x83) == 0xC1
    assert _gf_mul(0x57, 0x13) == 0xFE
    assert all(_gf_mul(a, 1) == a and _gf_mul(a, 0) == 0 for a in range(256))


def test_every_non_zero_element_has_an_inverse():
    assert all(_gf_mul(a, _gf_inv(a)) == 1 for a in range(1, 256))


@settings(max_examples=60, deadline=None)
@given(secret=SECRETS, split=splits(), data=st.data())
def test_any_k_of_n_shares_rebuild_the_secret(secret, split, data):
    threshold, count = split
    shares = shamir.split(secret, threshold=threshold, shares=count)
    assert len(shares) == count
    chosen = data.draw(st.permutations(shares)).copy()[: data.draw(st.integers(threshold, count))]
    assert shamir.combine(chosen) == secret


@settings(max_examples=40, deadline=None)
@given(secret=SECRETS, split=splits())
def test_k_minus_one_shares_give_a_different_secret(secret, split):
    threshold, count = split
    points = [
        (s.index, s.value) for s in map(decode_share, shamir.split(secret, threshold=threshold, shares=count))
    ]
    assert _interpolate(points[: threshold - 1], 0) != secret


@settings(max_examples=40, deadline=None)
@given(secret=SECRETS, decoy=SECRETS, split=splits())
def test_k_minus_one_shares_are_consistent_with_any_secret(secret, decoy, split):
    """Information-theoretic secrecy, shown constructively: for any decoy secret, a k-th share exists
    that, with the k-1 real ones, rebuilds the decoy. So k-1 shares cannot tell secret from decoy."""
    threshold, count = split
    real = [decode_share(s) for s in shamir.split(secret, threshold=threshold, shares=count)][: threshold - 1]
    x = threshold  # the index of a share the holder of k-1 shares does not have
    forged_value = _interpolate([(0, decoy), *((s.index, s.value) for s in real)], x)
    forged = shamir.Share(index=x, threshold=threshold, set_id=real[0].set_id, value=forged_value)
    assert shamir.combine([*map(encode_share, real), encode_share(forged)]) == decoy


def test_each_split_uses_fresh_randomness():
    secret = secrets.token_bytes(32)
    assert shamir.split(secret, threshold=2, shares=3) != shamir.split(secret, threshold=2, shares=3)


def test_a_share_does_not_contain_the_secret():
    secret = bytes(range(32))
    for share in shamir.split(secret, threshold=2, shares=5):
        assert decode_share(share).value != secret
