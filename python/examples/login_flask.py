"""Two-factor login in Flask: the app's password login opens a challenge, mfakit's blueprint
does the rest (docs/http.md). Run: `flask --app login_flask run` (with `pip install mfakit[flask]`)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Request, request, session

import mfakit
from mfakit.flask import mfa_blueprint

mfa = mfakit.Mfa(
    os.environ.get("MFA_STORE", "sqlite://mfakit.db"),
    keyring=mfakit.Keyring("k1", mfakit.SealingKey.from_base64(os.environ["MFA_SEALING_KEY"])),
    challenge_key=bytes.fromhex(os.environ["MFA_CHALLENGE_KEY"]),
    issuer="Example",
)
app = Flask(__name__)
app.secret_key = os.environ["SESSION_SECRET"]
PASSWORDS = {"alice": "correct horse"}  # stands in for the application's users


def send(method: str, contact: str, code: str) -> None:
    print(f"deliver a {method} code to {contact}")  # the mailer / SMS gateway; never log `code`


def on_login(req: Request, user_id: str, claims: dict[str, Any]) -> None:
    session.update(user=user_id, amr=["pwd", *claims["amr"]], mfa_at=claims["auth_time"])


app.register_blueprint(mfa_blueprint(mfa, current_user=lambda: session.get("user"), send=send, on_login=on_login), url_prefix="/mfa")


@app.post("/login")
def login() -> Any:
    body = request.get_json(force=True)
    if PASSWORDS.get(body.get("user")) != body.get("password"):
        return {"code": "unauthenticated"}, 401
    try:
        c = mfa.start_login(body["user"])
    except mfakit.NotEnrolledError:  # no second factor yet: signed in with the password alone
        session.update(user=body["user"], amr=["pwd"])
        return {"mfa_required": False}
    return {"mfa_required": True, "challenge_id": c.id, "methods": c.methods, "masked": c.masked, "expires_at": c.expires_at}, 202
