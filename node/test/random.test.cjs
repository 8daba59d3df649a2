'use strict'
// Random hostile input at every parsing entry point of the installed package: each call returns
// a value or throws an MfaError with a known code, never another error or a crash. A small
// seeded generator keeps failures reproducible (the seed is in the message).
const test = require('node:test')
const assert = require('node:assert/strict')
const mfakit = require('mfakit')
const { Totp, Hotp, OtpAuthUri, MfaError, RecoveryCodeSet, OtpChallenge, RateState, AttemptState, Keyring, SealingKey } = mfakit

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const ALPHABET = [...'AZaz27=-+ %:/?&#019\0é\u029a😀', 'otpauth://totp/', 'hotp', 'secret=', 'issuer=', 'digits=', 'period=', 'counter=', 'mfakit:', ';', '.', ',']
const PREFIXES = ['', 'otpauth://totp/a?secret=', 'otpauth://hotp/i:a?counter=1&secret=', 'mfakit:recovery:v1:', 'mfakit:challenge:v1:', 'mfakit:challenge:v2:', 'mfakit:rate:v1:', 'mfakit:attempts:v1:', 'mfakit:sealed:v1:k1:']

function rng(seed) {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn
    return Number(s >> 11n) / 2 ** 53
  }
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)]

function randomText(r) {
  const n = pick(r, [0, 1, 6, 8, 16, 32, 64, 300, 5000])
  if (r() < 0.5) return Array.from({ length: n }, () => pick(r, ALPHABET)).join('')
  return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256))).toString('utf8')
}

function randomTime(r) {
  return pick(r, [0, 1, -1, 59, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e300, NaN, Infinity, 1.5, 2n ** 63n, 2n ** 64n, -1n, new Date(r() * 1e15), Math.floor(r() * 2 ** 40)])
}

test('random hostile input gives values or MfaErrors with known codes', () => {
  const totp = new Totp({ secret: SECRET })
  const ring = new Keyring('k1', new SealingKey(Buffer.alloc(32)))
  for (let seed = 0; seed < 60; seed++) {
    const r = rng(seed)
    for (let round = 0; round < 5; round++) {
      const text = randomText(r)
      const prefixed = pick(r, PREFIXES) + text
      const time = randomTime(r)
      const calls = [
        () => mfakit.decodeSecret(text),
        () => new Totp({ secret: text }),
        () => OtpAuthUri.parse(prefixed),
        () => Totp.fromUri(prefixed),
        () => totp.verify(text, { at: time }),
        () => totp.verify(text, { at: 1e9, window: pick(r, [0, 1, 5, 101, 1e9, { behind: 3, ahead: 0 }]) }),
        () => totp.at(time),
        () => new Hotp({ secret: SECRET, digits: pick(r, [5, 6, 8, 10, 11, 2 ** 40]) }).at(time),
        () => new Hotp({ secret: SECRET }).verify(text, time, { lookAhead: pick(r, [0, 10, 1e6]) }),
        () => new Totp({ secret: SECRET, period: time, digits: pick(r, [6, 8, 99]) }).now(),
        () => RecoveryCodeSet.fromStored(prefixed),
        () => OtpChallenge.fromStored(prefixed),
        () => RateState.fromStored(prefixed),
        () => AttemptState.fromStored(prefixed),
        () => ring.open(prefixed, 'user'),
        () => mfakit.sealedKeyId(prefixed),
        () => mfakit.normalizeRecoveryCode(text),
        () => mfakit.maskEmail(text),
        () => mfakit.maskPhone(text),
        () => mfakit.qrSvg(text),
      ]
      calls.forEach((call, index) => {
        try {
          call()
        } catch (e) {
          assert.ok(e instanceof MfaError, `seed ${seed} round ${round} call ${index}: ${e && e.stack}`)
          assert.ok(MfaError.CODES.includes(e.code), `seed ${seed} round ${round} call ${index}: ${e.code}`)
        }
      })
    }
  }
})
