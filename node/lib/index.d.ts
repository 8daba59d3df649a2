// Types of `mfakit`. Everything but `MfaError` is generated from the Rust docs by napi-rs
// into ../native/index.d.ts.
export * from '../native/index'

/** The stable error codes, the same in every mfakit language. */
export type MfaErrorCode =
  | 'invalid_secret'
  | 'invalid_parameter'
  | 'incompatible_profile'
  | 'invalid_uri'
  | 'invalid_stored_value'
  | 'unknown_key'
  | 'unseal_failed'
  | 'rate_limited'
  | 'qr_too_large'
  | 'not_enrolled'
  | 'step_up_required'
  | 'storage_unavailable'
  | 'storage_conflict'
  | 'internal'

/** A second factor of the MFA service (`Mfa`). */
export type MfaMethod = 'totp' | 'email' | 'sms' | 'recovery_code'

/**
 * Every error mfakit throws (malformed configuration, secrets, URIs or stored values; rate
 * limiting; a method not enrolled; a step-up needed; the store unreachable or contended;
 * internal bugs). A wrong code is never an error: verification returns `null`.
 */
export declare class MfaError extends Error {
  constructor(message: string, code: MfaErrorCode)
  /** Stable machine-readable code. */
  readonly code: MfaErrorCode
  /** Seconds to wait, for `rate_limited`. */
  readonly retryAfter?: number
  readonly name: 'MfaError'
  /** Every code `code` can take. */
  static readonly CODES: readonly MfaErrorCode[]
}
