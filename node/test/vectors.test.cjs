'use strict'
// Every file in tests/vectors/, read from the repository (never copied), with a tamper
// check after each known answer: change one digit, and verification must fail.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Totp, Hotp, OtpAuthUri, MfaError, decodeSecret, encodeSecret } = require('mfakit')
const { vectors, vectorFiles, tamper } = require('./helpers.cjs')

const counts = {}
const count = (file, n) => (counts[file] = (counts[file] || 0) + n)
test.after(() => console.log('# vector cases per file: ' + JSON.stringify(counts)))

const HANDLED = ['base32.json', 'config_errors.json', 'hotp.json', 'totp.json', 'uri.json', 'verify.json']

test('every vector file is covered by a test', () => {
  const files = vectorFiles()
  assert.ok(files.length >= HANDLED.length)
  for (const f of files) assert.ok(HANDLED.includes(f), `no Node test reads tests/vectors/${f}`)
})

function totpOf(c) {
  return new Totp({
    secret: c.secret_base32,
    algorithm: c.algorithm,
    digits: c.digits,
    period: c.period,
    t0: c.t0 ?? 0,
  })
}

function code(fn) {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof MfaError, `not an MfaError: ${e}`)
    return e.code
  }
  return null
}

test('hotp.json: RFC 4226 Appendix D', () => {
  const { cases } = vectors('hotp.json')
  for (const c of cases) {
    assert.equal(encodeSecret(Buffer.from(c.secret_hex, 'hex')), c.secret_base32)
    const hotp = new Hotp({ secret: Buffer.from(c.secret_hex, 'hex'), algorithm: c.algorithm, digits: c.digits })
    assert.equal(hotp.at(c.counter), c.code)
    assert.equal(hotp.at(BigInt(c.counter)), c.code)
    assert.deepEqual(hotp.verify(c.code, c.counter, { lookAhead: 0 }), { step: c.counter, drift: 0 })
    assert.deepEqual(hotp.verify(c.code, 0, { lookAhead: 10 }), { step: c.counter, drift: c.counter })
    for (let bit = 0; bit < c.code.length * 3; bit++) {
      const bad = tamper(c.code, bit)
      if (bad !== c.code) assert.equal(hotp.verify(bad, c.counter, { lookAhead: 0 }), null, bad)
    }
    assert.notEqual(hotp.at(c.counter ^ 1), c.code)
  }
  count('hotp.json', cases.length)
})

test('totp.json: RFC 6238 Appendix B', () => {
  const { cases } = vectors('totp.json')
  assert.equal(cases.length, 18)
  for (const c of cases) {
    const totp = totpOf(c)
    assert.equal(totp.secret(), c.secret_base32)
    assert.equal(totp.step(c.time), c.step)
    assert.equal(totp.at(c.time), c.code, `${c.algorithm} at ${c.time}`)
    assert.equal(totp.at(new Date(c.time * 1000)), c.code)
    assert.equal(totp.at(BigInt(c.time)), c.code)
    assert.equal(totp.atStep(c.step), c.code)
    assert.deepEqual(totp.verify(c.code, { at: c.time, window: 0 }), { step: c.step, drift: 0 })
    for (let bit = 0; bit < c.code.length * 3; bit++) {
      assert.equal(totp.verify(tamper(c.code, bit), { at: c.time, window: 0 }), null)
    }
    // A one-bit change of the secret gives another code.
    const key = Buffer.from(c.secret_hex, 'hex')
    key[0] ^= 1
    const other = new Totp({ secret: key, algorithm: c.algorithm, digits: c.digits, period: c.period })
    assert.equal(other.verify(c.code, { at: c.time, window: 0 }), null)
    // A one-bit change of the time step gives another code.
    assert.notEqual(totp.atStep(c.step ^ 1), c.code)
  }
  count('totp.json', cases.length)
})

test('verify.json: windows, drift, replay, malformed input', () => {
  const { cases } = vectors('verify.json')
  for (const c of cases) {
    const totp = totpOf(c)
    const options = { at: c.time, window: { behind: c.behind, ahead: c.ahead }, afterStep: c.after_step }
    assert.deepEqual(totp.verify(c.code, options), c.match, c.note)
    if (c.match) {
      // The same through a Date, and tampered codes never match.
      assert.deepEqual(totp.verify(c.code, { ...options, at: new Date(c.time * 1000) }), c.match)
      for (let bit = 0; bit < c.code.length * 3; bit++) {
        const bad = tamper(c.code, bit)
        const got = totp.verify(bad, options)
        // A tampered code may, rarely, be another valid code in the window; never the same step.
        if (got) assert.notEqual(got.step, c.match.step, `${c.note}: ${bad}`)
      }
    }
  }
  count('verify.json', cases.length)
})

test('config_errors.json: bad configuration is a typed error', () => {
  const { cases } = vectors('config_errors.json')
  for (const c of cases) {
    assert.equal(code(() => totpOf(c)), c.error, c.note)
  }
  count('config_errors.json', cases.length)
})

test('base32.json: tolerant decoding', () => {
  const { cases } = vectors('base32.json')
  for (const c of cases) {
    if (c.error) {
      assert.equal(code(() => decodeSecret(c.input)), c.error, c.note)
    } else {
      assert.equal(decodeSecret(c.input).toString('hex'), c.hex, c.note)
    }
  }
  count('base32.json', cases.length)
})

function checkFields(uri, f) {
  assert.equal(uri.kind, f.type)
  assert.equal(uri.secret(), f.secret_base32)
  assert.equal(uri.issuer, f.issuer)
  assert.equal(uri.account, f.account)
  assert.equal(uri.algorithm, f.algorithm)
  assert.equal(uri.digits, f.digits)
  if (f.type === 'totp') assert.equal(uri.period, f.period)
  else assert.equal(uri.counter, f.counter)
}

function uriOf(f) {
  return new OtpAuthUri({
    kind: f.type,
    secret: f.secret_base32,
    issuer: f.issuer,
    account: f.account,
    algorithm: f.algorithm,
    digits: f.digits,
    period: f.period,
    counter: f.counter,
  })
}

test('uri.json: parse, build, build errors', () => {
  const doc = vectors('uri.json')
  for (const c of doc.parse) {
    if (c.error) {
      assert.equal(code(() => OtpAuthUri.parse(c.uri)), c.error, c.note)
      continue
    }
    const uri = OtpAuthUri.parse(c.uri)
    checkFields(uri, c.expect)
    // Stable round trip, and the Totp/Hotp views agree.
    const text = uri.toUri()
    assert.equal(OtpAuthUri.parse(text).toUri(), text)
    const otp = c.expect.type === 'totp' ? Totp.fromUri(c.uri) : Hotp.fromUri(c.uri)
    assert.equal(otp.secret(), c.expect.secret_base32)
    assert.equal(otp.account, c.expect.account)
    assert.equal(otp.provisioningUri(), text)
  }
  for (const c of doc.build) {
    const text = uriOf(c.fields).toUri()
    assert.equal(text, c.uri, c.note)
    checkFields(OtpAuthUri.parse(text), c.fields)
    // The same URI from a Totp / Hotp.
    const f = c.fields
    const common = { secret: f.secret_base32, issuer: f.issuer ?? undefined, account: f.account, algorithm: f.algorithm, digits: f.digits }
    const otp = f.type === 'totp' ? new Totp({ ...common, period: f.period }) : new Hotp({ ...common, counter: f.counter })
    assert.equal(otp.provisioningUri(), c.uri, c.note)
  }
  for (const c of doc.build_errors) {
    assert.equal(code(() => uriOf(c.fields).toUri()), c.error, c.note)
  }
  count('uri.json', doc.parse.length + doc.build.length + doc.build_errors.length)
})
