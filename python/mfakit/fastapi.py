"""FastAPI helpers: ``mfa_router`` (the MFA routes of docs/http.md over an ``mfakit.Mfa``)
and ``require_mfa`` as a dependency answering 401/403 JSON.

    router = mfa_router(mfa, current_user=session_user, send=deliver)
    app.include_router(router, prefix="/mfa")

    from fastapi import Depends, FastAPI
    from mfakit.fastapi import install, require_mfa

    app = FastAPI()
    install(app)  # renders refusals as {"code": ..., "methods": [...], ...}

    def mfa_context(user: User = Depends(current_user)) -> mfakit.AuthContext:
        return mfakit.AuthContext(enrolled_methods=user.mfa_methods, amr=user.session_amr,
                                  mfa_verified_at=user.session_mfa_at)

    @app.post("/payments", dependencies=[Depends(require_mfa(mfa_context, operation="payment"))])
    def pay() -> ...

The context callable is itself a FastAPI dependency (sync or async, with its own
dependencies); it returns an ``AuthContext`` or a mapping of its fields. Needs the
``mfakit[fastapi]`` extra.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from . import _routes
from ._native import AuthContext, Mfa, StepUpDecision, StepUpPolicy
from ._stepup_web import ContextLike, as_context, bearer_challenge, evaluator

__all__ = ["MfaRefused", "install", "mfa_router", "require_mfa"]


class MfaRefused(HTTPException):
    """A step-up refusal: 401 (``mfa_required``, ``mfa_stale``) or 403
    (``mfa_setup_required``); ``decision`` is the core's answer and ``detail`` its JSON body.
    On a bearer-token request it carries RFC 9470's ``WWW-Authenticate`` challenge."""

    def __init__(self, decision: StepUpDecision, www_authenticate: str | None = None) -> None:
        headers = {"WWW-Authenticate": www_authenticate} if www_authenticate else None
        super().__init__(status_code=decision.http_status, detail=decision.body(), headers=headers)
        self.decision = decision


async def _refusal_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MfaRefused)
    return JSONResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


def install(app: FastAPI) -> None:
    """Renders ``MfaRefused`` as the bare JSON body (``{"code": ..., "methods": [...]}``)
    instead of FastAPI's ``{"detail": ...}`` wrapper."""
    app.add_exception_handler(MfaRefused, _refusal_response)


def require_mfa(
    context: Callable[..., Any],
    *,
    level: str | None = None,
    max_age: int | None = None,
    operation: str = "sign_in",
    policy: StepUpPolicy | None = None,
) -> Callable[..., Any]:
    """A dependency that lets the request through when the core's step-up decision allows it
    and raises ``MfaRefused`` otherwise. ``level`` (``none``, ``optional``, ``required``,
    ``admin_only``) and ``max_age`` (seconds since the second factor, for ``operation``)
    override ``policy`` (default: the core's). The dependency's value is the AuthContext."""
    step_up = evaluator(level, max_age, operation, policy)

    def dependency(request: Request, ctx: ContextLike = Depends(context)) -> AuthContext:  # noqa: B008
        auth = as_context(ctx)
        decision = step_up.decide(auth, operation)
        if not decision.allowed:
            raise MfaRefused(decision, bearer_challenge(step_up, decision, request.headers.get("authorization")))
        return auth

    return dependency


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _response(reply: _routes.Reply) -> Response:
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)


def mfa_router(
    mfa: Mfa,
    *,
    current_user: Callable[..., Any],
    send: Callable[[str, str, str], Any],
    on_login: Callable[[Request, str, dict[str, Any]], Any] | None = None,
) -> APIRouter:
    """The MFA routes of docs/http.md as an ``APIRouter``; mount it with
    ``app.include_router(mfa_router(...), prefix="/mfa")``.

    ``current_user`` is a FastAPI dependency (sync or async, with its own dependencies)
    returning the signed-in user's id, or ``None`` (the route answers 401). ``send(method,
    contact, code)`` delivers an email or SMS code (sync: run in the thread pool; async:
    awaited). ``on_login(request, user_id, claims)`` runs after an accepted login or step-up,
    before the answer, to put the claims in the session. Every store call runs off the event
    loop (the ``a``-prefixed forms)."""
    router = APIRouter()

    async def run(route: _routes.Route, request: Request, user: Any) -> Response:
        try:
            if route.signed_in and user is None:
                return _response(_routes.unauthenticated())
            body: dict[str, Any] = {}
            if route.http_method == "POST":
                body = _routes.parse_body(await request.body(), request.headers.get("content-type"))
            call = route.plan(None if user is None else str(user), body, request.query_params)
            result = await getattr(mfa, "a" + call.method)(*call.args, **call.kwargs)
            if call.deliver:
                if inspect.iscoroutinefunction(send):
                    await send(result.method, result.contact, result.code)
                else:
                    await run_in_threadpool(send, result.method, result.contact, result.code)
            if call.login and result.accepted and on_login is not None:
                await _maybe_await(on_login(request, result.user_id, result.claims))
            return _response(call.reply(result))
        except Exception as exc:  # noqa: BLE001 - mapped below, or re-raised
            reply = _routes.error_reply(exc)
            if reply is None:
                raise
            return _response(reply)

    def add(route: _routes.Route) -> None:
        if route.signed_in:

            async def endpoint(request: Request, user: Any = Depends(current_user)) -> Response:  # noqa: B008
                return await run(route, request, user)

        else:

            async def endpoint(request: Request) -> Response:  # type: ignore[misc]
                return await run(route, request, None)

        endpoint.__name__ = "mfa_" + route.path.strip("/").replace("/", "_").replace("-", "_")
        router.add_api_route(route.path, endpoint, methods=[route.http_method], response_class=Response)

    for route in _routes.ROUTES:
        add(route)
    return router
