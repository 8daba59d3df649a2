"""Side-by-side timings: pyotp 2.12 vs mfakit (native and the pyotp drop-in), argon2-cffi vs
mfakit's argon2id recovery-code check (same parameters), and recovery-code checks from 1 and
2 threads.

Prints one table. Each number is the best of several timed runs, in microseconds per call;
the ratio is how many times faster mfakit is. A comparison, not a pass/fail test.
Goals: verify >= 30x pyotp, generate >= 15x pyotp, 2 threads >= 1.8x one.
"""

from __future__ import annotations

import os
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
    load = os.getloadavg()[0]
    print(
        f"\n(mfakit = native mfakit.Totp; compat = mfakit.compat.pyotp; argon2 rows: first column argon2-cffi"
        f" or 1 thread, second mfakit or 2 threads; load average {load:.1f} on {os.cpu_count()} CPUs;"
        f" {time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
