"""The second-factor surface: recovery codes (GIL released, async), challenges, limiters,
sealed secrets; redaction and threads."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import mfakit

FAST = {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1}  # argon2id kept cheap for tests
SLOW = {"m_cost_kib": 32 * 1024, "t_cost": 3, "p_cost": 1}


def test_recovery_round_trip() -> None:
    new = mfakit.RecoveryCodeSet.generate(5, **FAST)
    assert len(new.codes) == 5 and len(set(new.codes)) == 5
    assert all(len(c) == 14 and c[4] == c[9] == "-" for c in new.codes)
    stored = new.set.to_stored()
    for code in new.codes:
        assert code not in stored and code.replace("-", "") not in stored
    codes = mfakit.RecoveryCodeSet.from_stored(stored)
    assert (codes.remaining, codes.m_cost_kib, codes.t_cost, codes.p_cost) == (5, 64, 1, 1)
    check = codes.check(new.codes[2].upper().replace("-", " "))
    assert check and check.remaining == 4
    again = check.set.check(new.codes[2])
    assert not again and again.remaining == 4
    assert not codes.check("not a code").accepted
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.RecoveryCodeSet.generate(0, **FAST)
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.RecoveryCodeSet.generate(3, m_cost_kib=1, t_cost=1, p_cost=1)
    with pytest.raises(mfakit.InvalidStoredValueError):
        mfakit.RecoveryCodeSet.from_stored("mfakit:recovery:v1:argon2id:m=99999999,t=1,p=1:")


def test_recovery_check_releases_the_gil() -> None:
    codes = mfakit.RecoveryCodeSet.generate(1, **SLOW).set
    done = threading.Event()
    ticks = 0

    def worker() -> None:
        codes.check("0000-0000-0000")
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    while not done.is_set():
        ticks += 1
    t.join()
    # Holding the GIL for the whole argon2id run would leave this loop a handful of turns.
    assert ticks > 10_000


def test_async_variants_keep_the_event_loop_free() -> None:
    async def main() -> tuple[int, bool, int]:
        new = await mfakit.RecoveryCodeSet.agenerate(2, **SLOW)
        ticks = 0
        stop = False

        async def ticker() -> None:
            nonlocal ticks
            while not stop:
                ticks += 1
                await asyncio.sleep(0.001)

        task = asyncio.create_task(ticker())
        check = await new.set.acheck(new.codes[0])
        stop = True
        await task
        return ticks, check.accepted, check.remaining

    ticks, accepted, remaining = asyncio.run(main())
    assert accepted and remaining == 1
    assert ticks >= 3


def test_challenge_flow_and_resend_rate_limit() -> None:
    key = mfakit.ChallengeKey(b"k" * 32)
    issued = mfakit.OtpChallenge.issue(key, digits=8, ttl_secs=120, now=1000)
    assert len(issued.code) == 8 and issued.code.isdigit()
    stored = issued.challenge.to_stored()
    assert issued.code not in stored
    ch = mfakit.OtpChallenge.from_stored(stored)
    assert (ch.digits, ch.expires_at, ch.sent_at, ch.attempts_left, ch.used) == (8, 1120, 1000, 5, False)
    with pytest.raises(mfakit.RateLimitedError) as info:
        ch.resend(key, now=1010)
    assert info.value.code == "rate_limited" and info.value.retry_after == 50.0
    assert ch.resend_available_in(now=1010) == 50
    re = ch.resend(key, now=1060)
    # The re-sent state no longer takes the first code.
    assert re.challenge.verify(key, issued.code, now=1061).verdict == "wrong" or issued.code == re.code
    result = re.challenge.verify(key, re.code, now=1061)
    assert result and result.verdict == "accepted" and result.challenge.used
    assert result.challenge.verify(key, re.code, now=1062).verdict == "used"
    assert ch.verify(key, issued.code, now=1120).verdict == "expired"
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.ChallengeKey(b"short")
    with pytest.raises(mfakit.InvalidStoredValueError):
        mfakit.OtpChallenge.from_stored("mfakit:challenge:v1:x")


def test_generated_challenge_key_exports_and_reloads() -> None:
    first = mfakit.ChallengeKey.generate()
    stored = first.expose_bytes()
    assert isinstance(stored, bytes) and len(stored) == 32
    assert repr(first) == "ChallengeKey(<redacted>)" and stored.hex() not in repr(first)
    second = mfakit.ChallengeKey(stored)  # e.g. after a restart, from the secret store
    assert second.expose_bytes() == stored
    issued = mfakit.OtpChallenge.issue(first, now=1000)
    del first
    result = issued.challenge.verify(second, issued.code, now=1001)
    assert result and result.verdict == "accepted"
    other = mfakit.ChallengeKey.generate()
    assert other.expose_bytes() != stored
    assert issued.challenge.verify(other, issued.code, now=1001).verdict == "wrong"


def test_limiters() -> None:
    limiter = mfakit.AttemptLimiter()
    assert limiter.check(None, now=0).allowed
    out = limiter.record_failure(now=100)
    assert not out.decision and out.decision.retry_after == 1
    with pytest.raises(mfakit.RateLimitedError) as info:
        limiter.check(out.state, now=100).raise_if_refused()
    assert info.value.retry_after == 1.0
    assert limiter.record_success() == mfakit.AttemptState()
    rate = mfakit.RateLimiter.per(2, 60)
    a = rate.acquire(now=0)
    b = rate.acquire(a.state, now=0)
    c = rate.acquire(b.state, now=0)
    assert a.decision and b.decision and not c.decision and c.state == b.state
    assert rate.peek(b.state, now=60).allowed
    assert mfakit.max_attacker_guesses(mfakit.AttemptPolicy(backoff_base_secs=0, lockout_after=0), 3600) is None
    for bad in ("5", "0/1m", "5/0s", "x/1m"):
        with pytest.raises(mfakit.InvalidParameterError):
            mfakit.RateLimiter(bad)
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.AttemptPolicy(backoff_factor=0)


def test_sealed_keyring_rotation() -> None:
    old, new = mfakit.SealingKey.generate(), mfakit.SealingKey.generate()
    ring = mfakit.Keyring("2025", old)
    secret = mfakit.random_secret()
    sealed = ring.seal(secret, "user:1")
    assert sealed.startswith("mfakit:sealed:v1:2025:") and secret not in sealed
    ring.add("2026", new)
    ring.set_current("2026")
    assert ring.key_ids == ["2025", "2026"] and ring.current_key_id == "2026"
    assert ring.needs_reseal(sealed)
    moved = ring.reseal(sealed, b"user:1")
    assert not ring.needs_reseal(moved) and ring.open(moved, "user:1") == secret.encode()
    with pytest.raises(mfakit.UnsealFailedError):
        ring.open(moved, "user:2")
    with pytest.raises(mfakit.UnknownKeyError):
        mfakit.Keyring("other", new).open(sealed, "user:1")
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.SealingKey(b"short")
    assert mfakit.SealingKey.from_base64(old.to_base64()).to_base64() == old.to_base64()


def test_new_types_redact_secrets() -> None:
    key_bytes = bytes(range(32))
    key = mfakit.SealingKey(key_bytes)
    issued = mfakit.OtpChallenge.issue(mfakit.ChallengeKey(key_bytes), now=0)
    new = mfakit.RecoveryCodeSet.generate(2, **FAST)
    texts = [repr(key), repr(mfakit.ChallengeKey(key_bytes)), repr(issued), repr(new), repr(new.set)]
    assert "SealingKey(<redacted>)" in texts and "ChallengeKey(<redacted>)" in texts
    for text in texts:
        assert key_bytes.hex() not in text and key.to_base64() not in text and issued.code not in text
        for code in new.codes:
            assert code not in text


def test_keyring_from_threads() -> None:
    ring = mfakit.Keyring("a", mfakit.SealingKey.generate())

    def work(i: int) -> bool:
        if i % 50 == 0:
            ring.add(f"k{i}", mfakit.SealingKey.generate())
        sealed = ring.seal(f"secret {i}", str(i))
        return ring.open(sealed, str(i)) == f"secret {i}".encode()

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, range(2000)))
    assert len(ring.key_ids) == 41


KEY = mfakit.ChallengeKey(b"k" * 32)
RING = mfakit.Keyring("k", mfakit.SealingKey(bytes(32)))


@pytest.mark.parametrize(
    "call",
    [
        lambda: mfakit.RecoveryCodeSet.generate(-1),
        lambda: mfakit.RecoveryCodeSet.generate(10**30),
        lambda: mfakit.RecoveryCodeSet.generate(1, m_cost_kib=-5),
        lambda: mfakit.RecoveryCodeSet.generate(1, t_cost=10**20),
        lambda: mfakit.RecoveryCodeSet.from_stored("x" * 1_000_000),
        lambda: mfakit.RecoveryCodeSet.from_stored("mfakit:recovery:v1:argon2id:m=64,t=1,p=1:\x00.a.b"),
        lambda: mfakit.OtpChallenge.issue(KEY, digits=-1),
        lambda: mfakit.OtpChallenge.issue(KEY, digits=3),
        lambda: mfakit.OtpChallenge.issue(KEY, ttl_secs=10**40),
        lambda: mfakit.OtpChallenge.issue(KEY, now=-1),
        lambda: mfakit.OtpChallenge.from_stored("mfakit:challenge:v1:" + ":" * 100_000),
        lambda: mfakit.mask_phone("+14155552671", visible=-2),
        lambda: mfakit.mask_email("a\x00@example.com"),
        lambda: mfakit.AttemptPolicy(lockout_secs=-1),
        lambda: mfakit.AttemptState(failures=-1),
        lambda: mfakit.AttemptState.from_stored("mfakit:attempts:v1:99999999999999999999:0"),
        lambda: mfakit.RateState.from_stored("mfakit:rate:v1:" + ",".join(["1"] * 1001)),
        lambda: mfakit.RateState.from_stored("mfakit:rate:v1:2,1"),
        lambda: mfakit.RateLimiter("1001/1m"),
        lambda: mfakit.RateLimiter.per(0, 60),
        lambda: mfakit.RateLimiter("9" * 10_000 + "/1m"),
        lambda: mfakit.max_attacker_guesses(mfakit.AttemptPolicy(), -1),
        lambda: mfakit.attacker_success_probability(0, 3, mfakit.AttemptPolicy(), 60),
        lambda: mfakit.StepUpPolicy(level="\x00"),
        lambda: mfakit.AuthContext(mfa_verified_at=-5),
        lambda: mfakit.SealingKey.from_base64("!!"),
        lambda: RING.open("mfakit:sealed:v1:k:" + "A" * 200_000, "x"),
        lambda: RING.open("mfakit:sealed:v1:k:\x00:\x00", "x"),
        lambda: mfakit.Keyring("", mfakit.SealingKey(bytes(32))),
        lambda: mfakit.Keyring("x" * 10_000, mfakit.SealingKey(bytes(32))),
        lambda: RING.set_current("missing"),
    ],
)
def test_hostile_input_is_a_typed_error(call: object) -> None:
    with pytest.raises(mfakit.MfaError):
        call()  # type: ignore[operator]
