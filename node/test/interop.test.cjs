'use strict'
// otplib 13 and otpauth as oracles: random secrets, times, algorithms and digits must give
// the same codes; URIs built on each side must parse on the other.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const otplib = require('otplib')
const { parse: otplibParseUri } = require('@otplib/uri')
const OTPAuth = require('otpauth')
const { Totp, Hotp, OtpAuthUri, randomSecret } = require('mfakit')

const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512']
const N = 300
const pick = (list) => list[crypto.randomInt(list.length)]

function randomCase() {
  return {
    secret: randomSecret(pick([128, 160, 256, 512])),
    algorithm: pick(ALGORITHMS),
    digits: pick([6, 7, 8]),
    period: pick([30, 30, 60, 15]),
    time: crypto.randomInt(0, 2 ** 40),
  }
}

test('TOTP codes agree with otplib (random cases)', () => {
  for (let i = 0; i < N; i++) {
    const c = randomCase()
    const ours = new Totp(c).at(c.time)
    const theirs = otplib.generateSync({
      secret: c.secret,
      algorithm: c.algorithm.toLowerCase(),
      digits: c.digits,
      period: c.period,
      epoch: c.time,
    })
    assert.equal(ours, theirs, JSON.stringify({ ...c, secret: '<redacted>' }))
    // And otplib's code verifies here, at the same moment.
    assert.equal(new Totp(c).verify(theirs, { at: c.time, window: 0 })?.drift, 0)
  }
})

test('TOTP and HOTP codes agree with otpauth (random cases)', () => {
  for (let i = 0; i < N; i++) {
    const c = randomCase()
    const secret = OTPAuth.Secret.fromBase32(c.secret)
    const theirs = new OTPAuth.TOTP({ secret, algorithm: c.algorithm, digits: c.digits, period: c.period })
    assert.equal(new Totp(c).at(c.time), theirs.generate({ timestamp: c.time * 1000 }))
    const counter = crypto.randomInt(0, 2 ** 47)
    const hotp = new OTPAuth.HOTP({ secret, algorithm: c.algorithm, digits: c.digits })
    const code = hotp.generate({ counter })
    assert.equal(new Hotp(c).at(counter), code)
    assert.deepEqual(new Hotp(c).verify(code, counter - 3, { lookAhead: 5 }), { step: counter, drift: 3 })
  }
})

test('verification windows agree with otpauth', () => {
  for (let i = 0; i < N; i++) {
    const c = { ...randomCase(), time: crypto.randomInt(1e9, 2e9) }
    const theirs = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(c.secret), algorithm: c.algorithm, digits: c.digits, period: c.period })
    const offset = crypto.randomInt(-3, 4)
    const code = theirs.generate({ timestamp: (c.time + offset * c.period) * 1000 })
    const delta = theirs.validate({ token: code, timestamp: c.time * 1000, window: 2 })
    const ours = new Totp(c).verify(code, { at: c.time, window: 2 })
    assert.equal(ours?.drift ?? null, delta)
  }
})

test('URIs built here parse in otpauth and otplib', () => {
  for (let i = 0; i < 100; i++) {
    const c = randomCase()
    const issuer = pick(['Example Co', 'ACME', 'Ünïcode & Co', 'a/b?c'])
    const account = pick(['alice@example.com', 'bob smith', 'c+d@x.y', 'ü'])
    const uri = new Totp({ ...c, issuer, account }).provisioningUri()
    const parsed = OTPAuth.URI.parse(uri)
    assert.equal(parsed.secret.base32, c.secret)
    assert.equal(parsed.issuer, issuer)
    assert.equal(parsed.label, account)
    assert.equal(parsed.algorithm, c.algorithm)
    assert.equal(parsed.digits, c.digits)
    assert.equal(parsed.period, c.period)
    const p2 = otplibParseUri(uri)
    assert.equal(p2.params.secret, c.secret)
    assert.equal(p2.params.issuer, issuer)
    assert.equal(Number(p2.params.digits ?? 6), c.digits)
  }
})

test('URIs built by otpauth and otplib parse here', () => {
  for (let i = 0; i < 100; i++) {
    const c = randomCase()
    const issuer = pick(['Example Co', 'ACME', 'Ünïcode & Co'])
    const label = pick(['alice@example.com', 'bob smith', 'ü'])
    const a = new OTPAuth.TOTP({ issuer, label, secret: OTPAuth.Secret.fromBase32(c.secret), algorithm: c.algorithm, digits: c.digits, period: c.period }).toString()
    const fromA = Totp.fromUri(a)
    assert.equal(fromA.secret(), c.secret)
    assert.equal(fromA.issuer, issuer)
    assert.equal(fromA.account, label)
    assert.equal(fromA.at(c.time), new Totp(c).at(c.time))
    const b = otplib.generateURI({ issuer, label, secret: c.secret, algorithm: c.algorithm.toLowerCase(), digits: c.digits, period: c.period })
    const fromB = OtpAuthUri.parse(b)
    assert.equal(fromB.secret(), c.secret)
    assert.equal(fromB.issuer, issuer)
    assert.equal(fromB.account, label)
    assert.equal(fromB.algorithm, c.algorithm)
    assert.equal(fromB.digits, c.digits)
    assert.equal(fromB.period, c.period)
    const h = new OTPAuth.HOTP({ issuer, label, secret: OTPAuth.Secret.fromBase32(c.secret), counter: 42 }).toString()
    assert.equal(Hotp.fromUri(h).counter, 42)
  }
})
