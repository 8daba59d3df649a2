"""pyotp.contrib: Steam Guard codes."""

from .steam import Steam

__all__ = ["Steam"]
