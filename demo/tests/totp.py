"""TOTP of the test's own (RFC 6238 over RFC 4226, standard library only), so that the e2e test
checks mfakit against an independent implementation rather than against itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from urllib.parse import parse_qs, unquote, urlparse


class Authenticator:
    """What a phone app does with the scanned otpauth:// URI; remembers the last step it used,
    since the server refuses a step at or before the last accepted one."""

    def __init__(self, uri: str) -> None:
        parsed = urlparse(uri)
        assert parsed.scheme == "otpauth" and parsed.netloc == "totp", uri
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        self.label = unquote(parsed.path.lstrip("/"))
        self.issuer = query.get("issuer")
        secret = query["secret"].upper()
        self.key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        self.digits = int(query.get("digits", 6))
        self.period = int(query.get("period", 30))
        self.digest = getattr(hashlib, query.get("algorithm", "SHA1").lower())
        self.last_step = -1

    def at_step(self, step: int) -> str:
        mac = hmac.new(self.key, struct.pack(">Q", step), self.digest).digest()
        offset = mac[-1] & 0x0F
        value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
        return str(value % 10**self.digits).zfill(self.digits)

    def step_now(self) -> int:
        return int(time.time()) // self.period

    def next_code(self) -> str:
        """A code for a step after the last one used: the current step, or the next one (the
        server accepts one step either side), waiting only when both are used up."""
        step = max(self.last_step + 1, self.step_now())
        while step > self.step_now() + 1:
            time.sleep(0.5)
        self.last_step = step
        return self.at_step(step)

    def wrong_code(self) -> str:
        """A code that matches no step the server would accept now."""
        now = self.step_now()
        near = {self.at_step(s) for s in range(now - 2, now + 3)}
        return next(c for c in (str(n).zfill(self.digits) for n in range(10**self.digits)) if c not in near)
