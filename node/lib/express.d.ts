// Types of `mfakit/express`. Structural, so that `express` stays an optional peer dependency.
import type { AuthContext, StepUpPolicy, Mfa } from './index'

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
  /**
   * Whether refusals carry the RFC 9470 `WWW-Authenticate: Bearer
   * error="insufficient_user_authentication"` header (default: when the request has an
   * `Authorization: Bearer` header).
   */
  bearer?: boolean
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
  set(field: string, value: string): unknown
}

/**
 * Middleware that lets the request through when mfakit's step-up decision allows it, and
 * answers 401/403 with `MfaRefusalBody` otherwise. Errors from `getClaims` go to `next`.
 */
export declare function requireMfa<Req = unknown>(
  options: RequireMfaOptions<Req>,
): (req: Req, res: JsonResponse, next: (err?: unknown) => void) => Promise<void>

/** The RFC 9470 (section 3) `WWW-Authenticate` challenge for an insufficient authentication. */
export declare function insufficientUserAuthentication(options?: {
  acrValues?: string[]
  maxAge?: number | null
  description?: string
}): string

/** Session claims as the routes answer them (snake_case, as in every mfakit language). */
export interface MfaClaims {
  amr: string[]
  acr: string
  auth_time: number
}

export interface MfaRouterOptions<Req, Res> {
  /** The service. */
  mfa: Mfa
  /** The signed-in user's id, or null/undefined when nobody is signed in (401 `unauthenticated`). */
  getUserId: (req: Req) => string | null | undefined | Promise<string | null | undefined>
  /** Delivers an email or SMS code; awaited before the route answers. Never log `code`. */
  send: (method: 'email' | 'sms', contact: string, code: string) => unknown
  /** Called and awaited after an accepted login or step-up, before the answer: put the claims in the session or token here. */
  onLogin?: (userId: string, claims: MfaClaims, req: Req, res: Res) => unknown
  /** Told of unexpected errors (answered 500 `internal`); default `console.error`. */
  onError?: (err: unknown, req: Req) => void
}

/**
 * The MFA routes of docs/http.md (setup and confirmation of TOTP, email and SMS; login send
 * and verify; step-up; status; disable; recovery codes; audit) as an Express router:
 * `app.use('/mfa', mfaRouter({ mfa, getUserId, send }))`.
 */
// The return type is Express's `Router`, typed structurally so that `express` stays optional.
export declare function mfaRouter<Req = any, Res = any>(
  options: MfaRouterOptions<Req, Res>,
): (req: Req, res: Res, next: (err?: unknown) => void) => void
