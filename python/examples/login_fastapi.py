"""Two-factor login in FastAPI: the app's password login opens a challenge, mfakit's router does
the rest (docs/http.md). Run: `uvicorn login_fastapi:app` (with `pip install mfakit[fastapi]`)."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.middleware.sessions import SessionMiddleware

import mfakit
from mfakit.fastapi import mfa_router

mfa = mfakit.Mfa(
    os.environ.get("MFA_STORE", "sqlite://mfakit.db"),
    keyring=mfakit.Keyring("k1", mfakit.SealingKey.from_base64(os.environ["MFA_SEALING_KEY"])),
    challenge_key=bytes.fromhex(os.environ["MFA_CHALLENGE_KEY"]),
    issuer="Example",
)
app = FastAPI()
app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"])
PASSWORDS = {"alice": "correct horse"}  # stands in for the application's users


async def send(method: str, contact: str, code: str) -> None:
    print(f"deliver a {method} code to {contact}")  # the mailer / SMS gateway; never log `code`


def on_login(request: Request, user_id: str, claims: dict[str, Any]) -> None:
    request.session.update(user=user_id, amr=["pwd", *claims["amr"]], mfa_at=claims["auth_time"])


def current_user(request: Request) -> str | None:
    user: str | None = request.session.get("user")
    return user


app.include_router(mfa_router(mfa, current_user=current_user, send=send, on_login=on_login), prefix="/mfa")


@app.post("/login")
async def login(request: Request) -> JSONResponse:
    body = await request.json()
    if PASSWORDS.get(body.get("user")) != body.get("password"):
        raise HTTPException(401, "wrong user or password")
    try:
        c = await mfa.astart_login(body["user"])
    except mfakit.NotEnrolledError:  # no second factor yet: signed in with the password alone
        request.session.update(user=body["user"], amr=["pwd"])
        return JSONResponse({"mfa_required": False})
    return JSONResponse(
        {"mfa_required": True, "challenge_id": c.id, "methods": c.methods, "masked": c.masked, "expires_at": c.expires_at},
        status_code=202,
    )
