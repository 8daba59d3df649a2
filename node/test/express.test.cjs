'use strict'
// mfakit/express against a real Express 5 server on 127.0.0.1, called with fetch.
const test = require('node:test')
const assert = require('node:assert/strict')
const express = require('express')
const { requireMfa } = require('mfakit/express')
const { MfaError } = require('mfakit')

let server
let base
test.before(async () => {
  const app = express()
  // The application decides where the context comes from; here a header, for the test.
  const getClaims = (req) => JSON.parse(req.get('x-mfa-context') || '{}')
  app.get('/profile', requireMfa({ getClaims }), (req, res) => res.json({ ok: 'profile' }))
  app.get('/admin', requireMfa({ getClaims, level: 'required' }), (req, res) => res.json({ ok: 'admin' }))
  app.post('/payments', requireMfa({ getClaims, level: 'required', operation: 'payment', maxAge: 60 }), (req, res) => res.json({ ok: 'paid' }))
  app.get('/async', requireMfa({ level: 'required', getClaims: async (req) => getClaims(req) }), (req, res) => res.json({ ok: 'async' }))
  app.get('/broken', requireMfa({ getClaims: () => { throw new Error('session store down') } }), (req, res) => res.json({}))
  app.use((err, req, res, next) => res.status(500).json({ error: err.message, mfa: err instanceof MfaError ? err.code : null }))
  await new Promise((resolve) => {
    server = app.listen(0, '127.0.0.1', resolve)
  })
  base = `http://127.0.0.1:${server.address().port}`
})
test.after(() => new Promise((resolve) => server.close(resolve)))

async function call(path, context, method = 'GET', extra = {}) {
  const headers = context === undefined ? { ...extra } : { 'x-mfa-context': JSON.stringify(context), ...extra }
  const res = await fetch(base + path, { method, headers })
  const answer = { status: res.status, body: await res.json() }
  // Non-enumerable: the deepEqual checks above compare status and body only.
  Object.defineProperty(answer, 'challenge', { value: res.headers.get('www-authenticate') })
  return answer
}

const now = () => Math.floor(Date.now() / 1000)
const verified = (ago) => ({ enrolledMethods: ['totp'], amr: ['pwd', 'otp'], mfaVerifiedAt: now() - ago })

test('optional level: users without MFA pass, enrolled users must use it', async () => {
  assert.deepEqual(await call('/profile', {}), { status: 200, body: { ok: 'profile' } })
  assert.deepEqual(await call('/profile', { enrolledMethods: ['totp'], amr: ['pwd'] }), {
    status: 401,
    body: { code: 'mfa_required', methods: ['totp'] },
  })
  assert.equal((await call('/profile', verified(10))).status, 200)
})

test('required level: 403 mfa_setup_required, 401 mfa_required', async () => {
  assert.deepEqual(await call('/admin'), {
    status: 403,
    body: { code: 'mfa_setup_required', methods: ['totp', 'recovery_code'] },
  })
  assert.equal((await call('/admin', { enrolledMethods: ['totp', 'webauthn'] })).body.code, 'mfa_required')
  assert.deepEqual((await call('/admin', { enrolledMethods: ['totp', 'webauthn'] })).body.methods, ['totp', 'webauthn'])
  assert.equal((await call('/async', {})).status, 403)
  assert.equal((await call('/async', verified(5))).status, 200)
})

test('maxAge for the operation: 401 mfa_stale with max_age', async () => {
  assert.deepEqual(await call('/payments', verified(120), 'POST'), {
    status: 401,
    body: { code: 'mfa_stale', methods: ['totp'], max_age: 60 },
  })
  assert.deepEqual(await call('/payments', verified(30), 'POST'), { status: 200, body: { ok: 'paid' } })
})

test('refusals on bearer-token APIs carry the RFC 9470 challenge', async () => {
  const bearer = { authorization: 'Bearer abc' }
  const stale = await call('/payments', verified(120), 'POST', bearer)
  assert.equal(stale.status, 401)
  assert.equal(stale.challenge, 'Bearer error="insufficient_user_authentication", error_description="A more recent second factor is required", max_age="60"')
  const required = await call('/admin', { enrolledMethods: ['totp'] }, 'GET', bearer)
  assert.match(required.challenge, /^Bearer error="insufficient_user_authentication", error_description="A second factor is required"/)
  // Cookie sessions get no WWW-Authenticate (it would make browsers prompt).
  assert.equal((await call('/admin', { enrolledMethods: ['totp'] })).challenge, null)
  assert.equal((await call('/payments', verified(30), 'POST', bearer)).challenge, null)
})

test('errors reach the error handler; bad contexts are MfaErrors; bad options throw early', async () => {
  assert.deepEqual(await call('/broken', {}), { status: 500, body: { error: 'session store down', mfa: null } })
  const bad = await call('/admin', { enrolledMethods: 'totp' })
  assert.deepEqual([bad.status, bad.body.mfa], [500, 'invalid_parameter'])
  assert.throws(() => requireMfa({}), (e) => e instanceof MfaError && e.code === 'invalid_parameter')
  assert.throws(() => requireMfa({ getClaims: () => ({}), level: 'always' }), (e) => e.code === 'invalid_parameter')
})
