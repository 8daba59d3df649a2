"""Shared helpers: the repository's test vectors (tests/vectors/*.json, shared by every
language) and the tamper function used after each known answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load(name: str) -> dict[str, Any]:
    with open(VECTORS / name, encoding="utf-8") as f:
        doc: dict[str, Any] = json.load(f)
    return doc


def cases(name: str, key: str = "cases") -> list[Any]:
    """pytest params for one array of a vector file, each with its note (or index) as id."""
    import pytest

    rows = load(name)[key]
    return [pytest.param(row, id=f"{key}[{i}]:{row.get('note', '')}"[:80]) for i, row in enumerate(rows)]


def tampered(code: str) -> list[str]:
    """Every code one bit-flip of one digit away (kept a digit), other than `code` itself."""
    out = []
    for i, ch in enumerate(code):
        for bit in (1, 2, 4):
            digit = (int(ch) ^ bit) % 10
            if digit != int(ch):
                out.append(code[:i] + str(digit) + code[i + 1 :])
    return out


# -- the service (mfakit.Mfa) -------------------------------------------------------------------

# Cheap argon2 (the tests hash many recovery codes) and no backoff, so that every guess is
# compared; a lockout after 3 consecutive failures.
TEST_POLICY: dict[str, Any] = {
    "attempts": {"backoff_base_secs": 0, "backoff_factor": 1, "backoff_cap_secs": 0, "lockout_after": 3, "lockout_secs": 600},
    "recovery_params": {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1},
}


def server_url(name: str) -> str | None:
    """The URL of the CI's PostgreSQL or Redis server (`scripts/services.sh start`), from
    MFAKIT_TEST_POSTGRES_URL / MFAKIT_TEST_REDIS_URL. Unset: skip, unless
    MFAKIT_REQUIRE_SERVERS=1, where it is a failure."""
    import os

    import pytest

    var = f"MFAKIT_TEST_{name.upper()}_URL"
    url = os.environ.get(var)
    if url:
        return url
    if os.environ.get("MFAKIT_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{var} is not set but MFAKIT_REQUIRE_SERVERS=1")
    pytest.skip(f"{var} not set")


def unique_user(tag: str) -> str:
    """A user id no other test, or earlier run against the same server, uses."""
    import secrets

    return f"py-{tag}-{secrets.token_hex(6)}"


def make_mfa(store: str, policy: dict[str, Any] | None = None) -> Any:
    import mfakit

    keyring = mfakit.Keyring("k1", mfakit.SealingKey(bytes([7]) * 32))
    return mfakit.Mfa(
        store,
        keyring=keyring,
        challenge_key=mfakit.ChallengeKey(bytes([9]) * 32),
        issuer="Example Co",
        policy=TEST_POLICY if policy is None else policy,
    )


def totp_code(uri: str, offset: int = 0) -> str:
    """The code an authenticator app shows for `uri`, `offset` seconds from now."""
    import time

    import mfakit

    return mfakit.Totp.from_uri(uri).at(int(time.time()) + offset)
