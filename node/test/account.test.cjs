'use strict'
// The MFA service (`Mfa`) on a SQLite file and on the CI's PostgreSQL and Redis: the flows end
// to end, exactly-once acceptance under concurrent promises, errors with codes, and redaction.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { Mfa, MfaError, TotpSetup, CodeToSend } = require('mfakit')
const { stores, open, policy, userId, codeFor, enrolled, keyring, challengeKey, sqliteUrl } = require('./service.cjs')

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof MfaError, `not an MfaError: ${e && e.stack}`)
    assert.equal(e.code, code, e.message)
    return true
  })
}

/** Everything a value shows when logged or serialised. */
const shown = (value) => util.inspect(value, { depth: 5 }) + String(value) + JSON.stringify(value)

for (const store of stores()) {
  const name = store.name
  const t = (title, fn) => test(`${name}: ${title}`, { skip: store.skip }, fn)

  t('TOTP enrolment, login, replay, recovery code, audit', async () => {
    const mfa = open(store.url('totp'))
    const user = userId('totp')
    const setup = await mfa.setupTotp(user, 'alice@example.com')
    assert.ok(setup instanceof TotpSetup)
    assert.equal(setup.active, false)
    assert.equal(setup.recoveryCodes, null)
    assert.match(setup.uri, /^otpauth:\/\/totp\/Example%20Co:alice%40example\.com\?secret=/)
    assert.match(setup.qrSvg(), /^<\?xml|^<svg/)
    assert.ok(setup.qrPng().subarray(1, 4).equals(Buffer.from('PNG')))
    for (const text of [shown(setup)]) {
      assert.ok(!text.includes(setup.secret) && !text.includes('otpauth'), text)
    }
    assert.deepEqual((await mfa.status(user)).methods, [])
    assert.equal((await mfa.status(user)).totpPending, true)
    await rejectsWith(mfa.startLogin(user), 'not_enrolled')

    const code = codeFor(setup.secret)
    const confirm = await mfa.confirmTotp(user, code)
    assert.equal(confirm.accepted, true)
    assert.equal(confirm.verdict, 'accepted')
    assert.equal(confirm.userId, user)
    assert.equal(confirm.recoveryCodes.length, 10)
    // Fresh recovery codes are read explicitly, never shown when the result is logged.
    assert.ok(!shown(confirm).includes(confirm.recoveryCodes[0]), shown(confirm))
    const status = await mfa.status(user)
    assert.deepEqual(status.methods, ['totp', 'recovery_code'])
    assert.deepEqual([status.recoveryCodesLeft, status.failures, status.lockedUntil, status.totpPending], [10, 0, null, false])

    const login = await mfa.startLogin(user)
    assert.deepEqual(login.methods, ['totp', 'recovery_code'])
    assert.ok(login.expiresAt > Date.now() / 1000)
    // The code accepted at enrolment is refused: used, not counted.
    const replay = await mfa.verify(login.id, 'totp', code)
    assert.deepEqual([replay.accepted, replay.verdict, replay.claims], [false, 'used', null])
    // A wrong code counts; the next step's code (within the ±1 window) is accepted.
    const wrong = await mfa.verify(login.id, 'totp', codeFor(setup.secret, 30) === '000000' ? '111111' : '000000')
    assert.deepEqual([wrong.verdict, wrong.attemptsLeft], ['wrong', 9])
    const ok = await mfa.verify(login.id, 'totp', codeFor(setup.secret, 30))
    assert.equal(ok.verdict, 'accepted')
    assert.equal(ok.userId, user)
    assert.deepEqual(ok.claims.amr, ['otp', 'mfa'])
    assert.equal(ok.claims.acr, 'aal2')
    assert.ok(Math.abs(ok.claims.authTime - Date.now() / 1000) < 60)
    assert.equal((await mfa.verify(login.id, 'totp', codeFor(setup.secret, 30))).verdict, 'used')

    // A recovery code completes a login once.
    const second = await mfa.startLogin(user)
    const rc = await mfa.verify(second.id, 'recovery_code', confirm.recoveryCodes[0])
    assert.deepEqual([rc.verdict, rc.recoveryCodesLeft, rc.claims.acr], ['accepted', 9, 'aal2'])
    const third = await mfa.startLogin(user)
    assert.equal((await mfa.verify(third.id, 'recovery_code', confirm.recoveryCodes[0])).verdict, 'wrong')

    // The URI again, only when asked; new recovery codes replace the old ones.
    assert.equal(await mfa.revealTotpUri(user), setup.uri)
    const fresh = await mfa.regenerateRecoveryCodes(user)
    assert.equal(fresh.length, 10)
    assert.equal((await mfa.status(user)).recoveryCodesLeft, 10)

    const events = await mfa.audit(user)
    const kinds = events.map((e) => e.kind)
    for (const k of ['enrolled', 'confirmed', 'recovery_codes_regenerated', 'challenge_started', 'verified', 'failed', 'recovery_code_used']) {
      assert.ok(kinds.includes(k), `${k} missing from ${kinds}`)
    }
    assert.equal(events[0].kind, 'recovery_codes_regenerated')
    assert.ok(events.every((e) => e.userId === user && typeof e.at === 'number' && 'method' in e && typeof e.outcome === 'string'))
    const text = shown(events)
    for (const secret of [setup.secret, code, confirm.recoveryCodes[0], fresh[0], login.id]) assert.ok(!text.includes(secret), secret)
    assert.equal((await mfa.audit(user, { limit: 2 })).length, 2)
    assert.match(String(mfa), /^Mfa\(store=(sqlite|postgres|redis), issuer="Example Co"\)$/)
    assert.ok(!util.inspect(mfa).includes('@'))
  })

  t('email and SMS: setup, confirm, login codes, resend cooldown, redaction', async () => {
    const mfa = open(store.url('contact'))
    const user = userId('contact')
    const sent = await mfa.setupEmail(user, 'jane.doe@example.com')
    assert.ok(sent instanceof CodeToSend)
    assert.deepEqual([sent.method, sent.masked, sent.contact], ['email', 'j***@example.com', 'jane.doe@example.com'])
    assert.match(sent.code, /^\d{6}$/)
    const text = shown(sent)
    assert.ok(!text.includes(sent.code) && !text.includes('jane.doe'), text)
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(sent))).sort(), ['expiresAt', 'masked', 'method', 'resendAfter'])
    const confirmed = await mfa.confirmContact(user, 'email', sent.code)
    assert.equal(confirmed.verdict, 'accepted')
    assert.equal(confirmed.recoveryCodes.length, 10)

    const sms = await mfa.setupSms(user, '+447911123467')
    assert.equal(sms.masked, '+**********67')
    assert.equal((await mfa.confirmContact(user, 'sms', sms.code)).verdict, 'accepted')
    const status = await mfa.status(user)
    assert.deepEqual(status.methods, ['email', 'sms', 'recovery_code'])
    assert.deepEqual(status.masked, { email: 'j***@example.com', sms: '+**********67' })

    // Enrolment is no proof of a recent second factor.
    await rejectsWith(mfa.disable(user, 'sms'), 'step_up_required')
    const login = await mfa.startLogin(user)
    assert.deepEqual(login.masked, { email: 'j***@example.com', sms: '+**********67' })
    // Nothing sent yet: nothing to compare.
    assert.equal((await mfa.verify(login.id, 'email', '123456')).verdict, 'expired')
    const code = await mfa.sendCode(login.id, 'sms')
    assert.equal(code.contact, '+447911123467')
    await rejectsWith(mfa.sendCode(login.id, 'sms'), 'rate_limited')
    const limited = await mfa.sendCode(login.id, 'sms').catch((e) => e)
    assert.ok(limited.retryAfter > 0 && limited.retryAfter <= 60)
    const ok = await mfa.verify(login.id, 'sms', code.code)
    assert.deepEqual([ok.verdict, ok.claims.amr, ok.claims.acr], ['accepted', ['sms', 'mfa'], 'aal2'])

    // Step-up by email, then disabling SMS is allowed (the login just now counts as recent).
    const stepCode = await mfa.sendStepUpCode(user, 'email')
    const step = await mfa.stepUp(user, 'email', stepCode.code)
    assert.deepEqual([step.verdict, step.claims.acr], ['accepted', 'aal1'])
    await mfa.disable(user, 'sms')
    assert.deepEqual((await mfa.status(user)).methods, ['email', 'recovery_code'])

    const events = shown(await mfa.audit(user, { limit: 100 }))
    for (const secret of [sent.code, sms.code, code.code, stepCode.code, 'jane.doe', '7911123467']) {
      assert.ok(!events.includes(secret), secret)
    }
  })

  t('lockout, unlock, reset, setup active at once', async () => {
    const mfa = open(store.url('lock'), { policy: policy(3) })
    const { user, secret } = await enrolled(mfa, 'lock')
    const login = await mfa.startLogin(user)
    const wrong = codeFor(secret, 30) === '000000' ? '111111' : '000000'
    const verdicts = []
    for (let i = 0; i < 4; i++) verdicts.push((await mfa.verify(login.id, 'totp', wrong)).verdict)
    assert.deepEqual(verdicts, ['wrong', 'wrong', 'wrong', 'locked'])
    const locked = await mfa.verify(login.id, 'totp', codeFor(secret, 30))
    assert.equal(locked.verdict, 'locked')
    assert.ok(locked.retryAfter > 3000)
    assert.ok((await mfa.status(user)).lockedUntil > Date.now() / 1000)
    await mfa.unlock(user)
    assert.equal((await mfa.verify(login.id, 'totp', codeFor(secret, 30))).verdict, 'accepted')
    await mfa.reset(user)
    assert.deepEqual((await mfa.status(user)).methods, [])
    assert.equal((await mfa.audit(user, { limit: 1 }))[0].kind, 'reset')

    const other = userId('active')
    const setup = await mfa.setupTotp(other, 'bob', { requireVerification: false })
    assert.equal(setup.active, true)
    assert.equal(setup.recoveryCodes.length, 10)
    assert.ok(!shown(setup).includes(setup.recoveryCodes[0]))
    assert.deepEqual((await mfa.status(other)).methods, ['totp', 'recovery_code'])
  })

  t('16 concurrent promises verifying one code: exactly one accepted', async () => {
    const url = store.url('race')
    // Four services on one store race at the compare-and-swap itself (each has its own
    // in-process queue), besides the libuv pool's threads within each.
    const services = [open(url), open(url), open(url), open(url)]
    for (let round = 0; round < 3; round++) {
      const { user, secret } = await enrolled(services[0], `race${round}`)
      const login = await services[0].startLogin(user)
      const code = codeFor(secret, 30)
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => services[i % 4].verify(login.id, 'totp', code)),
      )
      const accepted = results.filter((r) => r.accepted)
      assert.equal(accepted.length, 1, results.map((r) => r.verdict).join(' '))
      assert.ok(results.every((r) => r.accepted || r.verdict === 'used'))
      assert.equal((await services[1].status(user)).failures, 0)
    }
  })

  t('16 concurrent wrong guesses are all counted', async () => {
    const url = store.url('guesses')
    const services = [open(url, { policy: policy(0) }), open(url, { policy: policy(0) })]
    const { user, secret } = await enrolled(services[0], 'guesses')
    const login = await services[0].startLogin(user)
    const right = new Set([-30, 0, 30, 60].map((d) => codeFor(secret, d)))
    const wrong = Array.from({ length: 16 }, (_, i) => String(100000 + i * 7919)).filter((c) => !right.has(c))
    const results = await Promise.all(wrong.map((c, i) => services[i % 2].verify(login.id, 'totp', c)))
    assert.ok(results.every((r) => r.verdict === 'wrong'))
    assert.equal((await services[1].status(user)).failures, wrong.length)
  })

  t('one recovery code from 8 concurrent step-ups: exactly one accepted', async () => {
    const url = store.url('steprace')
    const services = [open(url), open(url)]
    const { user, recoveryCodes } = await enrolled(services[0], 'steprace')
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => services[i % 2].stepUp(user, 'recovery_code', recoveryCodes[3])),
    )
    assert.equal(results.filter((r) => r.accepted).length, 1, results.map((r) => r.verdict).join(' '))
    assert.equal((await services[0].status(user)).recoveryCodesLeft, 9)
  })
}

test('errors: bad options, bad arguments, unknown challenges, unreachable stores', async () => {
  const code = (fn) => {
    try {
      fn()
    } catch (e) {
      assert.ok(e instanceof MfaError, e && e.stack)
      return e.code
    }
    assert.fail('did not throw')
  }
  const base = { store: sqliteUrl('errors'), keyring: keyring(), challengeKey: challengeKey(), issuer: 'Example Co' }
  assert.equal(code(() => new Mfa()), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, keyring: undefined })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, keyring: challengeKey() })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, challengeKey: 'not a key' })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, issuer: ' ' })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, store: 'mysql://x' })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, policy: { totp_window: 11 } })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, policy: { unknown_field: 1 } })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, policy: 5 })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, maxConnections: 0 })), 'invalid_parameter')
  assert.equal(code(() => new Mfa({ ...base, store: 'postgres://nobody@127.0.0.1:1/none?connect_timeout=2' })), 'storage_unavailable')
  assert.equal(code(() => new Mfa({ ...base, store: 'redis://127.0.0.1:1/0' })), 'storage_unavailable')
  // A raw key works as well as a ChallengeKey.
  const mfa = new Mfa({ ...base, challengeKey: Buffer.alloc(32, 9), policy: policy() })

  // Bad arguments reject (they never throw synchronously from a promise-returning method).
  await rejectsWith(mfa.status(''), 'invalid_parameter')
  await rejectsWith(mfa.status(42), 'invalid_parameter')
  await rejectsWith(mfa.status('a\nb'), 'invalid_parameter')
  await rejectsWith(mfa.verify('nope', 'totp', '123456'), 'invalid_parameter')
  await rejectsWith(mfa.setupTotp('u', 'a', { requireVerification: 'no' }), 'invalid_parameter')
  await rejectsWith(mfa.audit('u', { limit: 0 }), 'invalid_parameter')
  await rejectsWith(mfa.audit('u', { limit: 1001 }), 'invalid_parameter')
  await rejectsWith(mfa.setupEmail('u', 'not-an-address'), 'invalid_parameter')
  await rejectsWith(mfa.setupSms('u', '0791112'), 'invalid_parameter')
  await rejectsWith(mfa.confirmContact('u', 'totp', '123456'), 'invalid_parameter')
  const { user } = await enrolled(mfa, 'errors')
  const login = await mfa.startLogin(user)
  await rejectsWith(mfa.verify(login.id, 'fingerprint', '123456'), 'invalid_parameter')
  await rejectsWith(mfa.verify(login.id, 'sms', '123456'), 'not_enrolled')
  await rejectsWith(mfa.sendCode(login.id, 'email'), 'not_enrolled')
  await rejectsWith(mfa.disable(user, 'totp'), 'step_up_required')
  // A challenge id of another service (other keys) is not one of ours.
  const foreign = open(sqliteUrl('foreign'), { keyring: new (require('mfakit').Keyring)('k1', require('mfakit').SealingKey.generate()) })
  await rejectsWith(foreign.verify(login.id, 'totp', '123456'), 'invalid_parameter')
  // A tampered id likewise.
  await rejectsWith(mfa.verify(login.id.slice(0, -2) + 'AA', 'totp', '123456'), 'invalid_parameter')
  for (const c of ['not_enrolled', 'step_up_required', 'storage_unavailable', 'storage_conflict']) {
    assert.ok(MfaError.CODES.includes(c), c)
  }
})
