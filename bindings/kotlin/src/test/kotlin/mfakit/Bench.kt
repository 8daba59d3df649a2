package mfakit

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator
import java.time.Duration
import java.time.Instant
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * Benchmark, not a test (`make -C bindings bench`): mfakit (JNI shortcut, and the plain uniffi/JNA
 * path) against pure-JVM TOTP, plus a breakdown of where the uniffi path spends its time.
 * Asserts nothing.
 *
 * JMH-style, by hand (JMH's annotation processor does not run on Kotlin sources without kapt):
 * every benchmark runs in its own forked JVM (so each call site stays monomorphic and one
 * benchmark's JIT profile cannot slow another), `bench.forks` forks (default 2), each with
 * `bench.warmup` warm-up iterations and `bench.iterations` measured iterations of
 * `bench.millis` ms (defaults 5, 5, 200). The table gives the median ns/op over all measured
 * iterations of all forks, and the range.
 */

/** The textbook RFC 6238 TOTP on the JDK's HMAC, the "write it yourself" peer. */
private class JcaTotp(key: ByteArray) {
    private val mac = Mac.getInstance("HmacSHA1").apply { init(SecretKeySpec(key, "HmacSHA1")) }

    fun generateStep(step: Long): String {
        val h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array())
        val o = h[h.size - 1].toInt() and 0x0f
        val v = ((h[o].toInt() and 0x7f) shl 24) or ((h[o + 1].toInt() and 0xff) shl 16) or
            ((h[o + 2].toInt() and 0xff) shl 8) or (h[o + 3].toInt() and 0xff)
        return (v % 1_000_000).toString().padStart(6, '0')
    }

    fun verify(code: String, unix: Long): Long? {
        val current = unix / 30
        for (d in longArrayOf(0, -1, 1)) {
            if (java.security.MessageDigest.isEqual(generateStep(current + d).toByteArray(), code.toByteArray())) return current + d
        }
        return null
    }
}

private const val T = 1_700_000_000L
private val KEY = "12345678901234567890".toByteArray()

/**
 * One benchmark: a row label, an implementation label, extra JVM flags, and the operation; or,
 * with `program`, a native program that prints its own `RESULT` line (given the store URL,
 * warm-up and measured iterations and their length).
 */
private class Case(
    val row: String,
    val impl: String,
    val flags: List<String>,
    val program: String? = null,
    val op: () -> () -> Any?,
)

/** The service rows' policy: no lockout and no backoff, so a wrong code can be verified forever
 *  (the same JSON as bindings/examples/bench_mfa_verify.rs). */
private const val SERVICE_POLICY = """{"attempts": {"backoff_base_secs": 0, "backoff_factor": 1,
  "backoff_cap_secs": 0, "lockout_after": 0, "lockout_secs": 0},
  "recovery_params": {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1}}"""

private val UNIFFI = listOf("-Dmfakit.jni=false")

private fun cases(): List<Case> {
    fun mfakit() = Totp(Secret.fromBytes(KEY))
    fun right() = JcaTotp(KEY).generateStep(T / 30)
    fun wrong() = if (right() == "000000") "111111" else "000000"
    fun javaOtp(code: String): () -> Any? {
        val g = TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6, "HmacSHA1")
        val k = SecretKeySpec(KEY, "HmacSHA1")
        val i = Instant.ofEpochSecond(T)
        // Current step first, then -1, +1: the same order as mfakit and the JDK by hand.
        return { intArrayOf(0, -1, 1).firstOrNull { d -> g.generateOneTimePasswordString(k, i.plusSeconds(30L * d)) == code } }
    }
    val rows = mutableListOf<Case>()
    for ((row, code) in listOf("TOTP verify, right code, window ±1" to ::right, "TOTP verify, wrong code, window ±1" to ::wrong)) {
        rows += Case(row, "mfakit (JNI)", emptyList()) { val t = mfakit(); val c = code(); { t.verifyAt(c, T) } }
        rows += Case(row, "mfakit (uniffi/JNA)", UNIFFI) { val t = mfakit(); val c = code(); { t.verifyAt(c, T) } }
        rows += Case(row, "JDK Mac by hand", emptyList()) { val j = JcaTotp(KEY); val c = code(); { j.verify(c, T) } }
        rows += Case(row, "java-otp 0.4.0", emptyList()) { javaOtp(code()) }
    }
    val gen = "TOTP generate (SHA1, 6 digits)"
    rows += Case(gen, "mfakit (JNI)", emptyList()) { val t = mfakit(); { t.generateAt(T) } }
    rows += Case(gen, "mfakit (uniffi/JNA)", UNIFFI) { val t = mfakit(); { t.generateAt(T) } }
    rows += Case(gen, "JDK Mac by hand", emptyList()) { val j = JcaTotp(KEY); { j.generateStep(T / 30) } }
    rows += Case(gen, "java-otp 0.4.0", emptyList()) {
        val g = TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6, "HmacSHA1")
        val k = SecretKeySpec(KEY, "HmacSHA1")
        val i = Instant.ofEpochSecond(T);
        { g.generateOneTimePasswordString(k, i) }
    }
    val challenge = "OtpChallenge.verify, wrong code"
    for ((impl, flags) in listOf("mfakit (JNI)" to emptyList(), "mfakit (uniffi/JNA)" to UNIFFI)) {
        rows += Case(challenge, impl, flags) {
            val key = ChallengeKey.generate()
            val issued = IssuedChallenge.issue(key, now = T)
            val c = issued.challenge()
            val w = if (issued.code() == "000000") "111111" else "000000";
            { c.verify(key, w, T + 1) }
        }
    }
    // The service: one user, one login challenge, a wrong code verified again and again (each
    // call loads the record, checks the code, counts the failure and writes the record and its
    // audit event); the Rust row is the adapter method alone (bench_mfa_verify, built by
    // `make bench` and named by -Dbench.rust).
    val service = "Mfa.verify, wrong TOTP code (SQLite in memory)"
    for ((impl, flags) in listOf("mfakit (JNI)" to emptyList(), "mfakit (uniffi/JNA)" to UNIFFI)) {
        rows += Case(service, impl, flags) {
            val keyring = Keyring("k1", SealingKey.fromBytes(ByteArray(32) { 7 }))
            val mfa = Mfa("sqlite::memory:", keyring, ChallengeKey.fromBytes(ByteArray(32) { 9 }), "Bench", SERVICE_POLICY)
            mfa.setupTotp("bench", "bench", requireVerification = false)
            val id = mfa.startLogin("bench").id;
            { mfa.verify(id, Method.TOTP, "000000") }
        }
    }
    System.getProperty("bench.rust")?.let { program ->
        rows += Case(service, "Rust alone (Mfa::verify, no JVM)", emptyList(), program) { error("a native program") }
    }
    val floor = "per-call floor: unixNow()"
    rows += Case(floor, "mfakit (JNI)", emptyList()) { { unixNow() } }
    rows += Case(floor, "mfakit (uniffi/JNA)", UNIFFI) { { unixNow() } }
    rows += Case(floor, "System.currentTimeMillis()/1000", emptyList()) { { System.currentTimeMillis() / 1000 } }
    // Where the uniffi/JNA path spends its time, one ingredient at a time.
    val parts = "uniffi/JNA path, by part"
    rows += Case(parts, "bare JNA direct call (contract_version)", UNIFFI) {
        { IntegrityCheckingUniffiLib.ffi_mfakit_uniffi_uniffi_contract_version() }
    }
    rows += Case(parts, "new UniffiRustCallStatus (JNA Structure)", UNIFFI) { { UniffiRustCallStatus() } }
    rows += Case(parts, "handle clone (uniffiCloneHandle)", UNIFFI) {
        // Leaks one reference count per call; harmless in a benchmark JVM.
        val t = mfakit(); { t.uniffiCloneHandle() }
    }
    rows += Case(parts, "String result via RustBuffer (version())", UNIFFI) { { version() } }
    rows += Case(parts, "String argument (parseAlgorithm(\"SHA1\"))", UNIFFI) { { parseAlgorithm("SHA1") } }
    rows += Case(parts, "Totp.stepAt (handle, no strings)", UNIFFI) { val t = mfakit(); { t.stepAt(T) } }
    return rows
}

private var sink = 0

/** Runs one case in this JVM: warm-up, then measured iterations; returns ns/op per iteration. */
private fun runCase(case: Case): List<Double> {
    val op = case.op()
    val millis = Integer.getInteger("bench.millis", 200).toLong() * 1_000_000
    fun iteration(): Double {
        var n = 0L
        val start = System.nanoTime()
        var elapsed: Long
        do {
            for (i in 0 until 256) sink += op().hashCode()
            n += 256
            elapsed = System.nanoTime() - start
        } while (elapsed < millis)
        return elapsed.toDouble() / n
    }
    repeat(Integer.getInteger("bench.warmup", 5)) { iteration() }
    return List(Integer.getInteger("bench.iterations", 5)) { iteration() }
}

/** JIT warm-up: ns per call over the first calls in a fresh JVM (one fork, not repeated). */
private fun warmupProfile(case: Case): String {
    val t0 = System.nanoTime()
    val op = case.op()
    val setup = System.nanoTime() - t0
    val out = StringBuilder("setup %.1f ms".format(setup / 1e6))
    var prev = 0L
    for (m in longArrayOf(1, 10, 100, 1_000, 10_000, 100_000)) {
        val s = System.nanoTime()
        for (i in prev until m) sink += op().hashCode()
        out.append("; calls %d-%d: %.0f ns/op".format(prev + 1, m, (System.nanoTime() - s).toDouble() / (m - prev)))
        prev = m
    }
    return out.toString()
}

private fun median(v: List<Double>) = v.sorted().let { if (it.size % 2 == 1) it[it.size / 2] else (it[it.size / 2 - 1] + it[it.size / 2]) / 2 }

fun main(args: Array<String>) {
    val all = cases()
    if (args.size == 2 && args[0] == "--run") {
        val r = runCase(all[args[1].toInt()])
        println("RESULT " + r.joinToString(" "))
        if (sink == 42) println()
        return
    }
    if (args.size == 2 && args[0] == "--warmup") {
        println("RESULT " + warmupProfile(all[args[1].toInt()]))
        return
    }
    val javaBin = "${System.getProperty("java.home")}/bin/java"
    val forks = Integer.getInteger("bench.forks", 2)
    val pass = System.getProperties().stringPropertyNames()
        .filter { it.startsWith("jna.") || it.startsWith("bench.") || it.startsWith("uniffi.") }
        .map { "-D$it=${System.getProperty(it)}" }
    fun fork(case: Case, mode: String, index: Int): String {
        val cmd = if (case.program != null) {
            listOf(case.program, "sqlite::memory:") +
                listOf("bench.warmup" to 5, "bench.iterations" to 5, "bench.millis" to 200).map { (k, v) -> Integer.getInteger(k, v).toString() }
        } else {
            listOf(javaBin, "-cp", System.getProperty("java.class.path")) + pass + case.flags + listOf("mfakit.BenchKt", mode, index.toString())
        }
        val p = ProcessBuilder(cmd).redirectErrorStream(true).start()
        val text = p.inputStream.bufferedReader().readText()
        check(p.waitFor() == 0) { "fork failed: $cmd\n$text" }
        return text.lines().first { it.startsWith("RESULT ") }.removePrefix("RESULT ")
    }
    val cpuinfo = runCatching { java.io.File("/proc/cpuinfo").readLines() }.getOrDefault(emptyList())
    val cpu = cpuinfo.firstOrNull { it.startsWith("model name") }?.substringAfter(":")?.trim() ?: "?"
    // SHA extensions change the balance: both Rust's sha1 and (on newer JDKs) HotSpot use them.
    val sha = cpuinfo.firstOrNull { it.startsWith("flags") }?.let { f ->
        if (f.split(" ").contains("sha_ni")) "sha_ni" else "no sha_ni"
    } ?: "sha_ni unknown"
    val load = runCatching { java.io.File("/proc/loadavg").readText().trim() }.getOrDefault("?")
    println("mfakit vs pure JVM: JDK ${System.getProperty("java.version")}, $cpu ($sha), ${Runtime.getRuntime().availableProcessors()} CPUs, loadavg $load")
    println("$forks forks × ${Integer.getInteger("bench.iterations", 5)} iterations of ${Integer.getInteger("bench.millis", 200)} ms after ${Integer.getInteger("bench.warmup", 5)} warm-up iterations; median ns/op [min-max]")
    println("| operation | implementation | ns/op | range | vs mfakit (JNI) |")
    println("| --- | --- | ---: | ---: | ---: |")
    val base = HashMap<String, Double>()
    // -Dbench.only=REGEX: only the rows whose name matches (the forks keep the full list's indices).
    val only = System.getProperty("bench.only")?.let(::Regex)
    for ((i, case) in all.withIndex()) {
        if (only != null && !only.containsMatchIn(case.row)) continue
        val its = (1..forks).flatMap { fork(case, "--run", i).split(" ").map(String::toDouble) }
        val med = median(its)
        if (case.impl == "mfakit (JNI)") base[case.row] = med
        val ratio = base[case.row]?.let { "%.2fx".format(med / it) } ?: ""
        println("| ${case.row} | ${case.impl} | %.0f | %.0f-%.0f | $ratio |".format(med, its.min(), its.max()))
    }
    if (System.getProperty("bench.jit") != "false") {
        println()
        println("JIT warm-up in a fresh JVM (one fork): TOTP verify, wrong code")
        for ((i, case) in all.withIndex()) {
            if (case.row == "TOTP verify, wrong code, window ±1" && case.program == null && only?.containsMatchIn(case.row) != false) println("- ${case.impl}: ${fork(case, "--warmup", i)}")
        }
    }
}
