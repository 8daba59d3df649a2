"""Drop-in replacements for other OTP libraries, computed by the mfakit core.

``import mfakit.compat.pyotp as pyotp`` replaces pyotp 2.12.
"""
