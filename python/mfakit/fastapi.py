"""FastAPI helper: ``require_mfa`` as a dependency answering 401/403 JSON.

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

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from ._native import AuthContext, StepUpDecision, StepUpPolicy
from ._stepup_web import ContextLike, as_context, evaluator

__all__ = ["MfaRefused", "install", "require_mfa"]


class MfaRefused(HTTPException):
    """A step-up refusal: 401 (``mfa_required``, ``mfa_stale``) or 403
    (``mfa_setup_required``); ``decision`` is the core's answer and ``detail`` its JSON body."""

    def __init__(self, decision: StepUpDecision) -> None:
        super().__init__(status_code=decision.http_status, detail=decision.body())
        self.decision = decision


async def _refusal_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MfaRefused)
    return JSONResponse(exc.detail, status_code=exc.status_code)


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

    def dependency(ctx: ContextLike = Depends(context)) -> AuthContext:  # noqa: B008
        auth = as_context(ctx)
        decision = step_up.decide(auth, operation)
        if not decision.allowed:
            raise MfaRefused(decision)
        return auth

    return dependency
