"""pyotp.compat: the CSPRNG pyotp uses for custom alphabets."""

from secrets import SystemRandom

random = SystemRandom()
