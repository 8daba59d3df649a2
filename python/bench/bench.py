"""Side-by-side timings: pyotp 2.12 vs mfakit (native and the pyotp drop-in), argon2-cffi vs
mfakit's argon2id recovery-code check (same parameters), recovery-code checks from 1 and
2 threads, and one accepted service verification (TOTP step-up: load, check, compare-and-swap
with its audit events) through `mfakit.Mfa` vs the Rust service alone (store/examples/
bench_verify.rs) vs django-otp's `TOTPDevice.verify_token` through Django's ORM, all on a
SQLite file.

Prints one table. Each number is the best of several timed runs, in microseconds per call;
the ratio is how many times faster mfakit is. A comparison, not a pass/fail test.
Goals: verify >= 30x pyotp, generate >= 15x pyotp, 2 threads >= 1.8x one, service binding
overhead <= 1.2x the Rust service.
"""

from __future__ import annotations

import base64
import os
import subprocess
import tempfile
import time
import timeit
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import argon2
import pyotp

import mfakit
import mfakit.compat.pyotp as compat

SECRET = mfakit.random_secret()
WHEN = 1_700_000_000


def per_call_us(fn: Callable[[], object], budget: float = 0.1, repeat: int = 15) -> float:
    """Best-of-`repeat` microseconds per call, each run lasting about `budget` seconds."""
    number = 1
    while True:
        took = timeit.timeit(fn, number=number)
        if took >= budget / 10:
            break
        number *= 4
    number = max(1, int(number * budget / max(took, 1e-9) / 10))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def rows() -> list[tuple[str, Callable[[], object], Callable[[], object], Callable[[], object] | None]]:
    p = pyotp.TOTP(SECRET)
    m = mfakit.Totp(SECRET)
    c = compat.TOTP(SECRET)
    right = p.at(WHEN)
    wrong = "000000" if right != "000000" else "111111"
    now_code = p.now()
    return [
        ("generate now()", p.now, m.now, c.now),
        ("generate at(time)", lambda: p.at(WHEN), lambda: m.at(WHEN), lambda: c.at(WHEN)),
        (
            "verify right code, window 0",
            lambda: p.verify(right, for_time=WHEN),
            lambda: m.verify(right, at=WHEN, window=0),
            lambda: c.verify(right, for_time=WHEN),
        ),
        (
            "verify right code, window ±1",
            lambda: p.verify(right, for_time=WHEN, valid_window=1),
            lambda: m.verify(right, at=WHEN),
            lambda: c.verify(right, for_time=WHEN, valid_window=1),
        ),
        (
            "verify wrong code, window ±1",
            lambda: p.verify(wrong, for_time=WHEN, valid_window=1),
            lambda: m.verify(wrong, at=WHEN),
            lambda: c.verify(wrong, for_time=WHEN, valid_window=1),
        ),
        (
            "verify now, defaults (pyotp ±0, mfakit ±1)",
            lambda: p.verify(now_code),
            lambda: m.verify(now_code),
            lambda: c.verify(now_code),
        ),
        ("new secret (160 bits)", pyotp.random_base32, mfakit.random_secret, compat.random_base32),
    ]


def argon2_rows() -> None:
    """One argon2id evaluation at OWASP's parameters (m=19456 KiB, t=2, p=1, 32-byte hash,
    16-byte salt): argon2-cffi's verify of a wrong password vs mfakit's recovery-code check of
    a wrong code (one evaluation each, both releasing the GIL), then checks per second from 1
    and 2 threads."""
    codes = mfakit.RecoveryCodeSet.generate(10).set
    assert (codes.m_cost_kib, codes.t_cost, codes.p_cost) == (19456, 2, 1)
    hasher = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16)
    digest = hasher.hash("k7m2px9q4rtv")

    def cffi_check() -> None:
        try:
            hasher.verify(digest, "0000-0000-0000")
        except argon2.exceptions.VerifyMismatchError:
            pass

    def ours_check() -> None:
        assert not codes.check("0000-0000-0000").accepted

    t_cffi = per_call_us(cffi_check, budget=0.4, repeat=3)
    t_ours = per_call_us(ours_check, budget=0.4, repeat=3)
    print(f"{'argon2id check (19 MiB, t=2) [argon2-cffi]':<44} {t_cffi / 1000:>7.2f}ms {t_ours / 1000:>8.2f}ms {t_cffi / t_ours:>6.2f}x")

    def rate(fn: Callable[[], None], threads: int, per_thread: int = 6) -> float:
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda _: [fn() for _ in range(per_thread)], range(threads)))
        return threads * per_thread / (time.perf_counter() - start)

    for label, fn in (("mfakit", ours_check), ("argon2-cffi", cffi_check)):
        one = max(rate(fn, 1) for _ in range(2))
        two = max(rate(fn, 2) for _ in range(2))
        print(f"{'recovery checks/s, ' + label + ', 1 vs 2 threads':<44} {one:>8.1f}/s {two:>8.1f}/s {two / one:>6.2f}x")


# The policy of store/examples/bench_verify.rs: no backoff or lockout, cheap recovery codes
# (every user gets a set at enrolment; argon2 is not what these rows measure).
SERVICE_POLICY = {
    "attempts": {"backoff_base_secs": 0, "backoff_factor": 1, "backoff_cap_secs": 0, "lockout_after": 0, "lockout_secs": 0},
    "recovery_params": {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1},
}
SERVICE_USERS = 400
SERVICE_ROUNDS = 5


def rust_service_us(url: str) -> float | None:
    """The Rust service alone: store/examples/bench_verify (path in MFAKIT_BENCH_VERIFY, built
    by `make bench`), best round's mean."""
    exe = os.environ.get("MFAKIT_BENCH_VERIFY")
    if not exe or not os.path.exists(exe):
        return None
    out = subprocess.run([exe, url, str(SERVICE_USERS), str(SERVICE_ROUNDS)], check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1]) / 1000


def binding_service_us(url: str) -> float:
    """The same loop as bench_verify.rs, through mfakit.Mfa: per round, SERVICE_USERS fresh
    users with an active TOTP, then one accepted step-up each with the current code."""
    mfa = mfakit.Mfa(
        url,
        keyring=mfakit.Keyring("k1", mfakit.SealingKey(bytes([7]) * 32)),
        challenge_key=bytes([9]) * 32,
        issuer="Bench",
        policy=SERVICE_POLICY,
    )
    best = float("inf")
    for r in range(SERVICE_ROUNDS):
        users = [f"py-{os.getpid()}-{r}-{i}" for i in range(SERVICE_USERS)]
        totps = [mfakit.Totp.from_uri(mfa.setup_totp(u, "bench", require_verification=False).uri) for u in users]
        now = int(time.time())
        work = list(zip(users, [t.at(now) for t in totps]))
        step_up = mfa.step_up
        start = time.perf_counter()
        for user, code in work:
            if not step_up(user, "totp", code):
                raise AssertionError("not accepted")
        best = min(best, (time.perf_counter() - start) / SERVICE_USERS * 1e6)
    return best


def django_otp_us(path: str) -> float | None:
    """django-otp: load the user's TOTPDevice through the ORM and `verify_token` the current
    code (it saves the device: last_t and the throttle), one accepted verification per device,
    on a SQLite file. None when Django is not installed (the bench venv has it)."""
    try:
        import django
        from django.conf import settings
    except ImportError:
        return None
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}},
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django_otp", "django_otp.plugins.otp_totp"],
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("migrate", verbosity=0)
    best = float("inf")
    for r in range(SERVICE_ROUNDS):
        ids, totps = [], []
        for i in range(SERVICE_USERS):
            user = User.objects.create(username=f"dj-{r}-{i}")
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            ids.append(device.pk)
            totps.append(mfakit.Totp(base64.b32encode(bytes.fromhex(device.key)).decode()))
        now = int(time.time())
        work = list(zip(ids, [t.at(now) for t in totps]))
        start = time.perf_counter()
        for pk, code in work:
            if not TOTPDevice.objects.get(pk=pk).verify_token(code):
                raise AssertionError("django-otp refused the code")
        best = min(best, (time.perf_counter() - start) / SERVICE_USERS * 1e6)
    return best


def service_rows() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rust = rust_service_us(f"sqlite://{tmp}/rust.db")
        ours = binding_service_us(f"sqlite://{tmp}/py.db")
        dj = django_otp_us(f"{tmp}/django.db")
    label = "service step_up TOTP, SQLite file"
    if rust is None:
        print(f"{label + ' [Rust alone]':<44} (set MFAKIT_BENCH_VERIFY; `make bench` builds it)")
    else:
        print(f"{label + ' [Rust alone]':<44} {rust:>8.1f}µs {ours:>8.1f}µs {ours / rust:>6.2f}x binding overhead (goal <= 1.2x)")
    if dj is None:
        print(f"{label + ' [django-otp]':<44} (Django and django-otp not installed; `make bench` installs them)")
    else:
        print(f"{label + ' [django-otp]':<44} {dj:>8.1f}µs {ours:>8.1f}µs {dj / ours:>6.2f}x faster than django-otp")


def main() -> None:
    started = time.perf_counter()
    header = f"{'operation':<44} {'pyotp µs':>9} {'mfakit µs':>10} {'ratio':>7} {'compat µs':>10} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for name, theirs, ours, drop_in in rows():
        t_p, t_m = per_call_us(theirs), per_call_us(ours)
        line = f"{name:<44} {t_p:>9.2f} {t_m:>10.2f} {t_p / t_m:>6.1f}x"
        if drop_in is not None:
            t_c = per_call_us(drop_in)
            line += f" {t_c:>10.2f} {t_p / t_c:>6.1f}x"
        print(line)
    argon2_rows()
    service_rows()
    load = os.getloadavg()[0]
    print(
        f"\n(mfakit = native mfakit.Totp; compat = mfakit.compat.pyotp; argon2 rows: first column argon2-cffi"
        f" or 1 thread, second mfakit or 2 threads; service rows: first column the Rust service or django-otp,"
        f" second mfakit.Mfa, {SERVICE_USERS} accepted verifications per round, best of {SERVICE_ROUNDS}; load average {load:.1f} on {os.cpu_count()} CPUs;"
        f" {time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
