'use strict'
// mfakit/express `mfaRouter` over HTTP (docs/http.md): a real Express 5 server on 127.0.0.1
// with an Mfa service on a SQLite file, called with fetch.
const test = require('node:test')
const assert = require('node:assert/strict')
const express = require('express')
const { mfaRouter } = require('mfakit/express')
const { MfaError } = require('mfakit')
const { open, policy, sqliteUrl, userId, codeFor } = require('./service.cjs')

const mfa = open(sqliteUrl('router'), { policy: policy(3) })
/** What `send` delivered: [method, contact, code]. */
const outbox = []
/** What `onLogin` saw: [userId, claims]. */
const logins = []
let server
let base

test.before(async () => {
  const app = express()
  // The router parses its own JSON; mounted first, so that its 400s answer malformed bodies.
  app.use('/mfa', mfaRouter({
    mfa,
    // The signed-in user, for the test from a header.
    getUserId: (req) => req.get('x-user') ?? null,
    send: async (method, contact, code) => { outbox.push([method, contact, code]) },
    onLogin: (user, claims, req, res) => {
      logins.push([user, claims])
      res.cookie('session', `for-${user}`)
    },
  }))
  app.use(express.json())
  // The application's own password login: here every password is right.
  app.post('/login', async (req, res, next) => {
    try {
      const challenge = await mfa.startLogin(String(req.body.user))
      res.status(202).json({
        mfa_required: true, challenge_id: challenge.id, methods: challenge.methods,
        masked: challenge.masked, expires_at: challenge.expiresAt,
      })
    } catch (err) {
      next(err)
    }
  })
  app.use((err, req, res, next) => res.status(500).json({ app: err.code ?? err.message }))
  await new Promise((resolve) => {
    server = app.listen(0, '127.0.0.1', resolve)
  })
  base = `http://127.0.0.1:${server.address().port}`
})
test.after(() => new Promise((resolve) => server.close(resolve)))

async function call(method, path, { user, body, raw, headers = {} } = {}) {
  const h = { ...headers }
  if (user) h['x-user'] = user
  let payload
  if (raw !== undefined) {
    payload = raw
    h['content-type'] ??= 'application/json'
  } else if (body !== undefined) {
    payload = JSON.stringify(body)
    h['content-type'] = 'application/json'
  }
  const res = await fetch(base + path, { method, headers: h, body: payload })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, text }
}
const post = (path, body, user, extra = {}) => call('POST', path, { body, user, ...extra })

/** Enrols TOTP through the routes; returns { user, secret, recoveryCodes }. */
async function enrolTotp(tag) {
  const user = userId(tag)
  const setup = await post('/mfa/totp/setup', {}, user)
  assert.equal(setup.status, 200)
  const confirm = await post('/mfa/totp/confirm', { code: codeFor(setup.body.secret) }, user)
  assert.equal(confirm.status, 200, confirm.text)
  return { user, secret: setup.body.secret, recoveryCodes: confirm.body.recovery_codes }
}

test('TOTP: setup, confirm, password login 202, verify 401 then 200 with claims', async () => {
  const user = userId('http')
  const setup = await post('/mfa/totp/setup', { account: 'alice@example.com' }, user)
  assert.equal(setup.status, 200)
  assert.deepEqual(Object.keys(setup.body).sort(), ['active', 'qr_svg', 'recovery_codes', 'secret', 'uri'])
  assert.equal(setup.body.active, false)
  assert.equal(setup.body.recovery_codes, null)
  assert.match(setup.body.uri, /alice%40example\.com/)
  assert.match(setup.body.qr_svg, /<svg/)
  // account defaults to the user id.
  const other = await post('/mfa/totp/setup', { require_verification: true }, userId('acct'))
  assert.match(other.body.uri, /Example%20Co:acct-/)

  const confirm = await post('/mfa/totp/confirm', { code: codeFor(setup.body.secret) }, user)
  assert.equal(confirm.status, 200)
  assert.deepEqual(Object.keys(confirm.body).sort(), [
    'accepted', 'attempts_left', 'claims', 'method', 'recovery_codes', 'recovery_codes_left', 'retry_after', 'user_id', 'verdict',
  ])
  assert.deepEqual([confirm.body.accepted, confirm.body.verdict, confirm.body.method, confirm.body.user_id], [true, 'accepted', 'totp', user])
  assert.equal(confirm.body.recovery_codes.length, 10)

  const login = await post('/login', { user })
  assert.equal(login.status, 202)
  assert.deepEqual(login.body.methods, ['totp', 'recovery_code'])
  const wrongCode = codeFor(setup.body.secret, 30) === '000000' ? '111111' : '000000'
  const wrong = await post('/mfa/login/verify', { challenge_id: login.body.challenge_id, method: 'totp', code: wrongCode })
  assert.equal(wrong.status, 401)
  assert.deepEqual([wrong.body.verdict, wrong.body.claims, wrong.body.attempts_left], ['wrong', null, 2])
  const before = logins.length
  const ok = await post('/mfa/login/verify', { challenge_id: login.body.challenge_id, method: 'totp', code: codeFor(setup.body.secret, 30) })
  assert.equal(ok.status, 200)
  assert.equal(ok.body.user_id, user)
  assert.deepEqual(ok.body.claims.amr, ['otp', 'mfa'])
  assert.equal(ok.body.claims.acr, 'aal2')
  assert.equal(typeof ok.body.claims.auth_time, 'number')
  assert.deepEqual(logins.slice(before), [[user, ok.body.claims]])
  assert.match(ok.headers.get('set-cookie'), new RegExp(`session=for-${user}`))
  const again = await post('/mfa/login/verify', { challenge_id: login.body.challenge_id, method: 'totp', code: codeFor(setup.body.secret, 30) })
  assert.deepEqual([again.status, again.body.verdict], [401, 'used'])
})

test('email and SMS: codes go through send, never into a body; resend cooldown is 429', async () => {
  const user = userId('contact')
  const setup = await post('/mfa/email/setup', { address: 'jane.doe@example.com' }, user)
  assert.equal(setup.status, 202)
  assert.deepEqual(Object.keys(setup.body).sort(), ['expires_at', 'masked', 'method'])
  assert.deepEqual([setup.body.method, setup.body.masked], ['email', 'j***@example.com'])
  const [method, contact, code] = outbox.at(-1)
  assert.deepEqual([method, contact], ['email', 'jane.doe@example.com'])
  assert.ok(!setup.text.includes(code) && !setup.text.includes('jane.doe'))
  const confirm = await post('/mfa/email/confirm', { code }, user)
  assert.deepEqual([confirm.status, confirm.body.verdict], [200, 'accepted'])

  const sms = await post('/mfa/sms/setup', { phone: '+447911123467' }, user)
  assert.deepEqual([sms.status, sms.body.method, sms.body.masked], [202, 'sms', '+**********67'])
  const smsCode = outbox.at(-1)[2]
  assert.equal((await post('/mfa/sms/confirm', { code: smsCode }, user)).status, 200)

  const status = await call('GET', '/mfa/status', { user })
  assert.equal(status.status, 200)
  assert.deepEqual(status.body, {
    methods: ['email', 'sms', 'recovery_code'], totp_pending: false, recovery_codes_left: 10,
    locked_until: null, masked: { email: 'j***@example.com', sms: '+**********67' },
  })

  // Without a recent second factor, disabling is 403 with the RFC 9470 challenge.
  const refused = await post('/mfa/disable', { method: 'sms' }, user)
  assert.equal(refused.status, 403)
  assert.equal(refused.body.code, 'step_up_required')
  assert.match(refused.headers.get('www-authenticate'), /^Bearer error="insufficient_user_authentication"/)

  const login = await post('/login', { user })
  const send = await post('/mfa/login/send', { challenge_id: login.body.challenge_id, method: 'sms' })
  assert.equal(send.status, 202)
  assert.deepEqual(Object.keys(send.body).sort(), ['expires_at', 'masked', 'method', 'resend_after'])
  const loginCode = outbox.at(-1)[2]
  assert.ok(!send.text.includes(loginCode))
  const cooldown = await post('/mfa/login/send', { challenge_id: login.body.challenge_id, method: 'sms' })
  assert.equal(cooldown.status, 429)
  assert.equal(cooldown.body.code, 'rate_limited')
  assert.ok(Number(cooldown.headers.get('retry-after')) >= 1)
  const ok = await post('/mfa/login/verify', { challenge_id: login.body.challenge_id, method: 'sms', code: loginCode })
  assert.deepEqual([ok.status, ok.body.claims.amr], [200, ['sms', 'mfa']])

  // Disabling needs a recent step-up (the login just now counts); then 204.
  const stepSend = await post('/mfa/step-up/send', { method: 'email' }, user)
  assert.equal(stepSend.status, 202)
  assert.ok('resend_after' in stepSend.body)
  const step = await post('/mfa/step-up', { method: 'email', code: outbox.at(-1)[2] }, user)
  assert.deepEqual([step.status, step.body.claims.acr], [200, 'aal1'])
  const disabled = await post('/mfa/disable', { method: 'sms' }, user)
  assert.deepEqual([disabled.status, disabled.text], [204, ''])

  const codes = await post('/mfa/recovery-codes', {}, user)
  assert.equal(codes.status, 200)
  assert.equal(codes.body.recovery_codes.length, 10)

  const audit = await call('GET', '/mfa/audit?limit=50', { user })
  assert.equal(audit.status, 200)
  assert.ok(audit.body.events.length > 5)
  assert.deepEqual(Object.keys(audit.body.events[0]).sort(), ['at', 'kind', 'method', 'outcome'])
  assert.equal(audit.body.events[0].kind, 'recovery_codes_regenerated')
  for (const [, , c] of outbox) assert.ok(!audit.text.includes(c))
  assert.ok(!audit.text.includes('jane.doe') && !audit.text.includes('7911123467'))
  assert.equal((await call('GET', '/mfa/audit?limit=2', { user })).body.events.length, 2)
})

test('a locked user gets 429 with Retry-After; not enrolled is 409', async () => {
  const { user, secret } = await enrolTotp('locked')
  const login = await post('/login', { user })
  const id = login.body.challenge_id
  const wrongCode = codeFor(secret, 30) === '000000' ? '111111' : '000000'
  for (let i = 0; i < 3; i++) assert.equal((await post('/mfa/login/verify', { challenge_id: id, method: 'totp', code: wrongCode })).status, 401)
  const locked = await post('/mfa/login/verify', { challenge_id: id, method: 'totp', code: codeFor(secret, 30) })
  assert.equal(locked.status, 429)
  assert.equal(locked.body.verdict, 'locked')
  assert.equal(Number(locked.headers.get('retry-after')), locked.body.retry_after)
  assert.ok(locked.body.retry_after > 3000)

  const notEnrolled = await post('/mfa/step-up/send', { method: 'sms' }, user)
  assert.deepEqual([notEnrolled.status, notEnrolled.body.code], [409, 'not_enrolled'])
  // The application's own route: its error handler decides.
  const app = await post('/login', { user: userId('nobody') })
  assert.deepEqual([app.status, app.body], [500, { app: 'not_enrolled' }])
})

test('bad requests: 400 {code, message}; nobody signed in: 401 unauthenticated', async () => {
  const user = userId('bad')
  const cases = [
    ['/mfa/totp/confirm', { raw: '{"code": ' }],
    ['/mfa/totp/confirm', { raw: '[1, 2]' }],
    ['/mfa/totp/confirm', { raw: '"123456"' }],
    ['/mfa/totp/confirm', { body: {} }],
    ['/mfa/totp/confirm', { body: { code: 123456 } }],
    ['/mfa/totp/setup', { body: { require_verification: 'yes' } }],
    ['/mfa/totp/setup', { body: { account: 7 } }],
    ['/mfa/email/setup', { body: { address: 'not-an-address' } }],
    ['/mfa/sms/setup', { body: { phone: ['+447911123467'] } }],
    ['/mfa/step-up/send', { body: { method: 'totp' } }],
    ['/mfa/step-up', { body: { method: 'fingerprint', code: '123456' } }],
    ['/mfa/disable', { body: { method: null } }],
    ['/mfa/login/send', { body: { challenge_id: 'forged', method: 'sms' } }],
    ['/mfa/login/verify', { body: { challenge_id: 'forged', method: 'totp', code: '123456' } }],
    ['/mfa/login/verify', { body: { method: 'totp', code: '123456' } }],
  ]
  for (const [path, options] of cases) {
    const res = await call('POST', path, { user, ...options })
    assert.equal(res.status, 400, `${path} ${JSON.stringify(options)}: ${res.text}`)
    assert.ok(['bad_request', 'invalid_parameter'].includes(res.body.code), res.text)
    assert.equal(typeof res.body.message, 'string')
  }
  const form = await call('POST', '/mfa/disable', { user, raw: 'method=totp', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  assert.deepEqual([form.status, form.body.code], [400, 'bad_request'], form.text)
  const limit = await call('GET', '/mfa/audit?limit=lots', { user })
  assert.deepEqual([limit.status, limit.body.code], [400, 'bad_request'])
  assert.equal((await call('GET', '/mfa/audit?limit=0', { user })).status, 400)
  for (const [method, path] of [['GET', '/mfa/status'], ['POST', '/mfa/totp/setup'], ['POST', '/mfa/recovery-codes'], ['GET', '/mfa/audit']]) {
    const res = await call(method, path, { body: method === 'POST' ? {} : undefined })
    assert.deepEqual([res.status, res.body.code], [401, 'unauthenticated'], path)
  }
})

test('mfaRouter checks its options', () => {
  const bad = (o) => assert.throws(() => mfaRouter(o), (e) => e instanceof MfaError && e.code === 'invalid_parameter')
  bad(undefined)
  bad({ mfa: {}, getUserId: () => null, send: () => {} })
  bad({ mfa, send: () => {} })
  bad({ mfa, getUserId: () => null })
  bad({ mfa, getUserId: () => null, send: () => {}, onLogin: 'yes' })
})
