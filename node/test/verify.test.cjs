'use strict'
// `verifyTotp` (the per-request form) and the options of `totp.verify`: the same answers and
// the same typed errors whether the options cross to Rust as plain numbers (non-negative numbers
// or not given, as servers pass them) or whole (a Date, a bigint, `{ behind, ahead }`, a wrong
// type), and whether the secret is short text, long text or bytes.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { Totp, MfaError, verifyTotp, randomSecret, decodeSecret } = require('mfakit')

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' // RFC 6238's "12345678901234567890"
const T = 1_700_000_000
const STEP = Math.floor(T / 30)
const totp = new Totp({ secret: SECRET })

/** What `fn` gives: its value, or the code and message of the MfaError it throws. */
function outcome(fn) {
  try {
    return { value: fn() }
  } catch (e) {
    assert.ok(e instanceof MfaError, `not an MfaError: ${e}`)
    assert.equal(e.name, 'MfaError')
    return { code: e.code, message: e.message }
  }
}

test('verifyTotp: right and wrong codes, now and at a given time', () => {
  assert.deepEqual(verifyTotp(SECRET, totp.now()), { step: totp.step(), drift: 0 })
  assert.deepEqual(verifyTotp(SECRET, totp.at(T), { at: T }), { step: STEP, drift: 0 })
  assert.deepEqual(verifyTotp(SECRET, totp.at(T - 30), { at: T }), { step: STEP - 1, drift: -1 })
  assert.deepEqual(verifyTotp(SECRET, totp.at(T + 30), { at: T }), { step: STEP + 1, drift: 1 })
  assert.equal(verifyTotp(SECRET, totp.at(T - 60), { at: T }), null)
  assert.deepEqual(verifyTotp(SECRET, totp.at(T - 60), { at: T, window: 2 }), { step: STEP - 2, drift: -2 })
  assert.equal(verifyTotp(SECRET, totp.at(T + 30), { at: T, window: 0 }), null)
  assert.equal(verifyTotp(SECRET, totp.at(T + 30), { at: T, window: { behind: 1, ahead: 0 } }), null)
  // Replays are refused, the next step is not.
  assert.equal(verifyTotp(SECRET, totp.at(T), { at: T, afterStep: STEP }), null)
  assert.equal(verifyTotp(SECRET, totp.at(T), { at: T, afterStep: BigInt(STEP) }), null)
  assert.deepEqual(verifyTotp(SECRET, totp.at(T + 30), { at: T, afterStep: STEP }), { step: STEP + 1, drift: 1 })
  assert.deepEqual(verifyTotp(SECRET, totp.at(T), { at: T, afterStep: null }), { step: STEP, drift: 0 })
  // What a user types that is no code at all is a non-match, not an error.
  for (const code of ['', '12345', '1234567', 'abcdef', '１２３４５６', '😀'.repeat(40), '1'.repeat(1000)]) {
    assert.equal(verifyTotp(SECRET, code, { at: T }), null, code)
  }
  assert.deepEqual(verifyTotp(SECRET, ' ' + totp.at(T).slice(0, 3) + ' ' + totp.at(T).slice(3), { at: T }), { step: STEP, drift: 0 })
})

test('verifyTotp: the settings of the stored TOTP', () => {
  const settings = { algorithm: 'SHA512', digits: 8, period: 60, t0: 100 }
  const other = new Totp({ secret: SECRET, ...settings })
  const code = other.at(T)
  assert.deepEqual(verifyTotp(SECRET, code, { ...settings, at: T }), other.verify(code, { at: T }))
  assert.ok(verifyTotp(SECRET, code, { ...settings, at: T }))
  assert.equal(verifyTotp(SECRET, code, { ...settings, algorithm: 'SHA256', at: T }), null)
  assert.equal(verifyTotp(SECRET, code, { ...settings, algorithm: 'sha-512', at: T }).drift, 0)
  assert.equal(verifyTotp(SECRET, code, { ...settings, t0: 0, at: T }), null)
  assert.equal(verifyTotp(SECRET, code.slice(2), { ...settings, at: T }), null)
})

test('verifyTotp: every form of secret', () => {
  const code = totp.at(T)
  const want = { step: STEP, drift: 0 }
  assert.deepEqual(verifyTotp(decodeSecret(SECRET), code, { at: T }), want)
  assert.deepEqual(verifyTotp(new Uint8Array(decodeSecret(SECRET)), code, { at: T }), want)
  assert.deepEqual(verifyTotp(SECRET.toLowerCase().match(/.{4}/g).join(' '), code, { at: T }), want)
  assert.deepEqual(verifyTotp(SECRET.match(/.{4}/g).join('-') + '======', code, { at: T }), want)
  // Text of every length around the stack buffer (123 characters) and far beyond it.
  for (const bits of [128, 160, 256, 512, 600, 608, 616, 640, 1024, 8192]) {
    const secret = randomSecret(bits)
    const t = new Totp({ secret })
    assert.deepEqual(verifyTotp(secret, t.at(T), { at: T }), want, `${bits} bits`)
    assert.deepEqual(verifyTotp(secret + '==', t.at(T), { at: T }), want, `${bits} bits, padded`)
    assert.equal(verifyTotp(secret, t.at(T - 90), { at: T }), null, `${bits} bits`)
  }
  // Non-ASCII text around the buffer's end is refused, never cut into something valid.
  for (let n = 118; n < 128; n++) {
    assert.equal(outcome(() => verifyTotp('A'.repeat(n) + 'é', code, { at: T })).code, 'invalid_secret', String(n))
    assert.equal(outcome(() => verifyTotp('A'.repeat(n) + '😀', code, { at: T })).code, 'invalid_secret', String(n))
  }
})

test('verifyTotp: typed errors, in the order of new Totp(...) and then verify', () => {
  const code = totp.at(T)
  const cases = [
    [undefined, {}, 'invalid_secret'],
    [null, {}, 'invalid_secret'],
    ['', {}, 'invalid_secret'],
    ['JBSWY3DP!', {}, 'invalid_secret'],
    ['JBSW=Y3DP', {}, 'invalid_secret'],
    [42, {}, 'invalid_secret'],
    [{ secret: SECRET }, {}, 'invalid_secret'],
    ['A'.repeat(2000), {}, 'invalid_secret'],
    [SECRET, { digits: 5 }, 'invalid_parameter'],
    [SECRET, { digits: 6.5 }, 'invalid_parameter'],
    [SECRET, { digits: '6' }, 'invalid_parameter'],
    [SECRET, { period: 0 }, 'invalid_parameter'],
    [SECRET, { period: -30 }, 'invalid_parameter'],
    [SECRET, { period: 2 ** 53 }, 'invalid_parameter'],
    [SECRET, { algorithm: 'MD5' }, 'invalid_parameter'],
    [SECRET, { algorithm: 1 }, 'invalid_parameter'],
    [SECRET, { t0: -1 }, 'invalid_parameter'],
    [SECRET, { t0: T + 1 }, 'invalid_parameter'],
    [SECRET, { at: -1 }, 'invalid_parameter'],
    [SECRET, { at: NaN }, 'invalid_parameter'],
    [SECRET, { at: Infinity }, 'invalid_parameter'],
    [SECRET, { at: 1e300 }, 'invalid_parameter'],
    [SECRET, { at: 'now' }, 'invalid_parameter'],
    [SECRET, { at: new Date(NaN) }, 'invalid_parameter'],
    [SECRET, { window: 101 }, 'invalid_parameter'],
    [SECRET, { window: 1.5 }, 'invalid_parameter'],
    [SECRET, { window: 2 ** 32 }, 'invalid_parameter'],
    [SECRET, { window: -1 }, 'invalid_parameter'],
    [SECRET, { window: { behind: 1000 } }, 'invalid_parameter'],
    [SECRET, { afterStep: -1 }, 'invalid_parameter'],
    [SECRET, { afterStep: 0.5 }, 'invalid_parameter'],
    [SECRET, { afterStep: 2 ** 53 }, 'invalid_parameter'],
    [SECRET, { afterStep: '5' }, 'invalid_parameter'],
    // The secret is checked before the verification options, as new Totp(...) comes first.
    ['JBSWY3DP!', { window: 101, at: -1 }, 'invalid_secret'],
    [SECRET, { digits: 5, window: 'x' }, 'invalid_parameter'],
  ]
  for (const [secret, options, want] of cases) {
    const label = util.inspect([secret, options])
    const got = outcome(() => verifyTotp(secret, code, { at: T, ...options }))
    assert.equal(got.code, want, label)
    // The same error as building a Totp and verifying with it.
    const { at, window, afterStep, ...settings } = { at: T, ...options }
    const twoStep = outcome(() => new Totp({ secret, ...settings }).verify(code, { at, window, afterStep }))
    assert.deepEqual(got, twoStep, label)
    // Never the secret or the code in a message.
    if (typeof secret === 'string' && secret.length > 4) assert.ok(!got.message.includes(secret), label)
    assert.ok(!got.message.includes(code), label)
  }
  assert.equal(outcome(() => verifyTotp(SECRET, 123456, { at: T })).code, 'invalid_parameter')
  assert.equal(outcome(() => verifyTotp(SECRET, code, 'now')).code, 'invalid_parameter')
  assert.equal(outcome(() => verifyTotp(SECRET, code, 5)).code, 'invalid_parameter')
  assert.equal(outcome(() => verifyTotp(SECRET, code, () => 1)).code, 'invalid_parameter')
  assert.equal(outcome(() => verifyTotp()).code, 'invalid_secret')
})

test('options crossing as numbers and options read whole in Rust give the same answers and errors', () => {
  // A Date for `at`, or `{ behind, ahead }` for `window`, sends the options to Rust whole.
  const whole = (o) => ({
    ...o,
    ...(typeof o.at === 'number' && o.at >= 0 && Number.isFinite(o.at) && o.at < 8.64e12 ? { at: new Date(Math.trunc(o.at) * 1000) } : {}),
    ...(typeof o.window === 'number' ? { window: { behind: o.window, ahead: o.window } } : {}),
  })
  const code = totp.at(T)
  const values = {
    at: [undefined, null, T, T + 0.9, T - 30, 0, -0, 1e300, Infinity],
    window: [undefined, null, 0, 1, 2, 100, 101, 1.5, 2 ** 32, 1e300, Infinity, -0],
    afterStep: [undefined, null, 0, STEP - 1, STEP, STEP + 5, 0.5, 2 ** 53 - 1, 2 ** 53, Infinity, -0],
  }
  let compared = 0
  for (const at of values.at) {
    for (const window of values.window) {
      for (const afterStep of values.afterStep) {
        const o = { at, window, afterStep }
        const label = util.inspect(o)
        const fast = outcome(() => totp.verify(code, o))
        assert.deepEqual(fast, outcome(() => verifyTotp(SECRET, code, o)), label)
        const w = whole(o)
        if (w.at === o.at && w.window === o.window) continue
        const slow = outcome(() => totp.verify(code, w))
        // A Date holds milliseconds: the same second, so the same answer. An error about a
        // side of `{ behind, ahead }` names that side.
        if (slow.message) slow.message = slow.message.replace('`window.behind`', '`window`')
        assert.deepEqual(fast, slow, `${label} vs ${util.inspect(w)}`)
        const slowOnce = outcome(() => verifyTotp(SECRET, code, w))
        if (slowOnce.message) slowOnce.message = slowOnce.message.replace('`window.behind`', '`window`')
        assert.deepEqual(slow, slowOnce, util.inspect(w))
        compared++
      }
    }
  }
  assert.ok(compared > 500, String(compared))
})

test('options are read as properties, each once, inherited ones included', () => {
  const reads = []
  const options = new Proxy(Object.create({ at: T }), {
    get(target, key, receiver) {
      reads.push(key)
      return Reflect.get(target, key, receiver)
    },
  })
  assert.deepEqual(totp.verify(totp.at(T), options), { step: STEP, drift: 0 })
  assert.deepEqual(reads.sort(), ['afterStep', 'at', 'window'])
  reads.length = 0
  assert.deepEqual(verifyTotp(SECRET, totp.at(T), options), { step: STEP, drift: 0 })
  assert.deepEqual(reads.sort(), ['afterStep', 'algorithm', 'at', 'digits', 'period', 't0', 'window'])
})

test('verifyTotp agrees with new Totp(...).verify on random settings, times and codes', () => {
  let seed = 7
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31)
  for (let i = 0; i < 300; i++) {
    const settings = {
      algorithm: ['SHA1', 'SHA256', 'SHA512'][Math.floor(next() * 3)],
      digits: 6 + Math.floor(next() * 5),
      period: [15, 30, 60][Math.floor(next() * 3)],
    }
    const secret = randomSecret(8 * (16 + Math.floor(next() * 49)))
    const t = new Totp({ secret, ...settings })
    const at = Math.floor(next() * 4e9)
    const code = next() < 0.7 ? t.at(at + Math.floor(next() * 5 - 2) * settings.period) : String(Math.floor(next() * 1e10)).padStart(settings.digits, '0').slice(0, settings.digits)
    const options = { ...settings, at, window: Math.floor(next() * 3) }
    const { algorithm, digits, period, ...verify } = options
    assert.deepEqual(verifyTotp(secret, code, options), t.verify(code, verify), util.inspect(options))
  }
})

test('verifyTotp is typed and documented', () => {
  assert.equal(typeof verifyTotp, 'function')
  assert.equal(verifyTotp.length, 3)
})
