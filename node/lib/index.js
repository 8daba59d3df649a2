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

// `verify` results cross from Rust as one number, `step * 4096 + drift + 2048`, and become
// `{ step, drift }` here: an object literal is built on V8's fast path, where building it
// through N-API cost a fifth of a verification. A step too large to pack arrives as the object
// itself. The constants are OtpMatch::PACK_BASE and PACK_OFFSET in core/src/otp.rs.
function unpackMatch(packed) {
  if (typeof packed !== 'number') return packed
  return { step: Math.floor(packed / 4096), drift: (packed % 4096) - 2048 }
}

// The options of `verify` and `verifyTotp` are read here, and when the numbers among them are
// non-negative numbers or not given (as a server passes them), they cross to Rust as plain
// numbers (`-1`: not given; `__verifyNumbers`, `__verifyTotpNumbers`). Reading an options
// object through N-API cost more than the HMACs (see `verify_numbers` in node/src/otp.rs).
// Rust checks every number it receives and throws the same `MfaError`s; any other value (a
// `Date`, a bigint, `{ behind, ahead }`, a wrong type) goes to the Rust method whole, which
// reads the options again and answers or throws as before.

/** A number option for the fast path: -1 if not given, the number if it is a non-negative
 *  number, else undefined (the ordinary path). */
function numberOption(value) {
  if (value === undefined || value === null) return -1
  return typeof value === 'number' && value >= 0 ? value : undefined
}

const verifyOptions = native.Totp.prototype.verify
Object.defineProperty(native.Totp.prototype, 'verify', {
  value: function verify(code, options) {
    if (options === undefined || options === null) return unpackMatch(this.__verifyNumbers(code, -1, -1, -1))
    if (typeof options === 'object') {
      const at = numberOption(options.at)
      const window = numberOption(options.window)
      const afterStep = numberOption(options.afterStep)
      if (at !== undefined && window !== undefined && afterStep !== undefined) {
        return unpackMatch(this.__verifyNumbers(code, at, window, afterStep))
      }
    }
    return verifyOptions.call(this, code, options)
  },
  writable: true,
  configurable: true,
})

/** See `verifyTotp` in index.d.ts (node/src/otp.rs). */
function verifyTotp(secret, code, options) {
  if (options === undefined || options === null) {
    return unpackMatch(native.__verifyTotpNumbers(secret, code, -1, -1, -1, -1, -1, undefined, -1))
  }
  if (typeof options === 'object') {
    const at = numberOption(options.at)
    const window = numberOption(options.window)
    const afterStep = numberOption(options.afterStep)
    const digits = numberOption(options.digits)
    const period = numberOption(options.period)
    const t0 = numberOption(options.t0)
    if (at !== undefined && window !== undefined && afterStep !== undefined && digits !== undefined && period !== undefined && t0 !== undefined) {
      return unpackMatch(native.__verifyTotpNumbers(secret, code, at, window, afterStep, digits, period, options.algorithm, t0))
    }
  }
  return native.verifyTotp(secret, code, options)
}

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
exports.verifyTotp = verifyTotp
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
