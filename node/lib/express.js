'use strict'
// Express helpers (`mfakit/express`):
//
// - `requireMfa(...)` middleware that lets a request through when mfakit's step-up decision
//   allows it, and otherwise answers 401/403 with the same JSON body as the Python helpers:
//   { code, methods, max_age? } (plus the RFC 9470 `WWW-Authenticate` header on bearer APIs).
// - `mfaRouter(...)`, the MFA routes of docs/http.md over an `Mfa` service.
//
// Every decision is the core's (StepUp.decide, the Mfa service); this file only reads
// requests, checks JSON shapes and writes responses.

const { StepUp, MfaError, Mfa } = require('./index.js')

/** RFC 9470 section 3: the challenge a resource server sends when the authentication of the
 *  token's user is not enough (too weak or too old). */
function insufficientUserAuthentication({ acrValues, maxAge, description } = {}) {
  const parts = ['Bearer error="insufficient_user_authentication"']
  if (description) parts.push(`error_description="${description}"`)
  if (acrValues && acrValues.length) parts.push(`acr_values="${acrValues.join(' ')}"`)
  if (maxAge !== undefined && maxAge !== null) parts.push(`max_age="${maxAge}"`)
  return parts.join(', ')
}

const DESCRIPTIONS = {
  mfa_setup_required: 'A second factor must be set up',
  mfa_required: 'A second factor is required',
  mfa_stale: 'A more recent second factor is required',
}

function isBearer(req) {
  const auth = req.headers && req.headers.authorization
  return typeof auth === 'string' && /^bearer\s/i.test(auth)
}

/**
 * @param {object} options
 * @param {(req: any) => object | Promise<object>} options.getClaims the request's AuthContext
 *   (`{ enrolledMethods, roles, amr, acr, mfaVerifiedAt }`), e.g. from the session or token
 * @param {'none'|'optional'|'required'|'admin_only'} [options.level] overrides the policy's level
 * @param {number} [options.maxAge] seconds since the second factor, for `operation`
 * @param {string} [options.operation] operation class (default `sign_in`)
 * @param {object} [options.policy] a StepUpPolicy (default: mfakit's)
 * @param {boolean} [options.bearer] whether refusals carry the RFC 9470 `WWW-Authenticate`
 *   header (default: when the request has an `Authorization: Bearer` header)
 */
function requireMfa(options) {
  const { getClaims, level, maxAge, operation = 'sign_in', policy, bearer } = options ?? {}
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
  const { acceptedAcr, maxAge: maxAges } = stepUp.policy
  return async function requireMfaMiddleware(req, res, next) {
    let decision
    try {
      const context = await getClaims(req)
      decision = stepUp.decide(context ?? {}, operation)
    } catch (err) {
      return next(err)
    }
    if (decision.allowed) return next()
    if (bearer ?? isBearer(req)) {
      res.set('WWW-Authenticate', insufficientUserAuthentication({
        acrValues: acceptedAcr,
        maxAge: decision.maxAge ?? maxAges[operation],
        description: DESCRIPTIONS[decision.code],
      }))
    }
    res.status(decision.httpStatus).json(decision.body)
  }
}

// ---------------------------------------------------------------------------------------------
// mfaRouter: the HTTP contract of docs/http.md
// ---------------------------------------------------------------------------------------------

/** A refusal of the request itself: 400 `bad_request` or 401 `unauthenticated`. */
class HttpRefusal extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

const badRequest = (message) => new HttpRefusal(400, 'bad_request', message)

/** The status of each stable error code, as docs/http.md lists them. */
const ERROR_STATUS = {
  bad_request: 400,
  invalid_parameter: 400,
  unauthenticated: 401,
  step_up_required: 403,
  not_enrolled: 409,
  rate_limited: 429,
  storage_unavailable: 503,
  storage_conflict: 503,
}

const VERDICT_STATUS = { accepted: 200, wrong: 401, expired: 401, used: 401, exhausted: 401, locked: 429 }

function field(body, name, type, { optional = false } = {}) {
  const value = body[name]
  if (value === undefined || value === null) {
    if (optional) return undefined
    throw badRequest(`missing field \`${name}\``)
  }
  if (typeof value !== type) throw badRequest(`field \`${name}\` must be a ${type}`)
  return value
}

function jsonBody(req) {
  const body = req.body
  if (body === undefined) return {}
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the body must be a JSON object')
  }
  return body
}

/** A verification as the JSON body of docs/http.md ("A verification"). */
function verificationBody(v) {
  return {
    accepted: v.accepted,
    verdict: v.verdict,
    method: v.method,
    user_id: v.userId,
    retry_after: v.retryAfter,
    attempts_left: v.attemptsLeft,
    claims: v.claims && { amr: v.claims.amr, acr: v.claims.acr, auth_time: v.claims.authTime },
    recovery_codes: v.recoveryCodes,
    recovery_codes_left: v.recoveryCodesLeft,
  }
}

function sentBody(sent, withResend) {
  const body = { method: sent.method, masked: sent.masked, expires_at: sent.expiresAt }
  if (withResend) body.resend_after = sent.resendAfter
  return body
}

function contactMethod(body) {
  const method = field(body, 'method', 'string')
  if (method !== 'email' && method !== 'sms') throw badRequest('field `method` must be "email" or "sms"')
  return method
}

/**
 * The MFA routes of docs/http.md, to mount under a prefix of the application's choice:
 * `app.use('/mfa', mfaRouter({ mfa, getUserId, send, onLogin }))`.
 *
 * @param {object} options
 * @param {Mfa} options.mfa the service
 * @param {(req: any) => string | null | undefined | Promise<string | null | undefined>} options.getUserId
 *   the signed-in user's id, or null/undefined (the route then answers 401 `unauthenticated`)
 * @param {(method: 'email'|'sms', contact: string, code: string) => unknown} options.send
 *   delivers an email or SMS code (awaited before answering); codes never appear in a body
 * @param {(userId: string, claims: object, req: any, res: any) => unknown} [options.onLogin]
 *   called (and awaited) after an accepted login or step-up, before the answer, to put the
 *   claims (`{ amr, acr, auth_time }`) in the session or token
 * @param {(err: unknown, req: any) => void} [options.onError] told of unexpected errors
 *   (answered 500 `internal`); default: `console.error`
 */
function mfaRouter(options) {
  const { mfa, getUserId, send, onLogin, onError } = options ?? {}
  const bad = (name, what) => new MfaError(`invalid parameter \`${name}\`: ${what}`, 'invalid_parameter')
  if (!(mfa instanceof Mfa)) throw bad('mfa', 'must be an Mfa')
  if (typeof getUserId !== 'function') throw bad('getUserId', 'must be a function')
  if (typeof send !== 'function') throw bad('send', 'must be a function (method, contact, code)')
  if (onLogin !== undefined && typeof onLogin !== 'function') throw bad('onLogin', 'must be a function')
  if (onError !== undefined && typeof onError !== 'function') throw bad('onError', 'must be a function')
  // Express is an optional peer dependency: required only by the applications that use it.
  const express = require('express')
  const router = express.Router()
  router.use(express.json({ limit: '16kb', strict: false }))
  // A POST body must be JSON, `{}` included, as in the Python routers: an HTML form on another
  // site cannot send application/json without a CORS preflight, so none can reach these routes.
  router.use((req, res, next) => {
    if (req.method === 'POST' && !req.is(['application/json', 'application/*+json'])) {
      return answerError(badRequest('the body must be JSON (Content-Type: application/json)'), req, res)
    }
    next()
  })

  async function signedIn(req) {
    const userId = await getUserId(req)
    if (userId === null || userId === undefined) {
      throw new HttpRefusal(401, 'unauthenticated', 'nobody is signed in')
    }
    return String(userId)
  }

  async function deliver(sent) {
    await send(sent.method, sent.contact, sent.code)
  }

  async function answerVerification(req, res, v) {
    if (v.accepted && onLogin) await onLogin(v.userId, verificationBody(v).claims, req, res)
    if (v.verdict === 'locked') res.set('Retry-After', String(Math.max(1, Math.ceil(v.retryAfter))))
    res.status(VERDICT_STATUS[v.verdict] ?? 500).json(verificationBody(v))
  }

  /** One route: its handler returns nothing (it answered) and throws what it refuses. */
  const route = (handler) => async (req, res) => {
    try {
      await handler(req, res, jsonBody(req))
    } catch (err) {
      answerError(err, req, res)
    }
  }

  function answerError(err, req, res) {
    if (err instanceof HttpRefusal || err instanceof MfaError) {
      const status = ERROR_STATUS[err.code] ?? 500
      if (err.code === 'step_up_required') {
        res.set('WWW-Authenticate', insufficientUserAuthentication({ description: 'A recent step-up is required' }))
      }
      if (err.code === 'rate_limited') res.set('Retry-After', String(Math.max(1, Math.ceil(err.retryAfter ?? 1))))
      if (status === 503) res.set('Retry-After', '1')
      // mfakit's messages never hold a secret, a code or a hash.
      if (status !== 500) return res.status(status).json({ code: err.code, message: err.message })
    }
    ;(onError ?? ((e) => console.error('mfakit/express:', e)))(err, req)
    res.status(500).json({ code: 'internal', message: 'internal error' })
  }

  // The login: the application's password route called mfa.startLogin and answered 202.
  router.post('/login/send', route(async (req, res, body) => {
    const challengeId = field(body, 'challenge_id', 'string')
    const sent = await mfa.sendCode(challengeId, contactMethod(body))
    await deliver(sent)
    res.status(202).json(sentBody(sent, true))
  }))
  router.post('/login/verify', route(async (req, res, body) => {
    const challengeId = field(body, 'challenge_id', 'string')
    const method = field(body, 'method', 'string')
    const code = field(body, 'code', 'string')
    await answerVerification(req, res, await mfa.verify(challengeId, method, code))
  }))

  // Signed-in routes.
  router.post('/totp/setup', route(async (req, res, body) => {
    const userId = await signedIn(req)
    const account = field(body, 'account', 'string', { optional: true }) ?? userId
    const requireVerification = field(body, 'require_verification', 'boolean', { optional: true }) ?? true
    const setup = await mfa.setupTotp(userId, account, { requireVerification })
    res.status(200).json({
      secret: setup.secret,
      uri: setup.uri,
      qr_svg: setup.qrSvg(),
      active: setup.active,
      recovery_codes: setup.recoveryCodes,
    })
  }))
  router.post('/totp/confirm', route(async (req, res, body) => {
    const userId = await signedIn(req)
    await answerVerification(req, res, await mfa.confirmTotp(userId, field(body, 'code', 'string')))
  }))
  for (const [method, key] of [['email', 'address'], ['sms', 'phone']]) {
    router.post(`/${method}/setup`, route(async (req, res, body) => {
      const userId = await signedIn(req)
      const contact = field(body, key, 'string')
      const sent = method === 'email' ? await mfa.setupEmail(userId, contact) : await mfa.setupSms(userId, contact)
      await deliver(sent)
      res.status(202).json(sentBody(sent, false))
    }))
    router.post(`/${method}/confirm`, route(async (req, res, body) => {
      const userId = await signedIn(req)
      await answerVerification(req, res, await mfa.confirmContact(userId, method, field(body, 'code', 'string')))
    }))
  }
  router.post('/step-up/send', route(async (req, res, body) => {
    const userId = await signedIn(req)
    const sent = await mfa.sendStepUpCode(userId, contactMethod(body))
    await deliver(sent)
    res.status(202).json(sentBody(sent, true))
  }))
  router.post('/step-up', route(async (req, res, body) => {
    const userId = await signedIn(req)
    const method = field(body, 'method', 'string')
    const code = field(body, 'code', 'string')
    await answerVerification(req, res, await mfa.stepUp(userId, method, code))
  }))
  router.get('/status', route(async (req, res) => {
    const s = await mfa.status(await signedIn(req))
    res.status(200).json({
      methods: s.methods,
      totp_pending: s.totpPending,
      recovery_codes_left: s.recoveryCodesLeft,
      locked_until: s.lockedUntil,
      masked: s.masked,
    })
  }))
  router.post('/disable', route(async (req, res, body) => {
    const userId = await signedIn(req)
    await mfa.disable(userId, field(body, 'method', 'string'))
    res.status(204).end()
  }))
  router.post('/recovery-codes', route(async (req, res) => {
    const userId = await signedIn(req)
    res.status(200).json({ recovery_codes: await mfa.regenerateRecoveryCodes(userId) })
  }))
  router.get('/audit', route(async (req, res) => {
    const userId = await signedIn(req)
    let limit = 50
    if (req.query.limit !== undefined) {
      if (typeof req.query.limit !== 'string' || !/^\d{1,4}$/.test(req.query.limit)) {
        throw badRequest('`limit` must be an integer from 1 to 1000')
      }
      limit = Number(req.query.limit)
    }
    const events = await mfa.audit(userId, { limit })
    res.status(200).json({
      events: events.map((e) => ({ kind: e.kind, method: e.method, at: e.at, outcome: e.outcome })),
    })
  }))

  // Bodies express.json refused (malformed JSON, too large) and anything thrown outside a
  // route: the same JSON errors.
  router.use((err, req, res, next) => {
    if (res.headersSent) return next(err)
    if (err && err.type === 'entity.parse.failed') return answerError(badRequest('malformed JSON'), req, res)
    if (err && err.type === 'entity.too.large') return res.status(413).json({ code: 'bad_request', message: 'body too large' })
    if (err && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      return answerError(badRequest(err.expose ? err.message : 'bad request'), req, res)
    }
    answerError(err, req, res)
  })
  return router
}

exports.requireMfa = requireMfa
exports.mfaRouter = mfaRouter
exports.insufficientUserAuthentication = insufficientUserAuthentication
