'use strict'
// Side-by-side benchmark: mfakit against otplib 13, otpauth and speakeasy, each used the
// way its README shows (default plugins), on the same secret, time and window (±1 step).
// Prints one table: time per call and how many times slower each peer is than mfakit.
//
//   make -C node bench   builds and packs the package, installs the tarball into an empty
//                        folder beside the peers, and runs this file there
//   MFAKIT_BENCH_MS=300 MFAKIT_BENCH_ROUNDS=10 ...   longer or more runs (default 40 ms × 31)
//
// With SHA extensions (x86 SHA-NI, Arm SHA1/SHA2) an HMAC costs little, so the cost of a call
// into the addon decides mfakit's times: the header says which kind of CPU this ran on.

// The installed package under make bench; from a checkout, the package resolves to itself.
const mfakit = require('mfakit')
const MFAKIT_FROM = require.resolve('mfakit').includes(`node_modules${require('node:path').sep}mfakit`) ? 'the installed tarball' : 'the source tree'
const otplib = require('otplib')
const OTPAuth = require('otpauth')
const speakeasy = require('speakeasy')
const nodeRsArgon2 = require('@node-rs/argon2')
const { monitorEventLoopDelay } = require('node:perf_hooks')
const fs = require('node:fs')
const os = require('node:os')

const RUN_MS = Number(process.env.MFAKIT_BENCH_MS || 40)
const ROUNDS = Number(process.env.MFAKIT_BENCH_ROUNDS || 31)
const SECRET = mfakit.randomSecret()
const T = 1_700_000_000
const totp = new mfakit.Totp({ secret: SECRET })
// Verification is timed the way a server calls it: at the current time. The codes are taken
// afresh before every timed run (`refresh`), so that on a busy machine, where the benchmark
// can take minutes of wall time, the right code stays the current one and never ages out of
// the window; within one run a code that rolls into the previous step still verifies (window
// ±1), for every library.
let RIGHT, WRONG, AFTER_STEP
function refresh() {
  RIGHT = totp.now()
  // Wrong for the previous, current and next step alike.
  WRONG = '000000'
  while ([-30, 0, 30].some((d) => totp.at(Date.now() / 1000 + d) === WRONG)) WRONG = String(Number(WRONG) + 1).padStart(6, '0')
  // Two steps back: the replay guard passes the current code.
  AFTER_STEP = Math.floor(Date.now() / 1000 / 30) - 2
}
refresh()
const otpauthTotp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) })

/** The CPU model and whether it has SHA extensions, from /proc/cpuinfo where there is one. */
function cpuDescription() {
  let info = ''
  try {
    info = fs.readFileSync('/proc/cpuinfo', 'utf8')
  } catch {}
  const field = (name) => (info.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm')) || [])[1]
  const model = field('model name') || os.cpus()[0]?.model || 'unknown CPU'
  const flags = new Set((field('flags') || field('Features') || '').split(/\s+/))
  const sha = flags.has('sha_ni') ? 'yes (sha_ni)' : flags.has('sha1') && flags.has('sha2') ? 'yes (sha1, sha2)' : info ? 'no' : 'unknown'
  return `${model.trim()}, SHA extensions: ${sha}`
}

let sink = 0
/** CPU time of this process in milliseconds: unlike wall time, not inflated when other
 *  processes share the cores. */
function cpuMs() {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Calls per timed batch for `fn`: enough for about 20 ms. */
function batchSize(fn) {
  refresh()
  let batch = 1
  for (;;) {
    const start = cpuMs()
    for (let i = 0; i < batch; i++) sink ^= fn() ? 1 : 0
    if (cpuMs() - start > 20) return batch
    batch *= 2
  }
}

/** Nanoseconds of CPU per call of `fn` over about `ms` milliseconds. */
function timeRun(fn, batch, ms) {
  refresh()
  let calls = 0
  const start = cpuMs()
  let elapsed = 0
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) sink ^= fn() ? 1 : 0
    calls += batch
    elapsed = cpuMs() - start
  }
  return (elapsed * 1e6) / calls
}

/** For each library: the best nanoseconds per call over the rounds, and the ratio to mfakit.
 *  Every round times each library once, back to back and in a rotating order; the ratio is the
 *  median over rounds of (library ÷ mfakit) within a round. On a shared host, where a slow
 *  spell can last for seconds, such paired ratios are far steadier than a ratio of two
 *  separate best times. */
function measureAll(impls) {
  const entries = Object.entries(impls).map(([lib, fn]) => ({ lib, fn, batch: batchSize(fn), best: Infinity, ratios: [] }))
  for (let round = 0; round < ROUNDS; round++) {
    const times = {}
    for (let i = 0; i < entries.length; i++) {
      const e = entries[(round + i) % entries.length]
      times[e.lib] = timeRun(e.fn, e.batch, RUN_MS)
      e.best = Math.min(e.best, times[e.lib])
    }
    for (const e of entries) e.ratios.push(times[e.lib] / times.mfakit)
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]
  return Object.fromEntries(entries.map((e) => [e.lib, { ns: e.best, ratio: median(e.ratios) }]))
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
  // The same with an options object, as servers write it.
  'verify right, { window: 1 }': {
    mfakit: () => totp.verify(RIGHT, { window: 1 }) !== null,
    otplib: () => otplib.verifySync({ secret: SECRET, token: RIGHT, epochTolerance: 30 }).valid,
    otpauth: () => otpauthTotp.validate({ token: RIGHT, window: 1 }) !== null,
    speakeasy: () => speakeasy.totp.verify({ secret: SECRET, encoding: 'base32', token: RIGHT, window: 1 }),
  },
  'verify wrong, { window: 1 }': {
    mfakit: () => totp.verify(WRONG, { window: 1 }) !== null,
    otplib: () => otplib.verifySync({ secret: SECRET, token: WRONG, epochTolerance: 30 }).valid,
    otpauth: () => otpauthTotp.validate({ token: WRONG, window: 1 }) !== null,
    speakeasy: () => speakeasy.totp.verify({ secret: SECRET, encoding: 'base32', token: WRONG, window: 1 }),
  },
  // What a server does per request: a stored secret string and the typed code in, a match out.
  // mfakit also refuses replays here (afterStep: a step before the current one).
  'per request: verifyTotp, right': {
    mfakit: () => mfakit.verifyTotp(SECRET, RIGHT, { window: 1, afterStep: AFTER_STEP }) !== null,
    otplib: () => otplib.verifySync({ secret: SECRET, token: RIGHT, epochTolerance: 30 }).valid,
    otpauth: () => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) }).validate({ token: RIGHT, window: 1 }) !== null,
    speakeasy: () => speakeasy.totp.verify({ secret: SECRET, encoding: 'base32', token: RIGHT, window: 1 }),
  },
  'per request: verifyTotp, wrong': {
    mfakit: () => mfakit.verifyTotp(SECRET, WRONG, { window: 1, afterStep: AFTER_STEP }) !== null,
    otplib: () => otplib.verifySync({ secret: SECRET, token: WRONG, epochTolerance: 30 }).valid,
    otpauth: () => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) }).validate({ token: WRONG, window: 1 }) !== null,
    speakeasy: () => speakeasy.totp.verify({ secret: SECRET, encoding: 'base32', token: WRONG, window: 1 }),
  },
  // The same through a `Totp` object built per request.
  'per request: new Totp + verify, right': {
    mfakit: () => new mfakit.Totp({ secret: SECRET }).verify(RIGHT, { window: 1, afterStep: AFTER_STEP }) !== null,
    otplib: () => otplib.verifySync({ secret: SECRET, token: RIGHT, epochTolerance: 30 }).valid,
    otpauth: () => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) }).validate({ token: RIGHT, window: 1 }) !== null,
    speakeasy: () => speakeasy.totp.verify({ secret: SECRET, encoding: 'base32', token: RIGHT, window: 1 }),
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

// argon2id with the same parameters on both sides: mfakit's defaults for recovery codes
// (m = 19456 KiB, t = 2, p = 1, 32-byte output, version 0x13). A recovery-code check is one
// evaluation whatever the size of the set.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32, algorithm: nodeRsArgon2.Algorithm.Argon2id, version: nodeRsArgon2.Version.V0x13 }
const recovery = mfakit.RecoveryCodeSet.generate(1)
const RECOVERY_CODE = recovery.codes[0]
const SALT = Buffer.alloc(16, 7)
if (!recovery.set.check(RECOVERY_CODE).accepted) throw new Error('recovery check failed')

/** Wall-clock milliseconds per call of an async function, calls one after another. */
async function measureAsync(fn, calls) {
  await fn()
  const start = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) await fn()
  return Number(process.hrtime.bigint() - start) / 1e6 / calls
}

/** p99 event-loop delay (ms) while `n` calls of `fn` are in flight at once. */
async function loopLag(fn, n) {
  const h = monitorEventLoopDelay({ resolution: 1 })
  h.enable()
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: n }, fn))
  const total = Number(process.hrtime.bigint() - start) / 1e6
  h.disable()
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, total }
}

// The MFA service: one verification through the binding (a promise on the libuv pool) against
// the Rust service alone (store/examples/bench_node_peer.rs, same policy, keys and store),
// both as wall time per call, calls one after another. The policy and keys match the example.
const SERVICE_POLICY = { attempts: { backoff_base_secs: 0, backoff_factor: 1, backoff_cap_secs: 0, lockout_after: 0, lockout_secs: 0 } }
const SERVICE_CALLS = Number(process.env.MFAKIT_BENCH_SERVICE_CALLS || 100)
const SERVICE_ROUNDS = Number(process.env.MFAKIT_BENCH_SERVICE_ROUNDS || 9)

function serviceStores() {
  const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'mfakit-bench-'))
  const list = [['SQLite file', `sqlite://${dir}/bench.db`]]
  if (process.env.MFAKIT_TEST_POSTGRES_URL) list.push(['PostgreSQL', process.env.MFAKIT_TEST_POSTGRES_URL])
  if (process.env.MFAKIT_TEST_REDIS_URL) list.push(['Redis', process.env.MFAKIT_TEST_REDIS_URL])
  return list
}

/** Wall nanoseconds per call of one round: `lanes` callers at once, each awaiting its calls one after another. */
async function roundAsync(fns) {
  const start = process.hrtime.bigint()
  await Promise.all(fns.map(async (fn) => { for (let i = 0; i < SERVICE_CALLS; i++) await fn() }))
  return Number(process.hrtime.bigint() - start) / (SERVICE_CALLS * fns.length)
}

/** The binding's operations on `url`, for a new user with a confirmed TOTP and an open login. */
async function nodeService(mfa, lane) {
  const user = `bench-node-${process.pid}-${Date.now()}-${lane}`
  const setup = await mfa.setupTotp(user, 'bench')
  const t = new mfakit.Totp({ secret: setup.secret })
  const now = Math.floor(Date.now() / 1000)
  if (!(await mfa.confirmTotp(user, t.at(now))).accepted) throw new Error('confirmation refused')
  const login = await mfa.startLogin(user)
  const right = new Set([-30, 0, 30, 60].map((d) => t.at(now + d)))
  let wrong = 123457
  while (right.has(String(wrong))) wrong++
  const code = String(wrong)
  return {
    verify_wrong: async () => {
      if ((await mfa.verify(login.id, 'totp', code)).verdict !== 'wrong') throw new Error('not wrong')
    },
    status: () => mfa.status(user),
  }
}

/** One round of the Rust service alone (a warm-up call, then SERVICE_CALLS calls per operation and lane). */
function rustRound(url, lanes) {
  const out = require('node:child_process').execFileSync(process.env.MFAKIT_BENCH_PEER, [url, String(SERVICE_CALLS), '1', String(lanes)], { encoding: 'utf8' })
  return Object.fromEntries(out.trim().split('\n').map((line) => line.split(' ')).map(([k, v]) => [k, Number(v)]))
}

const OPS = [['verify_wrong', 'Mfa.verify (wrong code: compare-and-swap + audit)'], ['status', 'Mfa.status (one read)']]
// One caller awaiting each call (latency), and four at once, each its own user (what a server
// with concurrent requests sees; 4 = libuv's default pool, and the store's connections).
const SERVICE_LANES = (process.env.MFAKIT_BENCH_SERVICE_LANES || '1,4').split(',').map(Number)

async function serviceTable(fmt) {
  const peer = process.env.MFAKIT_BENCH_PEER
  const havePeer = peer && require('node:fs').existsSync(peer)
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]
  const lanesLabel = (n) => (n === 1 ? 'one caller' : `${n} callers at once`)
  const rows = []
  // The floor of any promise that runs on the libuv pool, measured in Node itself: the
  // hand-off to a pool thread and the wake-up of the event loop, with next to no work.
  const pbkdf2 = require('node:util').promisify(require('node:crypto').pbkdf2)
  const floor = () => pbkdf2('p', 's', 1, 8, 'sha1')
  for (const lanes of SERVICE_LANES) {
    const fns = Array(lanes).fill(floor)
    await roundAsync(fns)
    let best = Infinity
    for (let r = 0; r < SERVICE_ROUNDS; r++) best = Math.min(best, await roundAsync(fns))
    rows.push([`Node's own libuv-pool promise (crypto.pbkdf2, 1 iteration), ${lanesLabel(lanes)}`, fmt(best), '—', '(the floor)'])
  }
  for (const [name, url] of serviceStores()) {
    const mfa = new mfakit.Mfa({
      store: url,
      keyring: new mfakit.Keyring('k1', new mfakit.SealingKey(Buffer.alloc(32, 7))),
      challengeKey: new mfakit.ChallengeKey(Buffer.alloc(32, 9)),
      issuer: 'Example Co',
      policy: SERVICE_POLICY,
    })
    for (const lanes of SERVICE_LANES) {
      const users = []
      for (let l = 0; l < lanes; l++) users.push(await nodeService(mfa, l))
      for (const [op] of OPS) await roundAsync(users.map((u) => u[op]))
      const best = { node: {}, rust: {} }
      const ratios = Object.fromEntries(OPS.map(([op]) => [op, []]))
      // Rounds alternate the Rust program and the binding on the same store, and the ratio is
      // the median of the per-round ratios: on a shared machine a slow spell (fsync, other
      // builds) hits both sides of a round alike.
      for (let r = 0; r < SERVICE_ROUNDS; r++) {
        const rust = havePeer ? rustRound(url, lanes) : null
        for (const [op] of OPS) {
          const ns = await roundAsync(users.map((u) => u[op]))
          best.node[op] = Math.min(best.node[op] ?? Infinity, ns)
          if (rust) {
            best.rust[op] = Math.min(best.rust[op] ?? Infinity, rust[op])
            ratios[op].push(ns / rust[op])
          }
        }
      }
      for (const [op, label] of OPS) {
        const ratio = havePeer ? `${median(ratios[op]).toFixed(2)}×` : '— (MFAKIT_BENCH_PEER not built)'
        rows.push([`${label}, ${name}, ${lanesLabel(lanes)}`, fmt(best.node[op]), havePeer ? fmt(best.rust[op]) : '—', ratio])
      }
    }
  }
  const header = ['service operation', 'node binding (promise)', 'Rust service alone', 'binding ÷ Rust (goal ≤ 1.2×)']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |'
  console.log('')
  console.log(`MFA service: wall time per call (best round) of ${SERVICE_CALLS} calls per caller, each caller awaiting its calls one after another (several callers: each its own user, the Rust side on as many threads); ÷ = median over ${SERVICE_ROUNDS} rounds of (binding ÷ Rust) timed back to back on the same store, policy and keys; load average ${require('node:os').loadavg()[0].toFixed(1)}`)
  console.log(line(header))
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
  for (const r of rows) console.log(line(r))
}

async function main() {
  const fmt0 = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)
  if (process.env.MFAKIT_BENCH_ONLY === 'service') return serviceTable(fmt0)
  const PEERS = ['otplib', 'otpauth', 'speakeasy', '@node-rs/argon2']
  const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)
  const cell = (ns, base) => (ns === undefined ? '—' : `${fmt(ns)} (${(ns / base).toFixed(1)}×)`)
  const rows = []
  for (const [name, impls] of Object.entries(cases)) {
    const m = measureAll(impls)
    rows.push([name, fmt(m.mfakit.ns), ...PEERS.map((p) => (m[p] ? `${fmt(m[p].ns)} (${m[p].ratio.toFixed(1)}×)` : '—'))])
  }
  const argonCalls = Number(process.env.MFAKIT_BENCH_ARGON2 || 10)
  const oneSync = { mfakit: measureCalls(() => recovery.set.check(RECOVERY_CODE), argonCalls), peer: measureCalls(() => nodeRsArgon2.hashRawSync(RECOVERY_CODE, { ...ARGON2, salt: SALT }), argonCalls) }
  rows.push(['argon2id check (sync)', fmt(oneSync.mfakit), '—', '—', '—', cell(oneSync.peer, oneSync.mfakit)])
  const oneAsync = {
    mfakit: (await measureAsync(() => recovery.set.checkAsync(RECOVERY_CODE), argonCalls)) * 1e6,
    peer: (await measureAsync(() => nodeRsArgon2.hashRaw(RECOVERY_CODE, { ...ARGON2, salt: SALT }), argonCalls)) * 1e6,
  }
  rows.push(['argon2id check (promise, wall)', fmt(oneAsync.mfakit), '—', '—', '—', cell(oneAsync.peer, oneAsync.mfakit)])
  const lagN = Number(process.env.MFAKIT_BENCH_LAG_N || 100)
  // The same measurement with nothing to do: what the machine itself adds (a shared or busy
  // machine shows several milliseconds here).
  const idle = await loopLag(() => new Promise((resolve) => setTimeout(resolve, 2000)), 1)
  rows.push(['event-loop p99 lag, idle (baseline)', `${idle.p99.toFixed(2)} ms`, '—', '—', '—', '—'])
  const lag = await loopLag(() => recovery.set.checkAsync(RECOVERY_CODE), lagN)
  const peerLag = await loopLag(() => nodeRsArgon2.hashRaw(RECOVERY_CODE, { ...ARGON2, salt: SALT }), lagN)
  rows.push([`event-loop p99 lag, ${lagN} checks in flight`, `${lag.p99.toFixed(2)} ms`, '—', '—', '—', `${peerLag.p99.toFixed(2)} ms`])
  rows.push([`  (all ${lagN} done in)`, `${(lag.total / 1000).toFixed(2)} s`, '—', '—', '—', `${(peerLag.total / 1000).toFixed(2)} s`])

  const header = ['operation', 'mfakit', ...PEERS.map((p) => `${p} (× mfakit)`)]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |'
  console.log(`${cpuDescription()}; mfakit from ${MFAKIT_FROM}`)
  console.log(`node ${process.version}, ${process.arch}, ${os.cpus().length} CPUs; CPU time per call, best of ${ROUNDS} rounds × ${RUN_MS} ms unless marked wall; × = median over the rounds of (library ÷ mfakit) timed back to back; TOTP window ±1 step, verification at the current time; argon2id m=19456 KiB t=2 p=1`)
  console.log(line(header))
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
  for (const r of rows) console.log(line(r))
  if (sink === 42) console.log('')
  await serviceTable(fmt)
}

/** CPU nanoseconds per call over `calls` calls (for slow calls such as argon2id). */
function measureCalls(fn, calls) {
  fn()
  const start = cpuMs()
  for (let i = 0; i < calls; i++) sink ^= fn() ? 1 : 0
  return ((cpuMs() - start) * 1e6) / calls
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
