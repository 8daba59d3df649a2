'use strict'
// The second factors through their JavaScript surface: promise forms on the thread pool,
// error codes (including rate_limited with retryAfter), redaction of codes and keys.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { monitorEventLoopDelay } = require('node:perf_hooks')
const {
  MfaError, RecoveryCodeSet, NewRecoveryCodes, ChallengeKey, OtpChallenge, AttemptLimiter, AttemptState,
  RateLimiter, StepUp, SealingKey, Keyring, __debugPanicAsync,
} = require('mfakit')

const FAST = { mCostKib: 64, tCost: 1, pCost: 1 }

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof MfaError, `not an MfaError: ${e}`)
    assert.equal(e.code, code)
    return true
  })
}

function throwsWith(fn, code) {
  assert.throws(fn, (e) => e instanceof MfaError && e.code === code)
}

test('recovery codes: generate, show once, check on the thread pool, one use each', async () => {
  const made = await RecoveryCodeSet.generateAsync(10, FAST)
  assert.ok(made instanceof NewRecoveryCodes)
  assert.equal(made.codes.length, 10)
  for (const c of made.codes) assert.match(c, /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/)
  for (const text of [util.inspect(made), String(made), JSON.stringify(made)]) {
    for (const c of made.codes) assert.ok(!text.includes(c) && !text.includes(c.slice(5, 9)), text)
  }
  let set = RecoveryCodeSet.fromStored(made.set.toStored())
  const results = await Promise.all(made.codes.map((c) => set.checkAsync(c.toUpperCase().replaceAll('-', ' '))))
  assert.ok(results.every((r) => r.accepted && r.remaining === 9))
  const first = results[0]
  assert.equal((await first.set.checkAsync(made.codes[0])).accepted, false, 'used once only')
  set = first.set
  assert.equal(set.check('not a code').accepted, false)
  assert.equal(set.check('').remaining, 9)
  assert.match(util.inspect(set), /^RecoveryCodeSet\(remaining=9, m=64, t=1, p=1\)$/)
  assert.deepEqual([set.mCostKib, set.tCost, set.pCost], [64, 1, 1])
})

test('recovery errors keep their codes on the thread pool; a panic there is internal', async () => {
  await rejectsWith(RecoveryCodeSet.generateAsync(0, FAST), 'invalid_parameter')
  await rejectsWith(RecoveryCodeSet.generateAsync(33, FAST), 'invalid_parameter')
  await rejectsWith(RecoveryCodeSet.generateAsync(1, { mCostKib: 1 }), 'invalid_parameter')
  await assert.rejects(async () => RecoveryCodeSet.generateAsync(-1), MfaError)
  throwsWith(() => RecoveryCodeSet.generate(1, { tCost: 17 }), 'invalid_parameter')
  throwsWith(() => RecoveryCodeSet.fromStored('mfakit:recovery:v1:argon2id:m=2097152,t=1,p=1:'), 'invalid_stored_value')
  await rejectsWith(__debugPanicAsync(), 'internal')
  await rejectsWith(__debugPanicAsync(), 'internal')
  const set = RecoveryCodeSet.generate(1, FAST).set
  assert.throws(() => set.checkAsync(42), (e) => e instanceof MfaError && e.code === 'invalid_parameter')
})

test('checkAsync keeps the event loop free while argon2id runs', async () => {
  const made = RecoveryCodeSet.generate(2, { mCostKib: 8192, tCost: 2, pCost: 1 })
  const h = monitorEventLoopDelay({ resolution: 1 })
  h.enable()
  let ticks = 0
  const timer = setInterval(() => ticks++, 1)
  await Promise.all(Array.from({ length: 16 }, (_, i) => made.set.checkAsync(made.codes[i % 2])))
  clearInterval(timer)
  h.disable()
  assert.ok(ticks > 5, `timers ran ${ticks} times`)
  assert.ok(h.percentile(99) / 1e6 < 50, `p99 lag ${h.percentile(99) / 1e6} ms`)
})

test('challenges: issue, deliver, verify, resend with cooldown', () => {
  const key = ChallengeKey.generate()
  const now = 1_700_000_000
  const issued = OtpChallenge.issue(key, { digits: 6, now })
  assert.match(issued.code, /^\d{6}$/)
  for (const text of [util.inspect(issued), String(issued), util.inspect(key), String(key), util.inspect(issued.challenge)]) {
    assert.ok(!text.includes(issued.code), text)
  }
  let challenge = OtpChallenge.fromStored(issued.challenge.toStored())
  const wrong = challenge.verify(key, issued.code === '000000' ? '000001' : '000000', { now: now + 1 })
  assert.deepEqual([wrong.verdict, wrong.accepted, wrong.attemptsLeft], ['wrong', false, 4])
  challenge = wrong.challenge
  assert.equal(challenge.resendAvailableIn(now + 10), 50)
  assert.throws(() => challenge.resend(key, { now: now + 10 }), (e) => e instanceof MfaError && e.code === 'rate_limited' && e.retryAfter === 50)
  const again = challenge.resend(key, { now: now + 60 })
  assert.equal(again.challenge.attemptsLeft, 4, 'a resend keeps the attempt count')
  if (again.code !== issued.code) {
    assert.equal(again.challenge.verify(key, issued.code, { now: now + 61 }).verdict, 'wrong', 'the old code stops working')
  }
  const ok = again.challenge.verify(key, again.code.slice(0, 3) + ' ' + again.code.slice(3), { now: now + 61 })
  assert.equal(ok.verdict, 'accepted')
  assert.equal(ok.challenge.verify(key, again.code, { now: now + 62 }).verdict, 'used')
  assert.equal(again.challenge.verify(key, again.code, { now: now + 60 + 300 }).verdict, 'expired')
  throwsWith(() => OtpChallenge.issue(key, { digits: 3 }), 'invalid_parameter')
  throwsWith(() => OtpChallenge.issue({}, {}), 'invalid_parameter')
  throwsWith(() => OtpChallenge.issue(new SealingKey(Buffer.alloc(32)), {}), 'invalid_parameter')
  throwsWith(() => new ChallengeKey(Buffer.alloc(8)), 'invalid_parameter')
  throwsWith(() => new ChallengeKey('a string key is refused, bytes only'), 'invalid_parameter')
  throwsWith(() => OtpChallenge.fromStored('mfakit:challenge:v1:x'), 'invalid_stored_value')
})

test('a generated ChallengeKey exports its bytes and loads again', () => {
  const first = ChallengeKey.generate()
  const stored = first.exposeBytes()
  assert.ok(Buffer.isBuffer(stored))
  assert.equal(stored.length, 32)
  for (const text of [util.inspect(first), String(first)]) {
    assert.equal(text.includes(stored.toString('hex')), false, text)
    assert.match(text, /ChallengeKey\(<redacted>\)/)
  }
  const second = new ChallengeKey(Buffer.from(stored.toString('base64'), 'base64')) // via a secret store
  assert.deepEqual(second.exposeBytes(), stored)
  const now = 1_700_000_000
  const issued = OtpChallenge.issue(first, { now })
  assert.equal(issued.challenge.verify(second, issued.code, { now: now + 1 }).verdict, 'accepted')
  // A copy: wiping it does not touch the key.
  stored.fill(0)
  assert.notDeepEqual(first.exposeBytes(), stored)
  assert.equal(OtpChallenge.fromStored(issued.challenge.toStored()).verify(first, issued.code, { now: now + 1 }).verdict, 'accepted')
  const other = ChallengeKey.generate()
  assert.notDeepEqual(other.exposeBytes(), second.exposeBytes())
  assert.equal(issued.challenge.verify(other, issued.code, { now: now + 1 }).verdict, 'wrong')
})

test('attempt limiter: backoff, lockout, throwIfRefused with retryAfter', () => {
  const limiter = new AttemptLimiter()
  assert.equal(limiter.policy.lockoutAfter, 10)
  let state = new AttemptState()
  const t = 1_700_000_000
  const out = limiter.recordFailure(state, { now: t })
  assert.equal(out.decision.allowed, false)
  assert.throws(() => out.decision.throwIfRefused(), (e) => e instanceof MfaError && e.code === 'rate_limited' && e.retryAfter === 1)
  state = out.state
  limiter.check(state, { now: new Date((t + 1) * 1000) }).throwIfRefused()
  assert.equal(limiter.delayAfter(10), 14400)
  throwsWith(() => new AttemptLimiter({ backoffFactor: 0 }), 'invalid_parameter')
  throwsWith(() => new AttemptLimiter({ lockoutAfter: -1 }), 'invalid_parameter')
  throwsWith(() => limiter.check({ failures: 3 }), 'invalid_parameter')
  throwsWith(() => limiter.check(new RateLimiter('1/1s')), 'invalid_parameter')
  throwsWith(() => new RateLimiter('often'), 'invalid_parameter')
  throwsWith(() => RateLimiter.per(0, 60), 'invalid_parameter')
  assert.equal(String(new RateLimiter('5/15m')), 'RateLimiter(5/15m)')
})

test('step-up decisions with the core policy', () => {
  const stepUp = new StepUp({ level: 'required', maxAge: { payment: 300 } })
  const now = 1_700_000_000
  const fresh = { enrolledMethods: ['totp'], amr: ['pwd', 'otp'], mfaVerifiedAt: now - 10 }
  assert.equal(stepUp.decide(fresh, 'payment', { now }).allowed, true)
  const stale = stepUp.decide({ ...fresh, mfaVerifiedAt: new Date((now - 301) * 1000) }, 'payment', { now })
  assert.deepEqual([stale.code, stale.httpStatus, stale.maxAge], ['mfa_stale', 401, 300])
  assert.deepEqual(stale.body, { code: 'mfa_stale', methods: ['totp'], max_age: 300 })
  assert.equal(stepUp.decide({ enrolledMethods: ['totp'], amr: ['pwd'] }).code, 'mfa_required')
  const setup = stepUp.decide({})
  assert.deepEqual([setup.code, setup.httpStatus, setup.methods], ['mfa_setup_required', 403, ['totp', 'recovery_code']])
  assert.equal(new StepUp().decide({}).allowed, true, 'optional level, nothing enrolled')
  assert.equal(new StepUp({ level: 'admin_only' }).mfaApplies({ roles: ['admin'] }), true)
  throwsWith(() => new StepUp({ level: 'sometimes' }), 'invalid_parameter')
  throwsWith(() => new StepUp({ maxAge: { payment: -5 } }), 'invalid_parameter')
  throwsWith(() => stepUp.decide({ amr: 'otp' }), 'invalid_parameter')
  throwsWith(() => stepUp.decide(null), 'invalid_parameter')
})

test('sealed secrets: rotation, reseal, redaction, error codes', () => {
  const k1 = SealingKey.generate()
  const ring = new Keyring('k1', k1)
  const sealed = ring.seal('JBSWY3DPEHPK3PXP', 'user:42')
  ring.add('k2', SealingKey.fromBase64(SealingKey.generate().toBase64()))
  ring.setCurrent('k2')
  assert.deepEqual(ring.keyIds, ['k1', 'k2'])
  assert.equal(ring.needsReseal(sealed), true)
  const resealed = ring.reseal(sealed, 'user:42')
  assert.equal(ring.needsReseal(resealed), false)
  assert.equal(ring.open(resealed, 'user:42').toString(), 'JBSWY3DPEHPK3PXP')
  assert.equal(String(ring), 'Keyring(current="k2", keyIds=["k1", "k2"])')
  for (const text of [util.inspect(k1), String(k1), util.inspect(ring)]) assert.ok(!text.includes(k1.toBase64()))
  throwsWith(() => ring.open(resealed, 'user:43'), 'unseal_failed')
  throwsWith(() => ring.setCurrent('k9'), 'unknown_key')
  throwsWith(() => new Keyring('bad id!', k1), 'invalid_parameter')
  throwsWith(() => new Keyring('k', 'not a key'), 'invalid_parameter')
  throwsWith(() => new SealingKey(Buffer.alloc(31)), 'invalid_parameter')
  throwsWith(() => ring.open('x'.repeat(100_000)), 'invalid_stored_value')
})
