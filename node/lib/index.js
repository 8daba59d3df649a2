'use strict'
// Entry point of the npm package `mfakit` (CommonJS; index.mjs re-exports it for ESM).
//
// Everything is implemented in Rust (`node/src/`) and loaded through the loader napi-rs
// generates (`native/index.js`). This file only adds what a Rust addon cannot declare:
// the `MfaError` class that every thrown error is an instance of, and `util.inspect`
// output that never shows a secret.

const { inspect } = require('node:util')
const native = require('../native/index.js')

/**
 * Every error mfakit throws. `code` is stable and the same in every mfakit language:
 * `invalid_secret`, `invalid_parameter`, `incompatible_profile`, `invalid_uri`,
 * `invalid_stored_value`, `unknown_key`, `unseal_failed`, `rate_limited`, `qr_too_large`,
 * `not_enrolled`, `step_up_required`, `storage_unavailable`, `storage_conflict`, `internal`.
 * A wrong code is never an error: verification returns `null` (or a verdict, for `Mfa`).
 */
class MfaError extends Error {
  constructor(message, code) {
    super(message)
    this.code = code
  }

  get name() {
    return 'MfaError'
  }
}

/** The codes `MfaError#code` can take. */
MfaError.CODES = Object.freeze(native.errorCodes())

// The native side constructs its errors with this class (see node/src/error.rs).
native.__registerErrorClass(MfaError)

// `verify` results cross from Rust as one number, `step * 4096 + drift + 2048`
// (`__verifyPacked`), and become `{ step, drift }` here: an object literal is built on V8's
// fast path, where building it through N-API cost a fifth of a verification. A step too large
// to pack arrives as the object itself. The constants are MATCH_BASE and MATCH_OFFSET in
// node/src/otp.rs.
function unpackMatch(packed) {
  if (typeof packed !== 'number') return packed
  return { step: Math.floor(packed / 4096), drift: (packed % 4096) - 2048 }
}
Object.defineProperty(native.Totp.prototype, 'verify', {
  value: function verify(code, options) {
    return unpackMatch(this.__verifyPacked(code, options))
  },
  writable: true,
  configurable: true,
})
Object.defineProperty(native.Hotp.prototype, 'verify', {
  value: function verify(code, counter, options) {
    return unpackMatch(this.__verifyPacked(code, counter, options))
  },
  writable: true,
  configurable: true,
})

// Objects holding a secret (and the others, for a consistent look) show their redacted
// `toString()` when logged.
const DESCRIBED = [
  'Totp', 'Hotp', 'OtpAuthUri', 'RecoveryCodeSet', 'NewRecoveryCodes', 'ChallengeKey',
  'OtpChallenge', 'IssuedChallenge', 'Decision', 'AttemptState', 'RateState',
  'RateLimiter', 'SealingKey', 'Keyring', 'Mfa', 'TotpSetup', 'CodeToSend',
]
for (const cls of DESCRIBED.map((name) => native[name])) {
  Object.defineProperty(cls.prototype, inspect.custom, {
    value: function inspectRedacted() {
      return this.toString()
    },
  })
}

// The service's fresh recovery codes are read explicitly (`result.recoveryCodes`) but left
// out of `util.inspect` and `JSON.stringify`, so that logging a verification shows no code.
function hideRecoveryCodes(verification) {
  if (verification.recoveryCodes != null) {
    Object.defineProperty(verification, 'recoveryCodes', { enumerable: false })
  }
  return verification
}
for (const name of ['confirmTotp', 'confirmContact', 'verify', 'stepUp']) {
  const call = native.Mfa.prototype[name]
  Object.defineProperty(native.Mfa.prototype, name, {
    value: {
      [name](...args) {
        return call.apply(this, args).then(hideRecoveryCodes)
      },
    }[name],
    writable: true,
    configurable: true,
  })
}

exports.MfaError = MfaError
// OTP
exports.Totp = native.Totp
exports.Hotp = native.Hotp
exports.OtpAuthUri = native.OtpAuthUri
exports.randomSecret = native.randomSecret
exports.decodeSecret = native.decodeSecret
exports.encodeSecret = native.encodeSecret
exports.qrSvg = native.qrSvg
exports.qrPng = native.qrPng
exports.qrTerminal = native.qrTerminal
// Recovery codes
exports.RecoveryCodeSet = native.RecoveryCodeSet
exports.NewRecoveryCodes = native.NewRecoveryCodes
exports.normalizeRecoveryCode = native.normalizeRecoveryCode
// Email / SMS challenges
exports.ChallengeKey = native.ChallengeKey
exports.OtpChallenge = native.OtpChallenge
exports.IssuedChallenge = native.IssuedChallenge
exports.maskEmail = native.maskEmail
exports.maskPhone = native.maskPhone
// Attempt and rate limiting, brute-force bound
exports.AttemptLimiter = native.AttemptLimiter
exports.AttemptState = native.AttemptState
exports.Decision = native.Decision
exports.RateLimiter = native.RateLimiter
exports.RateState = native.RateState
exports.maxAttackerGuesses = native.maxAttackerGuesses
exports.attackerSuccessProbability = native.attackerSuccessProbability
// Step-up
exports.StepUp = native.StepUp
// The MFA service (per-user records in SQLite, PostgreSQL or Redis)
exports.Mfa = native.Mfa
exports.TotpSetup = native.TotpSetup
exports.CodeToSend = native.CodeToSend
// Sealed secrets
exports.SealingKey = native.SealingKey
exports.Keyring = native.Keyring
exports.sealedKeyId = native.sealedKeyId
// Test-only: panics inside Rust (sync and on the thread pool) become MfaError code `internal`.
exports.__debugPanic = native.__debugPanic
exports.__debugPanicAsync = native.__debugPanicAsync
