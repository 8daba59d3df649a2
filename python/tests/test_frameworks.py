"""mfakit.fastapi and mfakit.flask through FastAPI's TestClient and Flask's test client: the
core's step-up decision becomes 401/403 JSON with `code` and the methods."""

from __future__ import annotations

import time
from typing import Any

import flask
import pytest
from fastapi import Depends, FastAPI, Header
from fastapi.testclient import TestClient

import mfakit
from mfakit.fastapi import install
from mfakit.fastapi import require_mfa as fastapi_require_mfa
from mfakit.flask import require_mfa as flask_require_mfa

NOW = int(time.time())

# Users by token: what each session has proved.
SESSIONS: dict[str, dict[str, Any]] = {
    "fresh": {"enrolled_methods": ["totp"], "amr": ["pwd", "otp"], "mfa_verified_at": NOW - 10},
    "stale": {"enrolled_methods": ["totp", "recovery_code"], "amr": ["pwd", "mfa"], "mfa_verified_at": NOW - 3600},
    "password-only": {"enrolled_methods": ["totp"], "amr": ["pwd"]},
    "not-enrolled": {"amr": ["pwd"]},
}


def fastapi_app() -> FastAPI:
    app = FastAPI()
    install(app)

    def context(authorization: str = Header(default="")) -> mfakit.AuthContext:
        return mfakit.AuthContext(**SESSIONS[authorization])

    async def claims(authorization: str = Header(default="")) -> dict[str, Any]:
        return SESSIONS[authorization]  # a mapping of AuthContext fields, from an async dependency

    @app.get("/home", dependencies=[Depends(fastapi_require_mfa(context, level="required"))])
    def home() -> dict[str, str]:
        return {"ok": "home"}

    @app.post("/pay")
    def pay(ctx: mfakit.AuthContext = Depends(fastapi_require_mfa(claims, level="required", max_age=300, operation="payment"))) -> dict[str, Any]:
        return {"ok": "paid", "amr": ctx.amr}

    @app.get("/optional", dependencies=[Depends(fastapi_require_mfa(context))])
    def optional() -> dict[str, str]:
        return {"ok": "optional"}

    return app


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(fastapi_app())


def test_fastapi_allows_a_fresh_second_factor(api: TestClient) -> None:
    assert api.get("/home", headers={"authorization": "fresh"}).json() == {"ok": "home"}
    r = api.post("/pay", headers={"authorization": "fresh"})
    assert r.status_code == 200 and r.json() == {"ok": "paid", "amr": ["pwd", "otp"]}


def test_fastapi_refusals(api: TestClient) -> None:
    r = api.get("/home", headers={"authorization": "password-only"})
    assert r.status_code == 401
    assert r.json() == {"code": "mfa_required", "methods": ["totp"]}
    r = api.get("/home", headers={"authorization": "not-enrolled"})
    assert r.status_code == 403
    assert r.json()["code"] == "mfa_setup_required" and r.json()["methods"] == ["totp", "recovery_code"]
    # Stale only matters where the operation has a max age.
    assert api.get("/home", headers={"authorization": "stale"}).status_code == 200
    r = api.post("/pay", headers={"authorization": "stale"})
    assert r.status_code == 401
    assert r.json() == {"code": "mfa_stale", "methods": ["totp", "recovery_code"], "max_age": 300}


def test_fastapi_optional_level(api: TestClient) -> None:
    # Level "optional" (the default): enforced only for users who enrolled.
    assert api.get("/optional", headers={"authorization": "not-enrolled"}).status_code == 200
    assert api.get("/optional", headers={"authorization": "password-only"}).status_code == 401


def test_fastapi_without_install_uses_detail() -> None:
    app = FastAPI()

    def context() -> mfakit.AuthContext:
        return mfakit.AuthContext(enrolled_methods=["totp"])

    @app.get("/x", dependencies=[Depends(fastapi_require_mfa(context))])
    def x() -> None: ...

    r = TestClient(app).get("/x")
    assert r.status_code == 401 and r.json() == {"detail": {"code": "mfa_required", "methods": ["totp"]}}


def flask_app() -> flask.Flask:
    app = flask.Flask(__name__)

    def context() -> mfakit.AuthContext:
        return mfakit.AuthContext(**SESSIONS[flask.request.headers.get("Authorization", "")])

    @app.get("/home")
    @flask_require_mfa(context, level="required")
    def home() -> Any:
        return {"ok": "home"}

    @app.post("/pay")
    @flask_require_mfa(lambda: SESSIONS[flask.request.headers["Authorization"]], level="required", max_age=300, operation="payment")
    def pay() -> Any:
        return {"ok": "paid"}

    return app


def test_flask_decorator() -> None:
    client = flask_app().test_client()
    assert client.get("/home", headers={"Authorization": "fresh"}).get_json() == {"ok": "home"}
    r = client.get("/home", headers={"Authorization": "password-only"})
    assert r.status_code == 401 and r.get_json() == {"code": "mfa_required", "methods": ["totp"]}
    r = client.get("/home", headers={"Authorization": "not-enrolled"})
    assert r.status_code == 403 and r.get_json()["code"] == "mfa_setup_required"
    assert client.post("/pay", headers={"Authorization": "fresh"}).status_code == 200
    r = client.post("/pay", headers={"Authorization": "stale"})
    assert r.status_code == 401 and r.get_json()["code"] == "mfa_stale" and r.get_json()["max_age"] == 300


def test_step_up_directly() -> None:
    step_up = mfakit.StepUp(mfakit.StepUpPolicy(level="required"))
    ctx = mfakit.AuthContext(enrolled_methods=["totp"], amr=["otp"], mfa_verified_at=NOW - 400)
    assert step_up.decide(ctx, "sign_in")
    d = step_up.decide(ctx, "payment")
    assert not d and d.code == "mfa_stale" and d.http_status == 401 and d.max_age == 300
    assert step_up.decide(ctx, "payment", now=NOW - 200).allowed
    with pytest.raises(mfakit.InvalidParameterError):
        mfakit.StepUpPolicy(level="sometimes")


def test_example_web_app() -> None:
    """python/examples/web.py end to end: recovery codes (async argon2) then step-up."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "web.py"
    spec = importlib.util.spec_from_file_location("mfakit_example_web", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    client = TestClient(module.app)
    alice = {"x-user": "alice"}
    r = client.post("/payments", headers=alice)
    assert r.status_code == 403 and r.json()["code"] == "mfa_setup_required"
    codes = client.post("/mfa/recovery-codes", headers=alice).json()
    assert len(codes) == 10
    assert client.post("/payments", headers=alice).json()["code"] == "mfa_required"
    assert client.post("/mfa/recover", params={"code": "0000-0000-0000"}, headers=alice).status_code == 401
    assert client.post("/mfa/recover", params={"code": codes[3]}, headers=alice).json() == {"remaining": 9}
    assert client.post("/payments", headers=alice).json() == {"status": "paid"}
    assert client.post("/mfa/recover", params={"code": codes[3]}, headers=alice).status_code == 401
