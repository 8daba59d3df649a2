"""The MFA routes of docs/http.md over HTTP, in FastAPI (TestClient) and Flask (test client):
the same requests, the same answers. Codes reach the application's `send` callback and never
a response body."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flask
import pytest
from conftest import make_mfa, totp_code, unique_user
from fastapi import Depends, FastAPI, Header, Request
from fastapi.testclient import TestClient

import mfakit
from mfakit.fastapi import install, mfa_router
from mfakit.fastapi import require_mfa as fastapi_require_mfa
from mfakit.flask import mfa_blueprint
from mfakit.flask import require_mfa as flask_require_mfa

JSON = {"Content-Type": "application/json"}


@dataclass
class Answer:
    status: int
    body: Any
    headers: Any  # the client's own case-insensitive headers
    text: str


@dataclass
class Harness:
    """One app (FastAPI or Flask) with the router mounted under /mfa; `sent` collects what
    `send` delivered, `logins` what `on_login` received."""

    post_raw: Callable[[str, bytes, dict[str, str]], Answer]
    get_raw: Callable[[str, dict[str, str]], Answer]
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    logins: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def post(self, path: str, body: Any = None, user: str | None = None, raw: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        import json

        h = dict(JSON if headers is None else headers)
        if user is not None:
            h["X-User"] = user
        data = raw if raw is not None else json.dumps({} if body is None else body).encode()
        return self.post_raw(path, data, h)

    def get(self, path: str, user: str | None = None) -> Answer:
        return self.get_raw(path, {} if user is None else {"X-User": user})

    def last_code(self) -> str:
        return self.sent[-1][2]


def fastapi_harness(mfa: mfakit.Mfa) -> Harness:
    app = FastAPI()
    harness: Harness

    def current_user(x_user: str | None = Header(default=None)) -> str | None:
        return x_user

    async def send(method: str, contact: str, code: str) -> None:
        harness.sent.append((method, contact, code))

    async def on_login(request: Request, user_id: str, claims: dict[str, Any]) -> None:
        assert request.url.path.startswith("/mfa/")
        harness.logins.append((user_id, claims))

    app.include_router(mfa_router(mfa, current_user=current_user, send=send, on_login=on_login), prefix="/mfa")
    client = TestClient(app)

    def answer(r: Any) -> Answer:
        body = r.json() if r.content else None
        return Answer(r.status_code, body, r.headers, r.text)

    harness = Harness(
        lambda p, d, h: answer(client.post(p, content=d, headers=h)),
        lambda p, h: answer(client.get(p, headers=h)),
    )
    return harness


def flask_harness(mfa: mfakit.Mfa) -> Harness:
    app = flask.Flask(__name__)
    harness: Harness

    def current_user() -> str | None:
        return flask.request.headers.get("X-User")

    def send(method: str, contact: str, code: str) -> None:  # a blocking sender
        harness.sent.append((method, contact, code))

    def on_login(request: Any, user_id: str, claims: dict[str, Any]) -> None:
        flask.session  # noqa: B018 - the hook runs inside the request
        harness.logins.append((user_id, claims))

    app.register_blueprint(mfa_blueprint(mfa, current_user=current_user, send=send, on_login=on_login), url_prefix="/mfa")
    client = app.test_client()

    def answer(r: Any) -> Answer:
        return Answer(r.status_code, r.get_json(silent=True), r.headers, r.get_data(as_text=True))

    harness = Harness(
        lambda p, d, h: answer(client.post(p, data=d, headers=h)),
        lambda p, h: answer(client.get(p, headers=h)),
    )
    return harness


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> mfakit.Mfa:
    return make_mfa(f"sqlite://{tmp_path_factory.mktemp('routes') / 'mfa.db'}")


@pytest.fixture(params=["fastapi", "flask"])
def web(request: pytest.FixtureRequest, service: mfakit.Mfa) -> Iterator[Harness]:
    yield fastapi_harness(service) if request.param == "fastapi" else flask_harness(service)


def no_code_in(answer: Answer, codes: list[str]) -> None:
    for code in codes:
        assert code not in answer.text


def enrol_totp(web: Harness, user: str) -> tuple[str, list[str]]:
    r = web.post("/mfa/totp/setup", {}, user=user)
    assert r.status == 200, r.body
    assert set(r.body) == {"secret", "uri", "qr_svg", "active", "recovery_codes"}
    assert r.body["active"] is False and r.body["recovery_codes"] is None
    assert f":{user}?" in r.body["uri"] and r.body["qr_svg"].lstrip().startswith("<")
    uri = r.body["uri"]
    r = web.post("/mfa/totp/confirm", {"code": totp_code(uri)}, user=user)
    assert r.status == 200 and r.body["accepted"] and len(r.body["recovery_codes"]) == 10
    return uri, r.body["recovery_codes"]


def test_totp_enrolment_login_and_status(web: Harness, service: mfakit.Mfa) -> None:
    user = unique_user("web")
    uri, codes = enrol_totp(web, user)
    r = web.get("/mfa/status", user=user)
    assert r.status == 200
    assert r.body == {"methods": ["totp", "recovery_code"], "totp_pending": False, "recovery_codes_left": 10, "locked_until": None, "masked": {}}

    # The application's password login opens the challenge; the router completes it.
    challenge = service.start_login(user)
    r = web.post("/mfa/login/verify", {"challenge_id": challenge.id, "method": "totp", "code": totp_code(uri)})
    assert r.status == 401 and r.body["verdict"] == "used" and r.body["claims"] is None
    assert web.logins == []
    r = web.post("/mfa/login/verify", {"challenge_id": challenge.id, "method": "totp", "code": totp_code(uri, 30)})
    assert r.status == 200, r.body
    assert set(r.body) == {"accepted", "verdict", "method", "user_id", "retry_after", "attempts_left", "claims", "recovery_codes", "recovery_codes_left"}
    assert r.body["accepted"] is True and r.body["user_id"] == user and r.body["claims"]["amr"] == ["otp", "mfa"]
    assert web.logins == [(user, r.body["claims"])]
    # Single use over HTTP too.
    r = web.post("/mfa/login/verify", {"challenge_id": challenge.id, "method": "recovery_code", "code": codes[0]})
    assert r.status == 401 and r.body["verdict"] == "used"

    r = web.get("/mfa/audit?limit=3", user=user)
    assert r.status == 200 and len(r.body["events"]) == 3
    assert set(r.body["events"][0]) == {"kind", "method", "at", "outcome"}
    assert web.get("/mfa/audit", user=user).status == 200
    no_code_in(web.get("/mfa/audit?limit=1000", user=user), codes)


def test_email_sms_delivery_through_send_never_in_a_body(web: Harness, service: mfakit.Mfa) -> None:
    user = unique_user("webmail")
    r = web.post("/mfa/email/setup", {"address": "erin@example.com"}, user=user)
    assert r.status == 202 and set(r.body) == {"method", "masked", "expires_at"} and r.body["method"] == "email"
    method, contact, code = web.sent[-1]
    assert (method, contact) == ("email", "erin@example.com") and code not in r.text and contact not in r.text
    r = web.post("/mfa/email/confirm", {"code": code}, user=user)
    assert r.status == 200 and r.body["recovery_codes"]
    r = web.post("/mfa/sms/setup", {"phone": "+15557654321"}, user=user)
    assert r.status == 202 and r.body["method"] == "sms"
    r = web.post("/mfa/sms/confirm", {"code": "000000" if web.last_code() != "000000" else "111111"}, user=user)
    assert r.status == 401 and r.body["verdict"] == "wrong"
    assert web.post("/mfa/sms/confirm", {"code": web.last_code()}, user=user).status == 200

    challenge = service.start_login(user)
    r = web.post("/mfa/login/send", {"challenge_id": challenge.id, "method": "sms"})
    assert r.status == 202 and set(r.body) == {"method", "masked", "expires_at", "resend_after"}
    no_code_in(r, [web.last_code(), "+15557654321"])
    # A resend inside the cooldown: 429 with Retry-After.
    r = web.post("/mfa/login/send", {"challenge_id": challenge.id, "method": "sms"})
    assert r.status == 429 and r.body["code"] == "rate_limited" and int(r.headers["Retry-After"]) > 0
    r = web.post("/mfa/login/verify", {"challenge_id": challenge.id, "method": "sms", "code": web.last_code()})
    assert r.status == 200 and r.body["claims"]["amr"] == ["sms", "mfa"]

    # Step-up by email, then disable (204); without a step-up, 403 step_up_required.
    r = web.post("/mfa/step-up/send", {"method": "email"}, user=user)
    assert r.status == 202 and web.sent[-1][0] == "email"
    r = web.post("/mfa/step-up", {"method": "email", "code": web.last_code()}, user=user)
    assert r.status == 200 and r.body["claims"]["acr"] == "aal1" and web.logins[-1][0] == user
    r = web.post("/mfa/disable", {"method": "sms"}, user=user)
    assert r.status == 204 and r.body is None
    assert web.get("/mfa/status", user=user).body["methods"] == ["email", "recovery_code"]
    for code in {c for _, _, c in web.sent}:
        assert code not in r.text


def test_step_up_required_lockout_and_not_enrolled(web: Harness, service: mfakit.Mfa) -> None:
    user = unique_user("weblock")
    _, codes = enrol_totp(web, user)
    r = web.post("/mfa/disable", {"method": "totp"}, user=user)
    assert r.status == 403 and r.body["code"] == "step_up_required"
    assert r.headers["WWW-Authenticate"] == 'Bearer error="insufficient_user_authentication"'
    r = web.post("/mfa/recovery-codes", {}, user=user)
    assert r.status == 200 and len(r.body["recovery_codes"]) == 10
    fresh = r.body["recovery_codes"]
    for _ in range(3):
        r = web.post("/mfa/step-up", {"method": "recovery_code", "code": codes[0]}, user=user)  # the old set
        assert r.status == 401 and r.body["verdict"] == "wrong"
    r = web.post("/mfa/step-up", {"method": "recovery_code", "code": fresh[0]}, user=user)
    assert r.status == 429 and r.body["verdict"] == "locked"
    assert int(r.headers["Retry-After"]) == r.body["retry_after"] > 0
    assert web.get("/mfa/status", user=user).body["locked_until"] > time.time()
    service.unlock(user)
    assert web.post("/mfa/step-up", {"method": "recovery_code", "code": fresh[0]}, user=user).status == 200

    nobody = unique_user("webnone")
    r = web.post("/mfa/step-up", {"method": "totp", "code": "123456"}, user=nobody)
    assert r.status == 409 and r.body["code"] == "not_enrolled"
    r = web.post("/mfa/totp/confirm", {"code": "123456"}, user=nobody)
    assert r.status in (401, 409)


def test_unauthenticated_and_bad_requests(web: Harness) -> None:
    for path in ("/mfa/totp/setup", "/mfa/totp/confirm", "/mfa/email/setup", "/mfa/step-up", "/mfa/disable", "/mfa/recovery-codes"):
        r = web.post(path, {})
        assert r.status == 401 and r.body["code"] == "unauthenticated", path
    for path in ("/mfa/status", "/mfa/audit"):
        assert web.get(path).status == 401
    user = unique_user("webbad")
    bad: list[tuple[str, bytes | None, Any]] = [
        ("/mfa/totp/confirm", b"{not json", None),
        ("/mfa/totp/confirm", b"[1, 2]", None),
        ("/mfa/totp/confirm", None, {}),
        ("/mfa/totp/confirm", None, {"code": 123456}),
        ("/mfa/totp/setup", None, {"require_verification": "yes"}),
        ("/mfa/totp/setup", None, {"account": 7}),
        ("/mfa/email/setup", None, {"email": "x@example.com"}),
        ("/mfa/sms/setup", None, {"phone": None}),
        ("/mfa/step-up", None, {"method": "totp"}),
        ("/mfa/step-up/send", None, {"method": "totp"}),
        ("/mfa/disable", None, {"method": ["totp"]}),
        ("/mfa/login/verify", None, {"challenge_id": "x", "method": "totp"}),
        ("/mfa/login/send", None, {"challenge_id": 1, "method": "sms"}),
    ]
    for path, raw, body in bad:
        r = web.post(path, body, user=user, raw=raw)
        assert r.status == 400 and r.body["code"] == "bad_request" and r.body["message"], (path, raw, body, r.body)
    # Not JSON by content type (a cross-site form could send that): refused.
    r = web.post("/mfa/recovery-codes", {}, user=user, headers={"Content-Type": "text/plain"})
    assert r.status == 400 and r.body["code"] == "bad_request"
    # Core's own refusals of well-typed input: invalid_parameter, 400.
    r = web.post("/mfa/login/verify", {"challenge_id": "forged.id", "method": "totp", "code": "123456"})
    assert r.status == 400 and r.body["code"] == "invalid_parameter"
    r = web.post("/mfa/step-up", {"method": "fax", "code": "1"}, user=user)
    assert r.status == 400 and r.body["code"] == "invalid_parameter"
    assert web.get("/mfa/audit?limit=abc", user=user).status == 400
    assert web.get("/mfa/audit?limit=0", user=user).body["code"] == "invalid_parameter"


class BrokenStore:
    """Stands in for an Mfa whose store is down (every call: StorageUnavailableError, or
    StorageConflictError), to show the routers' 503."""

    def __init__(self, error: type[mfakit.MfaError]) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise self.error("storage unavailable: connect to db.internal:5432 refused")

        async def afail(*args: Any, **kwargs: Any) -> Any:
            fail()

        return afail if name.startswith("a") else fail


@pytest.mark.parametrize("error", [mfakit.StorageUnavailableError, mfakit.StorageConflictError])
def test_storage_errors_are_503_with_retry_after(error: type[mfakit.MfaError]) -> None:
    broken: Any = BrokenStore(error)
    for harness in (fastapi_harness(broken), flask_harness(broken)):
        r = harness.get("/mfa/status", user="u")
        assert r.status == 503 and r.body["code"] == error.code and r.headers["Retry-After"] == "1"
        assert "db.internal" not in r.text  # infrastructure details stay in the server's logs


def test_fastapi_routes_do_not_block_the_event_loop(service: mfakit.Mfa) -> None:
    """Every handler is a coroutine calling the a-prefixed forms; a sync `send` runs in the
    thread pool."""
    import inspect

    router = mfa_router(service, current_user=lambda: "u", send=lambda m, c, k: None)
    assert router.routes and all(inspect.iscoroutinefunction(r.endpoint) for r in router.routes)  # type: ignore[attr-defined]
    assert {r.path for r in router.routes} == {  # type: ignore[attr-defined]
        "/login/send", "/login/verify", "/totp/setup", "/totp/confirm", "/email/setup", "/sms/setup",
        "/email/confirm", "/sms/confirm", "/step-up/send", "/step-up", "/status", "/disable",
        "/recovery-codes", "/audit",
    }


# -- require_mfa on bearer APIs: RFC 9470 -------------------------------------------------------


def test_require_mfa_bearer_refusals_carry_rfc_9470_challenge() -> None:
    policy = mfakit.StepUpPolicy(level="required", accepted_acr=["aal2"], max_age={"payment": 300})
    stale = {"enrolled_methods": ["totp"], "amr": ["otp"], "acr": "aal2", "mfa_verified_at": int(time.time()) - 3600}
    weak = {"enrolled_methods": ["totp"], "amr": ["pwd"]}
    sessions = {"stale": stale, "weak": weak, "none": {}}

    app = FastAPI()
    install(app)

    def ctx(authorization: str = Header(default=""), x_s: str = Header()) -> dict[str, Any]:
        return sessions[x_s]

    @app.post("/pay", dependencies=[Depends(fastapi_require_mfa(ctx, operation="payment", policy=policy))])
    def pay() -> dict[str, str]:
        return {"ok": "paid"}

    fapp = flask.Flask(__name__)

    @fapp.post("/pay")
    @flask_require_mfa(lambda: sessions[flask.request.headers["X-S"]], operation="payment", policy=policy)
    def fpay() -> Any:
        return {"ok": "paid"}

    clients: list[Callable[[dict[str, str]], Any]] = [
        lambda h: TestClient(app).post("/pay", headers=h),
        lambda h: fapp.test_client().post("/pay", headers=h),
    ]
    for post in clients:
        r = post({"Authorization": "Bearer t", "X-S": "stale"})
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"] == 'Bearer error="insufficient_user_authentication", acr_values="aal2", max_age=300'
        r = post({"Authorization": "Bearer t", "X-S": "weak"})
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"] == 'Bearer error="insufficient_user_authentication", acr_values="aal2"'
        # Cookie sessions get no Bearer challenge; enrolment refusals are not one.
        assert "WWW-Authenticate" not in post({"X-S": "weak"}).headers
        r = post({"Authorization": "Bearer t", "X-S": "none"})
        assert r.status_code == 403 and "WWW-Authenticate" not in r.headers


# -- the README's quickstarts (examples/login_fastapi.py, examples/login_flask.py) ---------------


def load_example(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    import importlib.util

    monkeypatch.setenv("MFA_STORE", f"sqlite://{tmp_path / (name + '.db')}")
    monkeypatch.setenv("MFA_SEALING_KEY", mfakit.SealingKey.generate().to_base64())
    monkeypatch.setenv("MFA_CHALLENGE_KEY", "ab" * 32)
    monkeypatch.setenv("SESSION_SECRET", "test-session-secret")
    path = Path(__file__).resolve().parents[1] / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"mfakit_example_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["login_fastapi", "login_flask"])
def test_quickstart_two_factor_login(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load_example(name, tmp_path, monkeypatch)
    client: Any = TestClient(module.app) if name == "login_fastapi" else module.app.test_client()

    def post(path: str, body: dict[str, Any]) -> Any:
        r = client.post(path, json=body)
        return r.status_code, (r.json() if name == "login_fastapi" else r.get_json())

    alice = {"user": "alice", "password": "correct horse"}
    assert post("/login", {"user": "alice", "password": "nope"})[0] == 401
    # No second factor yet: the password signs in; then enrol TOTP through the router.
    assert post("/login", alice) == (200, {"mfa_required": False})
    status, setup = post("/mfa/totp/setup", {})
    assert status == 200
    status, confirmed = post("/mfa/totp/confirm", {"code": totp_code(setup["uri"])})
    assert status == 200 and confirmed["accepted"]
    # Now the password alone answers 202, and the router's verify completes the login.
    status, challenge = post("/login", alice)
    assert status == 202 and challenge["methods"] == ["totp", "recovery_code"]
    status, verified = post("/mfa/login/verify", {"challenge_id": challenge["challenge_id"], "method": "recovery_code", "code": confirmed["recovery_codes"][0]})
    assert status == 200 and verified["claims"]["amr"] == ["otp", "mfa"]
    assert client.get("/mfa/status").status_code == 200
