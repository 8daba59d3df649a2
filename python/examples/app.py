"""A small enrolment and login flow on mfakit, type-checked with `mypy --strict`.

Run it: `python app.py` prints a QR code, then checks codes typed at the prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

import mfakit


@dataclass
class User:
    """What an application stores per user: the secret and the last accepted time step."""

    name: str
    totp_uri: str | None = None
    last_step: int | None = None


def enroll(user: User, issuer: str) -> str:
    """Creates a TOTP for `user` and returns the QR code to show them."""
    totp = mfakit.Totp.enroll(issuer=issuer, account=user.name)
    user.totp_uri = totp.provisioning_uri()  # in a real app: seal it before storing
    return totp.qr_terminal()


def login(user: User, code: str) -> bool:
    """Checks a code, refusing replays of the last accepted one."""
    if user.totp_uri is None:
        return False
    totp = mfakit.Totp.from_uri(user.totp_uri)
    match: mfakit.OtpMatch | None = totp.verify(code, after_step=user.last_step)
    if match is None:
        return False
    user.last_step = match.step
    return True


def main() -> None:
    user = User("alice@example.com")
    print(enroll(user, "Example Co"))
    try:
        while code := input("code (empty to quit): ").strip():
            print("accepted" if login(user, code) else "refused")
    except mfakit.MfaError as error:
        print(f"error {error.code}: {error}")


if __name__ == "__main__":
    main()
