// The installed package from ESM: named and default imports share one module instance.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import mfakit, { Totp, Hotp, OtpAuthUri, MfaError, randomSecret, qrSvg } from 'mfakit'

test('import works and is the same instance as require', () => {
  const cjs = createRequire(import.meta.url)('mfakit')
  assert.equal(Totp, cjs.Totp)
  assert.equal(mfakit.Totp, Totp)
  assert.equal(MfaError, cjs.MfaError)
  for (const f of [Hotp, OtpAuthUri, randomSecret, qrSvg]) assert.equal(typeof f, 'function')
  const t = new Totp({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', digits: 8 })
  assert.equal(t.at(59), '94287082')
  assert.throws(() => new Totp({ secret: '!' }), (e) => e instanceof MfaError && e.code === 'invalid_secret')
})
