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
 * `internal`. A wrong code is never an error: verification returns `null`.
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

// Objects holding a secret show their redacted `toString()` when logged.
for (const cls of [native.Totp, native.Hotp, native.OtpAuthUri]) {
  Object.defineProperty(cls.prototype, inspect.custom, {
    value: function inspectRedacted() {
      return this.toString()
    },
  })
}

exports.MfaError = MfaError
exports.Totp = native.Totp
exports.Hotp = native.Hotp
exports.OtpAuthUri = native.OtpAuthUri
exports.randomSecret = native.randomSecret
exports.decodeSecret = native.decodeSecret
exports.encodeSecret = native.encodeSecret
exports.qrSvg = native.qrSvg
exports.qrPng = native.qrPng
exports.qrTerminal = native.qrTerminal
// Test-only: throws from inside a Rust panic to show it becomes MfaError code `internal`.
exports.__debugPanic = native.__debugPanic
