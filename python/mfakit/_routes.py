"""The HTTP contract of the MFA routes (docs/http.md), framework-neutral.

``ROUTES`` lists each path: which ``Mfa`` method it calls with which arguments (read from the
JSON body, the query string and the signed-in user), and how the result becomes a status and
a JSON body. ``mfakit.fastapi.mfa_router`` (through the ``a``-prefixed async forms) and
``mfakit.flask.mfa_blueprint`` (the blocking forms) only move requests and responses; every
decision about codes stays in the Rust core. Codes go to the application's ``send`` callback,
never into a body.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._native import CodeToSend, MfaError, MfaStatus, TotpSetup, Verification

# RFC 9470 section 3: the challenge of a refusal that a fresh authentication would lift.
STEP_UP_CHALLENGE = 'Bearer error="insufficient_user_authentication"'

# docs/http.md, "Errors": the status of each stable code (anything else is 500).
_STATUS = {
    "bad_request": 400,
    "invalid_parameter": 400,
    "unauthenticated": 401,
    "step_up_required": 403,
    "not_enrolled": 409,
    "rate_limited": 429,
    "storage_unavailable": 503,
    "storage_conflict": 503,
}


@dataclass
class Reply:
    """A status, a JSON body (``None``: no body, as for 204) and extra headers."""

    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)


class BadRequest(Exception):
    """Malformed JSON, a missing field or a wrong type: ``400 {"code": "bad_request"}``."""


def unauthenticated() -> Reply:
    return Reply(401, {"code": "unauthenticated", "message": "sign in first"})


def error_reply(exc: Exception) -> Reply | None:
    """The reply for a ``BadRequest`` or an ``MfaError``; ``None`` for anything else (the
    framework's own 500)."""
    if isinstance(exc, BadRequest):
        return Reply(400, {"code": "bad_request", "message": str(exc)})
    if not isinstance(exc, MfaError):
        return None
    code = str(getattr(exc, "code", "internal"))
    status = _STATUS.get(code, 500)
    # Core's messages hold no secret, but a 5xx one may describe the infrastructure.
    message = str(exc) if status < 500 else "the MFA store is unavailable; retry" if status == 503 else "internal error"
    reply = Reply(status, {"code": code, "message": message})
    if code == "rate_limited":
        reply.headers["Retry-After"] = str(max(1, math.ceil(float(getattr(exc, "retry_after", 1)))))
    elif status == 503:
        reply.headers["Retry-After"] = "1"
    elif code == "step_up_required":
        reply.headers["WWW-Authenticate"] = STEP_UP_CHALLENGE
    return reply


def parse_body(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The JSON object of a POST. ``application/json`` is required (also for ``{}``): a
    cross-site form cannot send it without a CORS preflight, so a cookie-session application
    gets no CSRF through these routes."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime != "application/json" and not (mime.startswith("application/") and mime.endswith("+json")):
        raise BadRequest("the body must be JSON (Content-Type: application/json)")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _str(body: Mapping[str, Any], name: str) -> str:
    if name not in body:
        raise BadRequest(f"missing field `{name}`")
    value = body[name]
    if not isinstance(value, str):
        raise BadRequest(f"`{name}` must be a string")
    return value


def _opt(body: Mapping[str, Any], name: str, kind: type, default: Any) -> Any:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise BadRequest(f"`{name}` must be a {'boolean' if kind is bool else 'string'}")
    return value


def _limit(query: Mapping[str, str]) -> int:
    raw = query.get("limit", "50")
    if not raw.isdigit() or len(raw) > 6:
        raise BadRequest("`limit` must be a positive integer")
    return int(raw)


# -- results to bodies --------------------------------------------------------------------------


def verification(v: Verification) -> Reply:
    body = {
        "accepted": v.accepted,
        "verdict": v.verdict,
        "method": v.method,
        "user_id": v.user_id,
        "retry_after": v.retry_after,
        "attempts_left": v.attempts_left,
        "claims": v.claims,
        "recovery_codes": v.recovery_codes,
        "recovery_codes_left": v.recovery_codes_left,
    }
    if v.accepted:
        return Reply(200, body)
    if v.verdict == "locked":
        return Reply(429, body, {"Retry-After": str(max(1, v.retry_after))})
    return Reply(401, body)


def code_sent(c: CodeToSend) -> Reply:
    return Reply(202, {"method": c.method, "masked": c.masked, "expires_at": c.expires_at, "resend_after": c.resend_after})


def contact_setup(c: CodeToSend) -> Reply:
    return Reply(202, {"method": c.method, "masked": c.masked, "expires_at": c.expires_at})


def totp_setup(s: TotpSetup) -> Reply:
    return Reply(
        200,
        {"secret": s.secret, "uri": s.uri, "qr_svg": s.qr_svg(), "active": s.active, "recovery_codes": s.recovery_codes},
    )


def status(s: MfaStatus) -> Reply:
    return Reply(
        200,
        {
            "methods": s.methods,
            "totp_pending": s.totp_pending,
            "recovery_codes_left": s.recovery_codes_left,
            "locked_until": s.locked_until,
            "masked": s.masked,
        },
    )


def audit(events: list[Any]) -> Reply:
    return Reply(200, {"events": [{"kind": e.kind, "method": e.method, "at": e.at, "outcome": e.outcome} for e in events]})


# -- the routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One ``Mfa`` call: its (blocking) method name and arguments, how its result becomes a
    reply, whether the result is a code to ``send``, and whether an accepted result completes
    a login (``on_login``)."""

    method: str
    args: tuple[Any, ...]
    reply: Callable[[Any], Reply]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    deliver: bool = False
    login: bool = False


Plan = Callable[[str | None, Mapping[str, Any], Mapping[str, str]], Call]


@dataclass(frozen=True)
class Route:
    """An HTTP method and path (below the mount prefix), whether it needs a signed-in user,
    and the plan from (user, body, query) to the call."""

    http_method: str
    path: str
    signed_in: bool
    plan: Plan


def _user(user: str | None) -> str:
    assert user is not None  # signed_in routes run only with a user
    return user


def _contact_method(body: Mapping[str, Any]) -> str:
    method = _str(body, "method")
    if method not in ("email", "sms"):
        raise BadRequest("`method` must be \"email\" or \"sms\"")
    return method


def _contact(method: str, field_name: str) -> Route:
    def plan(user: str | None, body: Mapping[str, Any], _q: Mapping[str, str]) -> Call:
        return Call(f"setup_{method}", (_user(user), _str(body, field_name)), contact_setup, deliver=True)

    return Route("POST", f"/{method}/setup", True, plan)


def _confirm(method: str) -> Route:
    def plan(user: str | None, body: Mapping[str, Any], _q: Mapping[str, str]) -> Call:
        return Call("confirm_contact", (_user(user), method, _str(body, "code")), verification)

    return Route("POST", f"/{method}/confirm", True, plan)


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        "/login/send",
        False,
        lambda _u, b, _q: Call("send_code", (_str(b, "challenge_id"), _contact_method(b)), code_sent, deliver=True),
    ),
    Route(
        "POST",
        "/login/verify",
        False,
        lambda _u, b, _q: Call(
            "verify", (_str(b, "challenge_id"), _str(b, "method"), _str(b, "code")), verification, login=True
        ),
    ),
    Route(
        "POST",
        "/totp/setup",
        True,
        lambda u, b, _q: Call(
            "setup_totp",
            (_user(u), _opt(b, "account", str, _user(u))),
            totp_setup,
            kwargs={"require_verification": _opt(b, "require_verification", bool, True)},
        ),
    ),
    Route("POST", "/totp/confirm", True, lambda u, b, _q: Call("confirm_totp", (_user(u), _str(b, "code")), verification)),
    _contact("email", "address"),
    _contact("sms", "phone"),
    _confirm("email"),
    _confirm("sms"),
    Route(
        "POST",
        "/step-up/send",
        True,
        lambda u, b, _q: Call("send_step_up_code", (_user(u), _contact_method(b)), code_sent, deliver=True),
    ),
    Route(
        "POST",
        "/step-up",
        True,
        lambda u, b, _q: Call("step_up", (_user(u), _str(b, "method"), _str(b, "code")), verification, login=True),
    ),
    Route("GET", "/status", True, lambda u, _b, _q: Call("status", (_user(u),), status)),
    Route(
        "POST",
        "/disable",
        True,
        lambda u, b, _q: Call("disable", (_user(u), _str(b, "method")), lambda _: Reply(204, None)),
    ),
    Route(
        "POST",
        "/recovery-codes",
        True,
        lambda u, _b, _q: Call(
            "regenerate_recovery_codes", (_user(u),), lambda codes: Reply(200, {"recovery_codes": codes})
        ),
    ),
    Route("GET", "/audit", True, lambda u, _b, q: Call("audit", (_user(u), _limit(q)), audit)),
)
