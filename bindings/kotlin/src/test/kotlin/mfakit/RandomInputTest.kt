package mfakit

import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import kotlin.random.Random

/**
 * Random hostile input at every parsing entry point: each call returns a value or throws an
 * [MfaException] with a known code, never another exception or a crash. Seeded, so a failure
 * is reproducible (the seed is in the message).
 */
class RandomInputTest {
    private val secret = Secret.fromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    private val totp = Totp(secret)
    private val ring = Keyring("k1", SealingKey.fromBytes(ByteArray(32)))
    private val pieces = "AZaz27=-+ %:/?&#019\u0000é\u029a".map { it.toString() } +
        listOf("😀", "otpauth://totp/", "hotp", "secret=", "issuer=", "digits=", "counter=", "mfakit:", ";", ".", ",")
    private val prefixes = listOf(
        "", "otpauth://totp/a?secret=", "otpauth://hotp/i:a?counter=1&secret=", "mfakit:recovery:v1:",
        "mfakit:challenge:v1:", "mfakit:rate:v1:", "mfakit:attempts:v1:", "mfakit:sealed:v1:k1:",
    )

    private fun text(r: Random): String {
        val n = listOf(0, 1, 6, 8, 16, 32, 64, 300, 5000).random(r)
        return if (r.nextBoolean()) (0 until n).joinToString("") { pieces.random(r) }
        else String(r.nextBytes(n), Charsets.UTF_8)
    }

    private fun time(r: Random): Long =
        listOf(0L, 1L, -1L, 59L, Long.MAX_VALUE, Long.MIN_VALUE, 1L shl 40, r.nextLong()).random(r)

    @Test
    fun `random hostile input gives values or typed errors`() {
        val codes = errorCodes().toSet()
        for (seed in 0 until 60) {
            val r = Random(seed)
            repeat(5) { round ->
                val t = text(r)
                val prefixed = prefixes.random(r) + t
                val at = time(r)
                val calls: List<() -> Any?> = listOf(
                    { Secret.fromBase32(t) },
                    { OtpAuthUri.parse(prefixed) },
                    { totp.verifyAt(t, at) },
                    { totp.verifyAt(t, 1_700_000_000, Window(r.nextInt(-2, 120), r.nextInt(-2, 120))) },
                    { totp.generateAt(at) },
                    { Hotp(secret, listOf(5, 6, 8, 10, 11, Int.MAX_VALUE).random(r)).generate(at) },
                    { Hotp(secret).verify(t, at, listOf(-1, 0, 10, 1_000_000).random(r)) },
                    { Totp(secret, TotpParams(period = at, digits = listOf(6, 8, 99).random(r))).generateAt(0) },
                    { RecoveryCodeSet.fromStored(prefixed) },
                    { OtpChallenge.fromStored(prefixed) },
                    { RateState.fromStored(prefixed) },
                    { ring.open(prefixed, "user".toByteArray()) },
                    { sealedKeyId(prefixed) },
                    { normalizeRecoveryCode(t) },
                    { maskEmail(t) },
                    { maskPhone(t, r.nextInt(-1, 6)) },
                    { qrSvg(t, r.nextInt(-1, 400)) },
                )
                calls.forEachIndexed { index, call ->
                    try {
                        call()
                    } catch (e: MfaException) {
                        assertTrue(e.code() in codes, "seed $seed round $round call $index: ${e.code()}")
                    } catch (e: Throwable) {
                        fail<Unit>("seed $seed round $round call $index: ${e::class.qualifiedName}: ${e.message}")
                    }
                }
            }
        }
    }
}
