'use strict'
// The package as npm installs it: loaded from node_modules (not the source tree), with the
// prebuilt addon inside, from CommonJS.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

test('require() loads the installed tarball with its prebuilt addon', () => {
  const entry = require.resolve('mfakit')
  assert.match(entry, /node_modules[\\/]mfakit[\\/]lib[\\/]index\.js$/)
  const root = path.dirname(path.dirname(entry))
  // One addon (make test) or one per platform (make dist), named by napi's platform triple.
  const addons = fs.readdirSync(path.join(root, 'native')).filter((f) => f.endsWith('.node'))
  assert.ok(addons.length >= 1, 'an addon in native/')
  for (const f of addons) assert.match(f, /^mfakit\.[a-z0-9]+-[a-z0-9]+(-[a-z]+)?\.node$/)
  const pkg = require('mfakit/package.json')
  assert.equal(pkg.name, 'mfakit')
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'no runtime dependencies')
  const { randomSecret, Totp } = require('mfakit')
  assert.equal(new Totp({ secret: randomSecret() }).now().length, 6)
  // The loader picked the file of this platform and CPU from the package itself.
  const loaded = Object.keys(require.cache).filter((f) => f.startsWith(path.join(root, 'native')) && f.endsWith('.node'))
  assert.equal(loaded.length, 1, loaded.join(', '))
  assert.ok(path.basename(loaded[0]).startsWith(`mfakit.${process.platform}-${process.arch}`), loaded[0])
  if (process.env.MFAKIT_EXPECT_ADDON) assert.equal(path.basename(loaded[0]), process.env.MFAKIT_EXPECT_ADDON)
})

test('every function and class of the addon is exported', () => {
  const mfakit = require('mfakit')
  const dts = fs.readFileSync(require.resolve('mfakit/package.json').replace('package.json', 'native/index.d.ts'), 'utf8')
  const declared = [...dts.matchAll(/export declare (?:function|class) (\w+)/g)].map((m) => m[1])
  assert.ok(declared.length >= 8)
  for (const name of declared) assert.equal(typeof mfakit[name], 'function', name)
})
