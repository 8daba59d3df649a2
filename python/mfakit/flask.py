"""Flask helper: ``require_mfa`` as a view decorator answering 401/403 JSON.

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

from flask import jsonify

from ._native import StepUpPolicy
from ._stepup_web import ContextLike, as_context, evaluator

__all__ = ["require_mfa"]

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
                return jsonify(decision.body()), decision.http_status
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate
