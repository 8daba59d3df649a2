"""The peer of store/benches/service.rs: accepted TOTP verifications in django-otp on SQLite.

Run by scripts/bench_service.py with the benchmark's own venv (Django and django-otp from
PyPI, versions in scripts/bench-requirements.txt). One process per SQLite configuration:

    python bench_service_django.py DB_PATH default   Django's out-of-the-box SQLite settings
                                                     (rollback journal, synchronous=FULL,
                                                     deferred transactions)
    python bench_service_django.py DB_PATH wal       the configuration mfakit uses by default:
                                                     WAL, synchronous=FULL, BEGIN IMMEDIATE
    python bench_service_django.py DB_PATH wal-normal  the same with synchronous=NORMAL, as
                                                     mfakit's `sqlite://…?synchronous=normal`

Operations, each an *accepted* verification of a fresh step:

    verify_token   django_otp.verify_token(user, persistent_id, token): what a view calls.
                   One transaction.atomic(): load the device (select_for_update, a no-op on
                   SQLite), TOTPDevice.verify_token, save. The counterpart of the service's
                   load-verify-store.
    device_verify  TOTPDevice.verify_token(token) on a device loaded once: the decision and one
                   UPDATE, no load and no transaction around them (lighter than the service).

django-otp reads the time in TOTPDevice.verify_token as `time.time()` from
django_otp/plugins/otp_totp/models.py and refuses a step at or before `last_t`, so the module's
`time` is replaced by a thread-local clock that each caller advances by 30 s per call; the
tokens are computed before the timed loop. Each caller (thread, its own connection, as Django
gives every thread) has its own user and device. "database is locked" errors are counted, not
hidden: such a call is not an accepted verification and is left out of the latencies.

Prints one `BENCH {json}` line per row, the same fields as the Rust benchmark.
"""

import json
import os
import sys
import threading
import time
import types

DB_PATH, CONFIG = sys.argv[1], sys.argv[2]
SECS = float(os.environ.get("MFAKIT_BENCH_SECS", "2.5"))
T0 = 1_800_000_000
WARMUP = 20
CONCURRENT = 8

import django  # noqa: E402
from django.conf import settings  # noqa: E402

options = {"timeout": 5}
if CONFIG in ("wal", "wal-normal"):
    # Django 5.1+: run on every new connection; `transaction_mode` makes atomic() BEGIN IMMEDIATE.
    sync = "FULL" if CONFIG == "wal" else "NORMAL"
    options["init_command"] = f"PRAGMA journal_mode=WAL; PRAGMA synchronous={sync};"
    options["transaction_mode"] = "IMMEDIATE"
elif CONFIG != "default":
    sys.exit("config: default, wal or wal-normal")
for suffix in ("", "-wal", "-shm", "-journal"):
    try:
        os.remove(DB_PATH + suffix)
    except FileNotFoundError:
        pass
settings.configure(
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DB_PATH,
            "OPTIONS": options,
        }
    },
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django_otp",
        "django_otp.plugins.otp_totp",
    ],
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    SECRET_KEY="bench",
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402

import django_otp  # noqa: E402
import django_otp.plugins.otp_totp.models as totp_models  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

call_command("migrate", verbosity=0)

_clock = threading.local()
# TOTPDevice.verify_token does `totp.time = time.time()` with this module's `time`.
totp_models.time = types.SimpleNamespace(time=lambda: _clock.now)


def tokens(device, calls):
    """(time, token) of the next `calls` steps after T0, computed before timing."""
    out = []
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    for k in range(1, calls + 1):
        t = T0 + 30 * k
        totp.time = t
        out.append((t, f"{totp.token():0{device.digits}d}"))
    return out


def make_device(name):
    user = User.objects.create(username=name)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user, device


def measure(op_name, callers, calls):
    budget = SECS
    devices = [make_device(f"{op_name}-{callers}-{i}") for i in range(callers)]
    barrier = threading.Barrier(callers)
    results = []
    lock = threading.Lock()

    def caller(index):
        user, device = devices[index]
        steps = tokens(device, WARMUP + calls)
        if op_name == "verify_token":
            pid = device.persistent_id

            def op(token):
                return django_otp.verify_token(user, pid, token) is not None

        else:
            device = TOTPDevice.objects.get(pk=device.pk)

            def op(token):
                return device.verify_token(token)

        latencies, locked, refused = [], 0, 0
        it = iter(steps)
        for _ in range(WARMUP):
            t, token = next(it)
            _clock.now = t
            try:
                op(token)
            except OperationalError:
                pass
        barrier.wait()
        start = time.perf_counter()
        for t, token in it:
            if time.perf_counter() - start >= budget:
                break
            _clock.now = t
            begin = time.perf_counter_ns()
            try:
                ok = op(token)
            except OperationalError as e:
                if "locked" not in str(e):
                    raise
                locked += 1
                continue
            elapsed = time.perf_counter_ns() - begin
            if ok:
                latencies.append(elapsed)
            else:
                refused += 1
        end = time.perf_counter()
        connection.close()
        with lock:
            results.append((start, end, latencies, locked, refused))

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(callers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if len(results) != callers:
        sys.exit(f"{op_name}: a caller thread failed")
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    lat = sorted(x for r in results for x in r[2])
    n = len(lat)
    if n == 0:
        sys.exit(f"{op_name}: no accepted verification")
    at = lambda q: lat[min(n, max(1, -(-int(q * n * 1000) // 1000))) - 1]  # noqa: E731
    row = {
        "group": "django-otp",
        "store": f"sqlite-{CONFIG}",
        "op": op_name,
        "callers": callers,
        "ops": n,
        "median_us": round(at(0.5) / 1000, 1),
        "p99_us": round(at(0.99) / 1000, 1),
        "ops_per_s": round(n / wall),
        "locked_errors": sum(r[3] for r in results),
        "refused": sum(r[4] for r in results),
    }
    print("BENCH " + json.dumps(row), flush=True)
    print(
        f"  django-otp {op_name:<14} sqlite-{CONFIG:<8} {callers} caller(s): {n} ops, "
        f"median {row['median_us']} us, p99 {row['p99_us']} us, "
        f"{row['locked_errors']} locked",
        file=sys.stderr,
    )


from importlib.metadata import version  # noqa: E402

print(
    "BENCH "
    + json.dumps(
        {
            "group": "versions",
            "python": sys.version.split()[0],
            "django": django.__version__,
            "django_otp": version("django-otp"),
            "sqlite": __import__("sqlite3").sqlite_version,
        }
    ),
    flush=True,
)
ops = ["verify_token"] if CONFIG == "default" else ["verify_token", "device_verify"]
for op_name in ops:
    measure(op_name, 1, 20_000)
    measure(op_name, CONCURRENT, 5_000)
