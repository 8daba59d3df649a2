// Types of `mfakit/express`. Structural, so that `express` stays an optional peer dependency.
import type { AuthContext, StepUpPolicy } from './index'

export interface RequireMfaOptions<Req> {
  /** The request's AuthContext (`{ enrolledMethods, roles, amr, acr, mfaVerifiedAt }`). */
  getClaims: (req: Req) => AuthContext | Promise<AuthContext>
  /** Overrides the policy's level. */
  level?: 'none' | 'optional' | 'required' | 'admin_only'
  /** Maximum seconds since the second factor was verified, for `operation`. */
  maxAge?: number
  /** Operation class (default `'sign_in'`). */
  operation?: string
  /** The step-up policy (default: mfakit's). */
  policy?: StepUpPolicy
}

/** The JSON body of a refusal (401 `mfa_required`/`mfa_stale`, 403 `mfa_setup_required`). */
export interface MfaRefusalBody {
  code: 'mfa_setup_required' | 'mfa_required' | 'mfa_stale'
  error: 'mfa_setup_required' | 'mfa_required' | 'mfa_stale'
  methods: string[]
  max_age?: number
}

export interface JsonResponse {
  status(code: number): { json(body: MfaRefusalBody): unknown }
}

/**
 * Middleware that lets the request through when mfakit's step-up decision allows it, and
 * answers 401/403 with `MfaRefusalBody` otherwise. Errors from `getClaims` go to `next`.
 */
export declare function requireMfa<Req = unknown>(
  options: RequireMfaOptions<Req>,
): (req: Req, res: JsonResponse, next: (err?: unknown) => void) => Promise<void>
