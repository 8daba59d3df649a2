"""mfakit.Mfa, the stateful service, against the installed wheel: the flows end to end on a
SQLite file and the CI's PostgreSQL and Redis, single use under 16 threads on each, typed
errors, redaction, a fork of a process holding an open service, and the async forms."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_POLICY, make_mfa, server_url, totp_code, unique_user

import mfakit

BACKENDS = ["sqlite", "postgres", "redis"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'mfa.db'}"
    url = server_url(request.param)
    assert url is not None
    return url


@pytest.fixture
def mfa(store: str) -> mfakit.Mfa:
    return make_mfa(store)


def enrolled(mfa: mfakit.Mfa, tag: str) -> tuple[str, str, list[str]]:
    """A new user with a confirmed TOTP: (user, uri, recovery codes)."""
    user = unique_user(tag)
    setup = mfa.setup_totp(user, "alice@example.com")
    assert not setup.active and setup.recovery_codes is None
    confirmed = mfa.confirm_totp(user, totp_code(setup.uri))
    assert confirmed and confirmed.verdict == "accepted"
    assert confirmed.recovery_codes is not None and len(confirmed.recovery_codes) == 10
    return user, setup.uri, confirmed.recovery_codes


def test_totp_login_flow(mfa: mfakit.Mfa) -> None:
    user, uri, codes = enrolled(mfa, "flow")
    status = mfa.status(user)
    assert status.methods == ["totp", "recovery_code"] and status.recovery_codes_left == 10
    assert status.locked_until is None and not status.totp_pending

    login = mfa.start_login(user)
    assert login.methods == ["totp", "recovery_code"] and login.expires_at > time.time()
    assert login.masked == {}
    # The code used at enrolment is a replay: `used`, not counted.
    replay = mfa.verify(login.id, "totp", totp_code(uri))
    assert not replay and replay.verdict == "used" and replay.claims is None
    wrong = mfa.verify(login.id, "totp", "000000" if totp_code(uri, 30) != "000000" else "111111")
    assert wrong.verdict == "wrong" and wrong.attempts_left == 2
    ok = mfa.verify(login.id, "totp", totp_code(uri, 30))
    assert ok and ok.accepted and ok.user_id == user and ok.method == "totp"
    assert ok.claims is not None and ok.claims["amr"] == ["otp", "mfa"] and ok.claims["acr"] == "aal2"
    assert abs(ok.claims["auth_time"] - time.time()) < 60
    # A completed challenge is single use.
    assert mfa.verify(login.id, "recovery_code", codes[0]).verdict == "used"

    # Recovery code: one use, counted down.
    login = mfa.start_login(user)
    rec = mfa.verify(login.id, "recovery_code", codes[0])
    assert rec and rec.recovery_codes_left == 9
    login = mfa.start_login(user)
    assert mfa.verify(login.id, "recovery_code", codes[0]).verdict == "wrong"

    kinds = [e.kind for e in mfa.audit(user)]
    assert {"enrolled", "confirmed", "challenge_started", "verified", "failed", "recovery_code_used"} <= set(kinds)
    assert len(mfa.audit(user, limit=2)) == 2


def test_email_and_sms_flows(mfa: mfakit.Mfa) -> None:
    user = unique_user("contact")
    sent = mfa.setup_email(user, "alice@example.com")
    assert sent.method == "email" and sent.contact == "alice@example.com" and len(sent.code) == 6
    assert sent.masked != sent.contact and sent.expires_at > time.time()
    assert mfa.confirm_contact(user, "email", sent.code).recovery_codes is not None
    sms = mfa.setup_sms(user, "+15551234567")
    assert mfa.confirm_contact(user, "sms", sms.code)
    status = mfa.status(user)
    assert status.methods == ["email", "sms", "recovery_code"]
    assert set(status.masked) == {"email", "sms"} and "alice@" not in status.masked["email"]

    login = mfa.start_login(user)
    assert login.methods == ["email", "sms", "recovery_code"] and set(login.masked) == {"email", "sms"}
    # No code sent yet for this challenge: nothing to compare.
    assert mfa.verify(login.id, "sms", "123456").verdict == "expired"
    code = mfa.send_code(login.id, "sms")
    assert code.contact == "+15551234567"
    with pytest.raises(mfakit.RateLimitedError) as resend:
        mfa.send_code(login.id, "sms")
    assert resend.value.code == "rate_limited" and resend.value.retry_after > 0
    ok = mfa.verify(login.id, "sms", code.code)
    assert ok and ok.claims is not None and ok.claims["amr"] == ["sms", "mfa"]

    # Step-up by email, then disabling needs that fresh step-up.
    step = mfa.send_step_up_code(user, "email")
    v = mfa.step_up(user, "email", step.code)
    assert v and v.claims is not None and v.claims["acr"] == "aal1"
    mfa.disable(user, "sms")
    assert mfa.status(user).methods == ["email", "recovery_code"]


def test_setup_without_verification_is_active_at_once(mfa: mfakit.Mfa) -> None:
    user = unique_user("active")
    setup = mfa.setup_totp(user, "bob", require_verification=False)
    assert setup.active and setup.recovery_codes is not None and len(setup.recovery_codes) == 10
    assert setup.qr_svg().startswith("<") and setup.qr_png()[:8] == b"\x89PNG\r\n\x1a\n"
    assert setup.secret in setup.uri and setup.uri.startswith("otpauth://totp/Example%20Co:bob")
    assert mfa.reveal_totp_uri(user) == setup.uri


def test_disable_regenerate_unlock_reset(mfa: mfakit.Mfa) -> None:
    user, uri, codes = enrolled(mfa, "manage")
    with pytest.raises(mfakit.StepUpRequiredError) as e:
        mfa.disable(user, "totp")
    assert e.value.code == "step_up_required"
    new = mfa.regenerate_recovery_codes(user)
    assert len(new) == 10 and not set(new) & set(codes)
    # Three wrong step-ups lock the user (TEST_POLICY); the next attempt is refused uncompared.
    for _ in range(3):
        assert mfa.step_up(user, "recovery_code", "0000-0000-0000").verdict == "wrong"
    locked = mfa.step_up(user, "recovery_code", new[0])
    assert locked.verdict == "locked" and locked.retry_after > 0
    assert mfa.status(user).locked_until is not None
    mfa.unlock(user)
    assert mfa.status(user).locked_until is None
    assert mfa.step_up(user, "recovery_code", new[0])
    mfa.disable(user, "totp")
    assert mfa.status(user).methods == []  # the last factor took the recovery codes with it
    with pytest.raises(mfakit.NotEnrolledError) as ne:
        mfa.start_login(user)
    assert ne.value.code == "not_enrolled"
    user2, _, _ = enrolled(mfa, "reset")
    mfa.reset(user2)
    assert mfa.status(user2).methods == []
    assert mfa.audit(user2)[0].kind == "reset" and mfa.audit(user2)[0].outcome == "operator"


def test_sixteen_threads_one_code_exactly_one_accepted(mfa: mfakit.Mfa) -> None:
    user, uri, _ = enrolled(mfa, "race")
    login = mfa.start_login(user)
    code = totp_code(uri, 30)
    barrier = threading.Barrier(16)
    verdicts: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        v = mfa.verify(login.id, "totp", code)
        with lock:
            verdicts.append(v.verdict)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(verdicts) == ["accepted"] + ["used"] * 15, verdicts


def test_sixteen_threads_one_recovery_code_on_separate_services(store: str) -> None:
    """Two service objects (two pools, no shared stripe locks): only the store's
    compare-and-swap decides."""
    services = [make_mfa(store), make_mfa(store)]
    user, _, codes = enrolled(services[0], "race2")
    barrier = threading.Barrier(16)
    results: list[bool] = []

    def worker(i: int) -> None:
        barrier.wait()
        results.append(services[i % 2].step_up(user, "recovery_code", codes[5]).accepted)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1 and len(results) == 16
    assert services[1].status(user).recovery_codes_left == 9


def test_store_calls_release_the_gil(tmp_path: Path) -> None:
    """While argon2 (regenerating recovery codes at the default cost) runs in one thread,
    another Python thread keeps running."""
    mfa = make_mfa(f"sqlite://{tmp_path / 'gil.db'}", policy={})
    user = unique_user("gil")
    mfa.setup_totp(user, "x", require_verification=False)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    start = time.perf_counter()
    mfa.regenerate_recovery_codes(user)
    took = time.perf_counter() - start
    done.set()
    t.join()
    # Holding the GIL for the whole call would leave the counter one or two ticks (loaded
    # machines stretch each 1 ms sleep, so no rate is asserted).
    assert took > 0.05 and ticks >= 10, (took, ticks)


def test_errors_are_typed_with_codes(tmp_path: Path) -> None:
    mfa = make_mfa(f"sqlite://{tmp_path / 'err.db'}")
    with pytest.raises(mfakit.InvalidParameterError) as e:
        mfa.start_login("")
    assert e.value.code == "invalid_parameter" and isinstance(e.value, ValueError)
    with pytest.raises(mfakit.InvalidParameterError):
        mfa.verify("not-a-challenge", "totp", "123456")
    with pytest.raises(mfakit.InvalidParameterError, match="method"):
        mfa.step_up("u", "fax", "1")
    with pytest.raises(mfakit.InvalidParameterError, match="limit"):
        mfa.audit("u", limit=0)
    with pytest.raises(mfakit.InvalidParameterError, match="limit"):
        mfa.audit("u", limit=-1)
    with pytest.raises(mfakit.NotEnrolledError):
        mfa.step_up("nobody", "totp", "123456")
    with pytest.raises(mfakit.InvalidParameterError, match="store"):
        make_mfa("mysql://x")
    with pytest.raises(mfakit.InvalidParameterError, match="policy"):
        make_mfa("sqlite::memory:", policy={"no_such_field": 1})
    with pytest.raises(mfakit.InvalidParameterError, match="totp_window"):
        make_mfa("sqlite::memory:", policy={"totp_window": 99})
    with pytest.raises(TypeError):
        make_mfa("sqlite::memory:", policy="{}")  # type: ignore[arg-type]
    with pytest.raises(mfakit.InvalidParameterError, match="issuer"):
        mfakit.Mfa("sqlite::memory:", keyring=mfakit.Keyring("k", mfakit.SealingKey.generate()), challenge_key=bytes(32), issuer=" ")
    with pytest.raises(mfakit.StorageUnavailableError) as su:
        make_mfa("postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert su.value.code == "storage_unavailable"
    assert issubclass(mfakit.StorageConflictError, mfakit.MfaError) and mfakit.StorageConflictError.code == "storage_conflict"
    # A wrong code is an answer, never an exception.
    user = unique_user("answer")
    mfa.setup_totp(user, "x", require_verification=False)
    assert mfa.step_up(user, "totp", "12345678901234567890").verdict == "wrong"


def test_challenge_key_as_bytes_and_memory_store() -> None:
    mfa = mfakit.Mfa(
        "sqlite::memory:",
        keyring=mfakit.Keyring("k", mfakit.SealingKey.generate()),
        challenge_key=b"0123456789abcdef",
        issuer="Mem",
        policy=TEST_POLICY,
    )
    assert mfa.store_kind == "sqlite" and mfa.issuer == "Mem"
    user = unique_user("mem")
    assert mfa.setup_email(user, "a@b.example").code.isdigit()


def test_no_secret_or_code_in_any_repr_log_or_audit_event(mfa: mfakit.Mfa, caplog: pytest.LogCaptureFixture) -> None:
    user = unique_user("redact")
    setup = mfa.setup_totp(user, "carol")
    confirmed = mfa.confirm_totp(user, totp_code(setup.uri))
    sent = mfa.setup_email(user, "carol@example.com")
    login = mfa.start_login(user)
    secrets_ = [setup.secret, setup.uri, sent.code, sent.contact, login.id, *(confirmed.recovery_codes or [])]
    objects: list[Any] = [mfa, setup, confirmed, sent, login, mfa.status(user), *mfa.audit(user)]
    logger = logging.getLogger("mfakit-test")
    with caplog.at_level(logging.DEBUG):
        for obj in objects:
            logger.info("object %r %s", obj, obj)
    for obj in objects:
        text = repr(obj) + str(obj)
        for secret in secrets_:
            assert secret not in text, (type(obj).__name__, text)
    for secret in secrets_:
        assert secret not in caplog.text
    assert "<redacted>" in repr(setup) and "<redacted>" in repr(sent) and "<10 redacted>" in repr(confirmed)
    for event in mfa.audit(user):
        fields = f"{event.kind} {event.method} {event.at} {event.outcome} {event.user_id}"
        for secret in secrets_:
            assert secret not in fields


def test_fork_child_uses_the_service_and_parent_still_works(tmp_path: Path) -> None:
    """gunicorn --preload: the service is opened (and used) before the fork; the child must
    open its own connections, and the parent's must survive the child."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    mfa = make_mfa(f"sqlite://{tmp_path / 'fork.db'}")
    user, uri, codes = enrolled(mfa, "fork")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, never return into pytest
        status = 1
        try:
            ok = mfa.step_up(user, "recovery_code", codes[1]).accepted
            other = unique_user("child")
            mfa.setup_totp(other, "c", require_verification=False)
            status = 0 if ok and mfa.status(user).recovery_codes_left == 9 else 2
        finally:
            os.write(write, bytes([status]))
            os._exit(status)
    os.close(write)
    _, code = os.waitpid(pid, 0)
    answer = os.read(read, 1)
    os.close(read)
    assert answer == b"\x00" and os.waitstatus_to_exitcode(code) == 0
    # The parent: its pool still works, and sees the child's write.
    assert mfa.status(user).recovery_codes_left == 9
    assert mfa.step_up(user, "recovery_code", codes[1]).verdict == "wrong"
    assert mfa.step_up(user, "recovery_code", codes[2])
    gc.collect()


def test_async_forms_run_off_the_event_loop(store: str) -> None:
    mfa = make_mfa(store)

    async def flow() -> None:
        user = unique_user("async")
        ticks = 0

        async def heartbeat() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        beat = asyncio.create_task(heartbeat())
        setup = await mfa.asetup_totp(user, "dave", require_verification=True)
        confirmed = await mfa.aconfirm_totp(user, totp_code(setup.uri))
        assert confirmed and confirmed.recovery_codes
        sent = await mfa.asetup_email(user, "dave@example.com")
        assert await mfa.aconfirm_contact(user, "email", sent.code)
        sms = await mfa.asetup_sms(user, "+15550001111")
        assert await mfa.aconfirm_contact(user, "sms", sms.code)
        login = await mfa.astart_login(user)
        code = await mfa.asend_code(login.id, "email")
        assert await mfa.averify(login.id, "email", code.code)
        step = await mfa.asend_step_up_code(user, "sms")
        assert await mfa.astep_up(user, "sms", step.code)
        assert (await mfa.astatus(user)).methods == ["totp", "email", "sms", "recovery_code"]
        assert len(await mfa.aregenerate_recovery_codes(user)) == 10
        assert (await mfa.areveal_totp_uri(user)) == setup.uri
        await mfa.adisable(user, "sms")
        await mfa.aunlock(user)
        events = await mfa.aaudit(user, limit=5)
        assert len(events) == 5 and events[0].kind == "unlocked"
        await mfa.areset(user)
        assert (await mfa.astatus(user)).methods == []
        beat.cancel()
        assert ticks > 0

    asyncio.run(flow())

