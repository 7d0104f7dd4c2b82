"""Server tokens name the key that signed them, so the server can rotate its key: the current key signs, the
previous one is still accepted until its tokens expire, any other key is refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.security.tokens import TokenError, TokenKey

NOW = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
TTL = timedelta(minutes=15)


def test_a_token_names_its_key_and_the_key_id_reveals_nothing():
    key = TokenKey.from_text("a" * 48)
    token = key.issue("access", {"d": 7}, now=NOW, ttl=TTL)
    version, key_id, _, _ = token.split(".")
    assert (version, key_id) == ("v2", key.key_id)
    assert key_id == TokenKey.from_text("a" * 48).key_id  # the same on every replica
    assert key_id != TokenKey.from_text("b" * 48).key_id
    assert key.secret.hex() not in repr(key)
    assert key.check("access", token, now=NOW)["d"] == 7


def test_during_a_rotation_the_previous_keys_tokens_stay_valid_and_new_ones_use_the_new_key():
    old, new = TokenKey.from_text("o" * 48), TokenKey.from_text("n" * 48)
    before = old.issue("access", {"d": 7}, now=NOW, ttl=TTL)
    rotating = new.accepting(old)
    assert rotating.check("access", before, now=NOW)["d"] == 7
    after = rotating.issue("access", {"d": 8}, now=NOW, ttl=TTL)
    assert after.split(".")[1] == new.key_id
    with pytest.raises(TokenError, match="no longer accepts"):
        old.check("access", after, now=NOW)  # a replica not yet rotated refuses the new key's tokens
    # Once the previous key is dropped, its tokens are refused by name (the device signs in again).
    with pytest.raises(TokenError, match="no longer accepts"):
        new.check("access", before, now=NOW)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace(
            t.split(".")[1], TokenKey.from_text("n" * 48).key_id
        ),  # claims another accepted key
        lambda t: "v1." + ".".join(t.split(".")[2:]),  # the old format, without a key id
        lambda t: t + ".x",
    ],
)
def test_a_token_with_its_key_id_or_format_altered_is_refused(change):
    old, new = TokenKey.from_text("o" * 48), TokenKey.from_text("n" * 48)
    token = old.issue("access", {"d": 7}, now=NOW, ttl=TTL)
    with pytest.raises(TokenError):
        new.accepting(old).check("access", change(token), now=NOW)


def test_a_previous_keys_token_still_expires():
    old, new = TokenKey.from_text("o" * 48), TokenKey.from_text("n" * 48)
    before = old.issue("access", {"d": 7}, now=NOW, ttl=TTL)
    with pytest.raises(TokenError, match="expired"):
        new.accepting(old).check("access", before, now=NOW + TTL)
