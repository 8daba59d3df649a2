"""Flask helpers: ``mfa_blueprint`` (the MFA routes of docs/http.md over an ``mfakit.Mfa``)
and ``require_mfa`` as a view decorator answering 401/403 JSON.

    app.register_blueprint(mfa_blueprint(mfa, current_user=session_user, send=deliver),
                           url_prefix="/mfa")

    from mfakit.flask import require_mfa

    def mfa_context() -> mfakit.AuthContext:
        return mfakit.AuthContext(enrolled_methods=g.user.mfa_methods,
                                  amr=session.get("amr", []),
                                  mfa_verified_at=session.get("mfa_at"))

    @app.post("/payments")
    @require_mfa(mfa_context, operation="payment")
    def pay(): ...

A refusal answers ``{"code": ..., "methods": [...], ...}`` with status 401 (``mfa_required``,
``mfa_stale``) or 403 (``mfa_setup_required``). Needs the ``mfakit[flask]`` extra.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Blueprint, Request, Response, jsonify, request

from . import _routes
from ._native import Mfa, StepUpPolicy
from ._stepup_web import ContextLike, as_context, bearer_challenge, evaluator

__all__ = ["mfa_blueprint", "require_mfa"]

F = TypeVar("F", bound=Callable[..., Any])


def require_mfa(
    context: Callable[[], ContextLike],
    *,
    level: str | None = None,
    max_age: int | None = None,
    operation: str = "sign_in",
    policy: StepUpPolicy | None = None,
) -> Callable[[F], F]:
    """Decorates a view: runs it when the core's step-up decision allows the request, else
    answers the refusal's JSON body and status. ``context`` reads the current user and
    session (``flask.g``, ``flask.session``, token claims) into an AuthContext or a mapping
    of its fields. ``level`` and ``max_age`` override ``policy`` (default: the core's)."""
    step_up = evaluator(level, max_age, operation, policy)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            decision = step_up.decide(as_context(context()), operation)
            if not decision.allowed:
                refusal = jsonify(decision.body())
                refusal.status_code = decision.http_status
                challenge = bearer_challenge(step_up, decision, request.headers.get("Authorization"))
                if challenge:
                    refusal.headers["WWW-Authenticate"] = challenge
                return refusal
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def _response(reply: _routes.Reply) -> Response:
    if reply.body is None:
        response = Response(status=reply.status)
    else:
        response = jsonify(reply.body)
        response.status_code = reply.status
    response.headers.update(reply.headers)
    return response


def mfa_blueprint(
    mfa: Mfa,
    *,
    current_user: Callable[[], Any],
    send: Callable[[str, str, str], Any],
    on_login: Callable[[Request, str, dict[str, Any]], Any] | None = None,
    name: str = "mfakit",
) -> Blueprint:
    """The MFA routes of docs/http.md as a ``Blueprint``; register it with
    ``app.register_blueprint(mfa_blueprint(...), url_prefix="/mfa")``.

    ``current_user()`` returns the signed-in user's id (from ``flask.session``, ``flask.g``,
    a token), or ``None`` (the route answers 401). ``send(method, contact, code)`` delivers
    an email or SMS code. ``on_login(request, user_id, claims)`` runs after an accepted login
    or step-up, before the answer, to put the claims in ``flask.session``. Store calls release
    the GIL."""
    blueprint = Blueprint(name, __name__)

    def run(route: _routes.Route) -> Response:
        try:
            user = current_user() if route.signed_in else None
            if route.signed_in and user is None:
                return _response(_routes.unauthenticated())
            body: dict[str, Any] = {}
            if route.http_method == "POST":
                body = _routes.parse_body(request.get_data(cache=False), request.headers.get("Content-Type"))
            call = route.plan(None if user is None else str(user), body, request.args)
            result = getattr(mfa, call.method)(*call.args, **call.kwargs)
            if call.deliver:
                send(result.method, result.contact, result.code)
            if call.login and result.accepted and on_login is not None:
                on_login(request, result.user_id, result.claims)
            return _response(call.reply(result))
        except Exception as exc:  # noqa: BLE001 - mapped below, or re-raised
            reply = _routes.error_reply(exc)
            if reply is None:
                raise
            return _response(reply)

    for route in _routes.ROUTES:
        endpoint = "mfa_" + route.path.strip("/").replace("/", "_").replace("-", "_")
        blueprint.add_url_rule(route.path, endpoint, functools.partial(run, route), methods=[route.http_method])
    return blueprint
