"""Runs pyotp's own test.py, unmodified, against ``mfakit.compat.pyotp``.

    python run.py path/to/test.py

The shim package next to this file makes ``import pyotp`` the drop-in. Prints the tests and
subtests that passed and failed, and exits non-zero if any failed or if ``pyotp`` turns out not
to be the drop-in (the real pyotp is installed in the same venv as the oracle of other tests).
"""

from __future__ import annotations

import importlib.util
import sys
import unittest
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "shim"))

import pyotp  # noqa: E402  (the shim)

import mfakit.compat.pyotp  # noqa: E402


class CountingResult(unittest.TextTestResult):
    """unittest's text result that also counts subtests, passed and failed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passed_tests = 0
        self.passed_subtests = 0
        self.failed_subtests = 0

    def addSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802
        super().addSuccess(test)
        self.passed_tests += 1

    def addSubTest(self, test: unittest.TestCase, subtest: unittest.TestCase, err: Any) -> None:  # noqa: N802
        super().addSubTest(test, subtest, err)
        if err is None:
            self.passed_subtests += 1
        else:
            self.failed_subtests += 1


def main(test_file: str) -> int:
    if pyotp is not mfakit.compat.pyotp or sys.modules["pyotp.totp"] is not mfakit.compat.pyotp.totp:
        print("pyotp-suite: `import pyotp` is not mfakit's drop-in", file=sys.stderr)
        return 2
    spec = importlib.util.spec_from_file_location("pyotp_test_suite", test_file)
    assert spec is not None and spec.loader is not None  # a path to a .py file always has both
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(resultclass=CountingResult, verbosity=1).run(suite)
    assert isinstance(result, CountingResult)
    failed_tests = result.testsRun - result.passed_tests - len(result.skipped) - len(result.expectedFailures)
    print(
        f"pyotp {test_file}: {result.testsRun} tests ({result.passed_tests} passed, {failed_tests} failed, "
        f"{len(result.skipped)} skipped); subtests: {result.passed_subtests} passed, {result.failed_subtests} failed"
    )
    print(f"pyotp-suite: {result.passed_tests} passed, {failed_tests} failed")
    return 0 if result.wasSuccessful() and failed_tests == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
