'use strict'
// Express helper (`mfakit/express`): `requireMfa(...)` middleware that lets a request through
// when mfakit's step-up decision allows it, and otherwise answers 401/403 with the same JSON
// body as the Python helpers: { code, error, methods, max_age? }. The decision is the core's
// (StepUp.decide); this file only reads the context and writes the response.

const { StepUp, MfaError } = require('./index.js')

/**
 * @param {object} options
 * @param {(req: any) => object | Promise<object>} options.getClaims the request's AuthContext
 *   (`{ enrolledMethods, roles, amr, acr, mfaVerifiedAt }`), e.g. from the session or token
 * @param {'none'|'optional'|'required'|'admin_only'} [options.level] overrides the policy's level
 * @param {number} [options.maxAge] seconds since the second factor, for `operation`
 * @param {string} [options.operation] operation class (default `sign_in`)
 * @param {object} [options.policy] a StepUpPolicy (default: mfakit's)
 */
function requireMfa(options) {
  const { getClaims, level, maxAge, operation = 'sign_in', policy } = options ?? {}
  if (typeof getClaims !== 'function') {
    throw new MfaError('invalid parameter `getClaims`: must be a function returning the AuthContext', 'invalid_parameter')
  }
  let stepUp = new StepUp(policy)
  if (level !== undefined || maxAge !== undefined) {
    const merged = stepUp.policy
    if (level !== undefined) merged.level = level
    if (maxAge !== undefined) merged.maxAge = { ...merged.maxAge, [operation]: maxAge }
    stepUp = new StepUp(merged)
  }
  return async function requireMfaMiddleware(req, res, next) {
    let decision
    try {
      const context = await getClaims(req)
      decision = stepUp.decide(context ?? {}, operation)
    } catch (err) {
      return next(err)
    }
    if (decision.allowed) return next()
    res.status(decision.httpStatus).json(decision.body)
  }
}

exports.requireMfa = requireMfa
