"""Side-by-side timings: pyotp 2.12 vs mfakit (native and the pyotp drop-in).

Prints one table. Each number is the best of several timed runs, in microseconds per call;
the ratio is how many times faster mfakit is. A comparison, not a pass/fail test.
Goals: verify >= 30x pyotp, generate >= 15x pyotp.
"""

from __future__ import annotations

import time
import timeit
from collections.abc import Callable

import pyotp

import mfakit
import mfakit.compat.pyotp as compat

SECRET = mfakit.random_secret()
WHEN = 1_700_000_000


def per_call_us(fn: Callable[[], object], budget: float = 0.25, repeat: int = 5) -> float:
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
    print(f"\n(mfakit = native mfakit.Totp; compat = mfakit.compat.pyotp; {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
