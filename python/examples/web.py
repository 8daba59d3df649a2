"""A FastAPI app using mfakit's step-up dependency and async recovery-code checks, type-checked
with `mypy --strict`. Run: `uvicorn web:app` (with `pip install mfakit[fastapi] uvicorn`)."""

from __future__ import annotations

import time

from fastapi import Depends, FastAPI, Header, HTTPException

import mfakit
from mfakit.fastapi import install, require_mfa

app = FastAPI()
install(app)

# A stand-in for the application's user store.
RECOVERY: dict[str, str] = {}
ENROLLED: dict[str, list[str]] = {}
MFA_AT: dict[str, int] = {}


def user_id(x_user: str = Header()) -> str:
    return x_user


def mfa_context(user: str = Depends(user_id)) -> mfakit.AuthContext:
    return mfakit.AuthContext(
        enrolled_methods=ENROLLED.get(user, []),
        amr=["pwd", "mfa"] if user in MFA_AT else ["pwd"],
        mfa_verified_at=MFA_AT.get(user),
    )


@app.post("/mfa/recovery-codes")
async def new_recovery_codes(user: str = Depends(user_id)) -> list[str]:
    new = await mfakit.RecoveryCodeSet.agenerate()
    RECOVERY[user] = new.set.to_stored()
    ENROLLED.setdefault(user, []).append("recovery_code")
    return new.codes


@app.post("/mfa/recover")
async def recover(code: str, user: str = Depends(user_id)) -> dict[str, int]:
    stored = RECOVERY.get(user)
    if stored is None:
        raise HTTPException(404)
    check = await mfakit.RecoveryCodeSet.from_stored(stored).acheck(code)
    RECOVERY[user] = check.set.to_stored()
    if not check.accepted:
        raise HTTPException(401, "wrong code")
    MFA_AT[user] = int(time.time())
    return {"remaining": check.remaining}


@app.post("/payments", dependencies=[Depends(require_mfa(mfa_context, level="required", operation="payment"))])
def pay() -> dict[str, str]:
    return {"status": "paid"}
