"""What the FastAPI and Flask ``require_mfa`` helpers share: building the evaluator from the
helper's arguments, reading the application's context, and the bearer challenge. The decision
and the challenge's text are the core's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._native import AuthContext, StepUp, StepUpDecision, StepUpPolicy

ContextLike = AuthContext | Mapping[str, Any]


def evaluator(level: str | None, max_age: int | None, operation: str, policy: StepUpPolicy | None) -> StepUp:
    """A StepUp for `policy` (default: the core's), with `level` and `max_age` (seconds, for
    `operation`) overriding it when given."""
    base = policy or StepUpPolicy()
    if level is None and max_age is None:
        return StepUp(base)
    ages = dict(base.max_age)
    if max_age is not None:
        ages[operation] = max_age
    return StepUp(
        StepUpPolicy(
            level=level or base.level,
            admin_roles=base.admin_roles,
            max_age=ages,
            accepted_amr=base.accepted_amr,
            accepted_acr=base.accepted_acr,
            setup_methods=base.setup_methods,
        )
    )


def bearer_challenge(step_up: StepUp, decision: StepUpDecision, authorization: str | None) -> str | None:
    """RFC 9470's ``WWW-Authenticate`` value when the request is a bearer-token one
    (``Authorization: Bearer ...``); a cookie session gets none (no Bearer challenge there)."""
    if not authorization or not authorization[:7].lower() == "bearer ":
        return None
    return step_up.www_authenticate(decision)


def as_context(value: ContextLike) -> AuthContext:
    """An AuthContext, or a mapping of its fields (e.g. decoded token claims)."""
    if isinstance(value, AuthContext):
        return value
    return AuthContext(**value)
