'use strict'
// Error classes and codes, panics, hostile input, and secrets that never show when logged.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const mfakit = require('mfakit')
const { Totp, Hotp, OtpAuthUri, MfaError, randomSecret, decodeSecret, encodeSecret, qrSvg, qrPng, qrTerminal } = mfakit

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const totp = new Totp({ secret: SECRET, issuer: 'Example', account: 'alice@example.com' })

function codeOf(fn) {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof MfaError, `not an MfaError: ${e && e.stack}`)
    assert.ok(e instanceof Error)
    assert.equal(e.name, 'MfaError')
    assert.ok(MfaError.CODES.includes(e.code), e.code)
    return e.code
  }
  assert.fail('did not throw')
}

test('MfaError exposes the same codes as every binding', () => {
  assert.deepEqual([...MfaError.CODES], [
    'invalid_secret', 'invalid_parameter', 'incompatible_profile', 'invalid_uri', 'invalid_stored_value',
    'unknown_key', 'unseal_failed', 'rate_limited', 'qr_too_large', 'not_enrolled',
    'step_up_required', 'storage_unavailable', 'storage_conflict', 'internal',
  ])
  const e = new MfaError('x', 'invalid_uri')
  assert.equal(e.code, 'invalid_uri')
  assert.match(String(e), /^MfaError: x/)
})

test('typed errors for bad configuration', () => {
  assert.equal(codeOf(() => new Totp({ secret: SECRET, digits: 5 })), 'invalid_parameter')
  assert.equal(codeOf(() => new Totp({ secret: SECRET, period: 0 })), 'invalid_parameter')
  assert.equal(codeOf(() => new Totp({ secret: SECRET, algorithm: 'MD5' })), 'invalid_parameter')
  assert.equal(codeOf(() => new Totp({ secret: 'not base32!' })), 'invalid_secret')
  assert.equal(codeOf(() => new Totp({ secret: '' })), 'invalid_secret')
  assert.equal(codeOf(() => new Totp({ secret: Buffer.alloc(0) })), 'invalid_secret')
  assert.equal(codeOf(() => Totp.enroll({ account: 'a', algorithm: 'SHA256' })), 'incompatible_profile')
  assert.equal(codeOf(() => Totp.enroll({ account: 'a', secret: 'JBSWY3DPEHPK3PXP' })), 'invalid_secret')
  assert.equal(codeOf(() => Totp.enroll({ account: 'a', profile: 'lax' })), 'invalid_parameter')
  assert.equal(codeOf(() => OtpAuthUri.parse('http://example.com')), 'invalid_uri')
  assert.equal(codeOf(() => new Totp({ secret: SECRET }).provisioningUri()), 'invalid_parameter')
  assert.equal(codeOf(() => new Totp({ secret: SECRET, account: 'a', t0: 100 }).provisioningUri()), 'invalid_parameter')
  assert.equal(codeOf(() => qrSvg('x'.repeat(5000))), 'qr_too_large')
  assert.equal(codeOf(() => totp.qrPng(0)), 'invalid_parameter')
  assert.equal(codeOf(() => randomSecret(100)), 'invalid_parameter')
})

test('enrolment uses the compatibility profile unless told otherwise', () => {
  const t = Totp.enroll({ issuer: 'Example', account: 'alice' })
  assert.equal(decodeSecret(t.secret()).length, 20)
  assert.deepEqual([t.algorithm, t.digits, t.period], ['SHA1', 6, 30])
  const any = Totp.enroll({ account: 'a', algorithm: 'SHA512', digits: 8, period: 60, profile: 'any', bits: 256 })
  assert.deepEqual([any.algorithm, any.digits, any.period], ['SHA512', 8, 60])
  assert.equal(decodeSecret(any.secret()).length, 32)
  assert.match(any.provisioningUri(), /algorithm=SHA512&digits=8&period=60$/)
})

test('a Rust panic becomes MfaError code internal and the process lives on', () => {
  for (let i = 0; i < 3; i++) assert.equal(codeOf(() => mfakit.__debugPanic()), 'internal')
  assert.equal(totp.at(59), '287082')
})

test('hostile input gets typed errors, never a crash', () => {
  const huge = 'A'.repeat(10_000_000)
  assert.equal(codeOf(() => new Totp({ secret: huge })), 'invalid_secret')
  assert.equal(codeOf(() => OtpAuthUri.parse('otpauth://totp/a?secret=' + huge)), 'invalid_uri')
  assert.equal(codeOf(() => OtpAuthUri.parse('otpauth://totp/a\0b?secret=' + SECRET + '\0')), 'invalid_secret')
  assert.equal(codeOf(() => new Totp({ secret: SECRET + '\0' })), 'invalid_secret')
  // Wrong user input is an answer, not an error.
  for (const code of [huge, '', '\0\0\0\0\0\0', '１２３４５６', '12345', '1234567', '-12345', '12 34 5x', '😀😀😀']) {
    assert.equal(totp.verify(code, { at: 1e9 }), null)
  }
  // Times, counters, digits, periods and windows out of range.
  for (const t of [-1, NaN, Infinity, -Infinity, 2 ** 53, 1e300, -1n, 2n ** 64n, '1000', {}, [], null, Symbol('x'), () => 1, new Date(NaN)]) {
    assert.equal(codeOf(() => totp.at(t)), 'invalid_parameter', String(typeof t === 'symbol' ? 'symbol' : t))
  }
  for (const d of [-1, 0, 5, 11, 6.5, 2 ** 32, 1e300, NaN, '6', 6n ** 40n]) {
    assert.equal(codeOf(() => new Totp({ secret: SECRET, digits: d })), 'invalid_parameter', String(d))
  }
  for (const p of [0, -30, 2 ** 53, 1.5, 'x']) {
    assert.equal(codeOf(() => new Totp({ secret: SECRET, period: p })), 'invalid_parameter', String(p))
  }
  for (const w of [101, -1, 2 ** 32, 1e9, 1.5, { behind: 1000 }, { ahead: -1 }, 'x']) {
    assert.equal(codeOf(() => totp.verify('123456', { at: 1e9, window: w })), 'invalid_parameter', JSON.stringify(w))
  }
  const hotp = new Hotp({ secret: SECRET })
  for (const c of [-1, 2 ** 53, 2 ** 53 - 5, 1.5, -1n, 2n ** 64n]) {
    assert.equal(codeOf(() => hotp.verify('123456', c)), 'invalid_parameter', String(c))
  }
  assert.equal(codeOf(() => hotp.verify('123456', 0, { lookAhead: 1001 })), 'invalid_parameter')
  assert.equal(codeOf(() => hotp.resync('1', '2', 0, { lookAhead: 2 ** 31 })), 'invalid_parameter')
  assert.equal(codeOf(() => hotp.at(Number.MAX_SAFE_INTEGER + 2)), 'invalid_parameter')
  assert.equal(hotp.at(Number.MAX_SAFE_INTEGER).length, 6)
  // Wrong JavaScript types are MfaErrors too.
  assert.equal(codeOf(() => new Totp()), 'invalid_parameter')
  assert.equal(codeOf(() => new Totp(42)), 'invalid_parameter')
  assert.equal(codeOf(() => new Totp({ secret: 42 })), 'invalid_secret')
  assert.equal(codeOf(() => new Totp(null)), 'invalid_parameter')
  assert.equal(codeOf(() => new Totp({})), 'invalid_secret', 'a missing secret')
  assert.equal(codeOf(() => new Totp({ secret: SECRET, digits: '6' })), 'invalid_parameter')
  assert.equal(codeOf(() => totp.verify('123456', { afterStep: -1 })), 'invalid_parameter')
  assert.equal(codeOf(() => totp.verify('123456', { at: 'soon' })), 'invalid_parameter')
  // Options are read as properties, inherited ones included, like any JavaScript options bag.
  assert.equal(new Totp(Object.create({ secret: SECRET })).at(59), new Totp({ secret: SECRET }).at(59))
  assert.equal(codeOf(() => totp.verify(123456, { at: 1e9 })), 'invalid_parameter')
  assert.equal(codeOf(() => totp.verify('123456', 'now')), 'invalid_parameter')
  assert.equal(codeOf(() => Totp.fromUri(null)), 'invalid_parameter')
  assert.equal(codeOf(() => encodeSecret('JBSWY3DP')), 'invalid_secret')
})

test('util.inspect, toString and JSON never show the secret', () => {
  const hotp = new Hotp({ secret: SECRET, account: 'bob' })
  const uri = OtpAuthUri.parse(totp.provisioningUri())
  for (const obj of [totp, hotp, uri, Totp.enroll({ account: 'x' })]) {
    const secret = obj.secret()
    for (const text of [util.inspect(obj), util.inspect(obj, { showHidden: true, depth: 5 }), String(obj), `${obj}`, JSON.stringify(obj), util.format('%o %O %s', obj, obj, obj), util.inspect({ nested: [obj] })]) {
      assert.ok(!text.includes(secret), text)
      assert.ok(!text.includes(secret.slice(0, 8)), text)
    }
    assert.match(util.inspect(obj), /secret=<redacted>/)
  }
  assert.equal(String(totp), 'Totp(issuer="Example", account="alice@example.com", SHA1, 6 digits, 30 s, secret=<redacted>)')
  // Error messages never carry a secret or a code either.
  try {
    new Totp({ secret: 'GEZDGNBVGY3TQOJQ!' })
  } catch (e) {
    assert.ok(!e.message.includes('GEZDGNBV'))
  }
})

test('times as Date, number (fractions truncated) and bigint agree; now() and remaining()', () => {
  const t = 1_700_000_000
  assert.equal(totp.at(t), totp.at(new Date(t * 1000)))
  assert.equal(totp.at(t), totp.at(t + 0.9))
  assert.equal(totp.at(t), totp.at(BigInt(t)))
  assert.equal(totp.step(t), Math.floor(t / 30))
  assert.equal(totp.remaining(t), 30 - (t % 30))
  const now = totp.now()
  assert.ok(totp.verify(now), 'the current code verifies now')
  const m = totp.verify(totp.at(t), { at: t })
  assert.deepEqual(m, { step: Math.floor(t / 30), drift: 0 })
  assert.equal(totp.verify(totp.at(t), { at: t, afterStep: m.step }), null, 'replay refused')
  assert.equal(totp.verify(totp.at(t - 30), { at: t, window: { behind: 1, ahead: 0 } }).drift, -1)
  assert.equal(totp.verify(totp.at(t + 30), { at: t, window: { behind: 1, ahead: 0 } }), null)
})

test('HOTP look-ahead and resync', () => {
  const hotp = new Hotp({ secret: SECRET, issuer: 'Example', account: 'bob', counter: 7 })
  assert.deepEqual(hotp.verify(hotp.at(15), 10), { step: 15, drift: 5 })
  assert.equal(hotp.verify(hotp.at(25), 10), null)
  assert.equal(hotp.resync(hotp.at(500), hotp.at(501), 0), 502)
  assert.equal(hotp.resync(hotp.at(501), hotp.at(500), 0), null)
  assert.match(hotp.provisioningUri(), /^otpauth:\/\/hotp\/Example:bob\?secret=.*&counter=7$/)
})

test('typed codes of every length are read whole', () => {
  // Short input is read into a fixed buffer (node/src/convert.rs, with_short_string); longer
  // input, and text cut inside a multibyte character, must be read again in full.
  const totp = new Totp({ secret: SECRET })
  const hotp = new Hotp({ secret: SECRET })
  const t = 1_700_000_000
  const code = totp.at(t)
  const step = Math.floor(t / 30)
  for (let n = 0; n <= 80; n++) {
    const pad = ' '.repeat(n)
    // Up to 64 bytes as typed are read (MAX_CODE_INPUT_LEN); longer is no match.
    const fits = n + code.length <= 64
    assert.deepEqual(totp.verify(pad + code, { at: t }), fits ? { step, drift: 0 } : null, `${n} spaces first`)
    assert.deepEqual(hotp.verify(pad + hotp.at(3), 0), fits ? { step: 3, drift: 3 } : null, `${n} spaces first`)
    for (const tail of ['é', '€', '😀', '\0', 'x']) {
      assert.equal(totp.verify(code + pad + tail, { at: t }), null, `${n} spaces, then ${tail}`)
      assert.equal(totp.verify(pad + tail + code, { at: t }), null, `${tail} after ${n} spaces`)
    }
  }
  assert.equal(totp.verify('1'.repeat(10_000), { at: t }), null)
})

test('verify results at the edges of how they cross from Rust', () => {
  // The match crosses as one packed number (node/src/otp.rs, MATCH_BASE): the widest drifts
  // either way, and steps too large to pack, which come back as the object itself.
  const totp = new Totp({ secret: SECRET })
  const t = 1_700_000_000
  assert.deepEqual(totp.verify(totp.at(t - 3000), { at: t, window: 100 }), { step: Math.floor(t / 30) - 100, drift: -100 })
  assert.deepEqual(totp.verify(totp.at(t + 3000), { at: t, window: 100 }), { step: Math.floor(t / 30) + 100, drift: 100 })
  const far = Number.MAX_SAFE_INTEGER - 100
  assert.deepEqual(totp.verify(totp.at(far - 30), { at: far }), { step: Math.floor(far / 30) - 1, drift: -1 })
  const hotp = new Hotp({ secret: SECRET })
  assert.deepEqual(hotp.verify(hotp.at(1005), 5, { lookAhead: 1000 }), { step: 1005, drift: 1000 })
  for (const counter of [2 ** 41 - 2, 2 ** 41, 2 ** 45, Number.MAX_SAFE_INTEGER - 10]) {
    const m = hotp.verify(hotp.at(counter + 3), counter, { lookAhead: 5 })
    assert.deepEqual(m, { step: counter + 3, drift: 3 }, String(counter))
    assert.deepEqual(Object.keys(m), ['step', 'drift'])
  }
})

test('QR codes: SVG string, PNG Buffer, terminal text', () => {
  const svg = totp.qrSvg()
  assert.match(svg, /^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/)
  assert.ok(totp.qrSvg(512).length >= svg.length - 100)
  const png = totp.qrPng(4)
  assert.ok(Buffer.isBuffer(png))
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  assert.ok(totp.qrTerminal().includes('\n'))
  assert.ok(qrPng('hello') instanceof Buffer)
  assert.equal(typeof qrTerminal('hello'), 'string')
})
