package mfakit

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator
import java.time.Duration
import java.time.Instant
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * Benchmark, not a test (`make -C bindings bench`): mfakit through uniffi/JNA against pure-JVM
 * TOTP on the same machine. Prints ns per operation and the ratio to mfakit; asserts nothing.
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

private var sink = 0

/** Median of 5 runs of ~200 ms each, in ns per call. */
private fun measure(op: () -> Any?): Double {
    repeat(20_000) { sink += op().hashCode() } // warm-up (JIT, JNA)
    val runs = (1..5).map {
        var n = 0
        val start = System.nanoTime()
        var elapsed: Long
        do {
            repeat(1000) { sink += op().hashCode() }
            n += 1000
            elapsed = System.nanoTime() - start
        } while (elapsed < 200_000_000)
        elapsed.toDouble() / n
    }
    return runs.sorted()[2]
}

fun main() {
    val key = "12345678901234567890".toByteArray()
    val t = 1_700_000_000L
    val mfakit = Totp(Secret.fromBytes(key))
    val jca = JcaTotp(key)
    val javaOtp = TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6, "HmacSHA1")
    val javaOtpKey = SecretKeySpec(key, "HmacSHA1")
    val instant = Instant.ofEpochSecond(t)
    check(mfakit.generateAt(t) == jca.generateStep(t / 30))
    check(mfakit.generateAt(t) == javaOtp.generateOneTimePasswordString(javaOtpKey, instant))
    val wrong = if (mfakit.generateAt(t) == "000000") "111111" else "000000"

    val rows = listOf(
        Triple(
            "TOTP generate (SHA1, 6 digits)",
            { mfakit.generateAt(t) },
            listOf("JDK Mac by hand" to { jca.generateStep(t / 30) }, "java-otp 0.4.0" to { javaOtp.generateOneTimePasswordString(javaOtpKey, instant) }),
        ),
        Triple(
            "TOTP verify, wrong code, window ±1",
            { mfakit.verifyAt(wrong, t) },
            listOf(
                "JDK Mac by hand" to { jca.verify(wrong, t) },
                "java-otp 0.4.0" to {
                    (-1..1).firstOrNull { d -> javaOtp.generateOneTimePasswordString(javaOtpKey, instant.plusSeconds(30L * d)) == wrong }
                },
            ),
        ),
        Triple("FFI floor: unixNow()", { unixNow() }, listOf("System.currentTimeMillis()/1000" to { System.currentTimeMillis() / 1000 })),
    )
    println("mfakit via uniffi/JNA vs pure JVM (JDK ${System.getProperty("java.version")}); median ns/op of 5 runs")
    println("%-36s %-32s %10s %8s".format("operation", "implementation", "ns/op", "vs mfakit"))
    for ((name, ours, peers) in rows) {
        val base = measure(ours)
        println("%-36s %-32s %10.0f %8s".format(name, "mfakit (Rust core via uniffi)", base, "1.00x"))
        for ((peer, op) in peers) {
            val ns = measure(op)
            println("%-36s %-32s %10.0f %7.2fx".format("", peer, ns, ns / base))
        }
    }
    if (sink == 42) println()
}
