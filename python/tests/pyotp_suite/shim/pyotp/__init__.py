"""A package named ``pyotp`` that is mfakit's drop-in, for running pyotp's own test.py.

Importing it is ``import mfakit.compat.pyotp as pyotp``: the drop-in and each of its submodules
take the ``pyotp`` names in ``sys.modules``, so the suite's ``patch("pyotp.totp.time.time")`` and
``patch("pyotp.utils.unicodedata.normalize")`` reach the modules the drop-in really uses.
"""

import sys

import mfakit.compat.pyotp
import mfakit.compat.pyotp.contrib.steam  # noqa: F401  (every submodule, before aliasing)

_PREFIX = "mfakit.compat.pyotp"

for _name, _module in list(sys.modules.items()):
    if _name == _PREFIX or _name.startswith(_PREFIX + "."):
        sys.modules["pyotp" + _name[len(_PREFIX) :]] = _module
