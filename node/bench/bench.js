'use strict'
// Side-by-side benchmark: mfakit against otplib 13, otpauth and speakeasy, each used the
// way its README shows (default plugins), on the same secret, time and window (±1 step).
// Prints one table: time per call and how many times slower each peer is than mfakit.
//
//   node bench/bench.js            (make -C node bench builds the addon first)
//   MFAKIT_BENCH_MS=1000 ...       longer runs per measurement (default 300 ms)

const mfakit = require('..')
const otplib = require('otplib')
const OTPAuth = require('otpauth')
const speakeasy = require('speakeasy')

const RUN_MS = Number(process.env.MFAKIT_BENCH_MS || 300)
const SECRET = mfakit.randomSecret()
const T = 1_700_000_000
const totp = new mfakit.Totp({ secret: SECRET })
// Verification is timed the way a server calls it: at the current time. A code that rolls
// into the previous step during the run still verifies (window ±1), for every library.
const RIGHT = totp.now()
// Wrong for the previous, current and next step alike.
let WRONG = '000000'
while ([-30, 0, 30].some((d) => totp.at(Date.now() / 1000 + d) === WRONG)) WRONG = String(Number(WRONG) + 1).padStart(6, '0')
const otpauthTotp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) })

let sink = 0
/** CPU time of this process in milliseconds: unlike wall time, not inflated when other
 *  processes share the cores. */
function cpuMs() {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Nanoseconds of CPU per call: the best of 3 timed runs after a warm-up. */
function measure(fn) {
  let batch = 1
  for (;;) {
    const start = cpuMs()
    for (let i = 0; i < batch; i++) sink ^= fn() ? 1 : 0
    if (cpuMs() - start > 20) break
    batch *= 2
  }
  let best = Infinity
  for (let run = 0; run < 3; run++) {
    let calls = 0
    const start = cpuMs()
    let elapsed = 0
    while (elapsed < RUN_MS) {
      for (let i = 0; i < batch; i++) sink ^= fn() ? 1 : 0
      calls += batch
      elapsed = cpuMs() - start
    }
    best = Math.min(best, (elapsed * 1e6) / calls)
  }
  return best
}

const cases = {
  generate: {
    mfakit: () => totp.at(T),
    otplib: () => otplib.generateSync({ secret: SECRET, epoch: T }),
    otpauth: () => otpauthTotp.generate({ timestamp: T * 1000 }),
    speakeasy: () => speakeasy.totp({ secret: SECRET, encoding: 'base32', time: T }),
  },
  'verify right': {
    mfakit: () => totp.verify(RIGHT) !== null,
    otplib: () => otplib.verifySync({ secret: SECRET, token: RIGHT, epochTolerance: 30 }).valid,
    otpauth: () => otpauthTotp.validate({ token: RIGHT, window: 1 }) !== null,
    speakeasy: () => speakeasy.totp.verify({ secret: SECRET, encoding: 'base32', token: RIGHT, window: 1 }),
  },
  'verify wrong': {
    mfakit: () => totp.verify(WRONG) !== null,
    otplib: () => otplib.verifySync({ secret: SECRET, token: WRONG, epochTolerance: 30 }).valid,
    otpauth: () => otpauthTotp.validate({ token: WRONG, window: 1 }) !== null,
    speakeasy: () => speakeasy.totp.verify({ secret: SECRET, encoding: 'base32', token: WRONG, window: 1 }),
  },
  'new secret': {
    mfakit: () => mfakit.randomSecret(),
    otplib: () => otplib.generateSecret(),
    otpauth: () => new OTPAuth.Secret({ size: 20 }).base32,
    speakeasy: () => speakeasy.generateSecret({ length: 20 }).base32,
  },
}

// Sanity: every library agrees before anything is timed (generate, verify right, verify wrong).
for (const [name, impls] of Object.entries(cases)) {
  if (name === 'new secret') continue
  const want = impls.mfakit()
  for (const [lib, fn] of Object.entries(impls)) {
    if (fn() !== want) throw new Error(`${lib} disagrees on ${name}: ${fn()} vs ${want}`)
  }
}

const PEERS = ['otplib', 'otpauth', 'speakeasy']
const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)
const rows = []
for (const [name, impls] of Object.entries(cases)) {
  const ns = {}
  for (const [lib, fn] of Object.entries(impls)) ns[lib] = measure(fn)
  rows.push([name, fmt(ns.mfakit), ...PEERS.map((p) => `${fmt(ns[p])} (${(ns[p] / ns.mfakit).toFixed(1)}×)`)])
}

const header = ['operation', 'mfakit', ...PEERS.map((p) => `${p} (× mfakit)`)]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |'
console.log(`node ${process.version}, ${process.arch}; CPU time per call, best of 3 × ${RUN_MS} ms; window ±1 step, verification at the current time; × = times slower than mfakit`)
console.log(line(header))
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
for (const r of rows) console.log(line(r))
if (sink === 42) console.log('')
