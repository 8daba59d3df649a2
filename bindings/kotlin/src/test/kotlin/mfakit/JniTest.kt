package mfakit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * The JNI shortcut of the hot calls (bindings/src/jni.rs): it is bound in this JVM, it answers
 * like the uniffi path, and everything unusual still comes out of uniffi with the same codes.
 * The `uniffi-path` Surefire execution runs the vector suites again with `-Dmfakit.jni=false`.
 */
class JniTest {
    private val key = "12345678901234567890".toByteArray()

    @Test
    fun boundUnlessTurnedOff() {
        assertEquals(System.getProperty("mfakit.jni") != "false", MfakitJni.available)
    }

    @Test
    fun answersLikeTheCore() {
        Totp(Secret.fromBytes(key)).use { totp ->
            // RFC 6238 Appendix B, SHA1, 8 digits at T = 59 is 94287082; 6 digits: 287082.
            assertEquals("287082", totp.generateAt(59))
            assertEquals("287082", totp.generateStep(1))
            assertEquals(OtpMatch(step = 1, drift = 0), totp.verifyAt("287082", 59))
            assertEquals(OtpMatch(step = 1, drift = -1), totp.verifyAt("287082", 89))
            assertNull(totp.verifyAt("287082", 59, afterStep = 1)) // replay refused
            assertNull(totp.verifyAt("287082", 200))
            assertNull(totp.verifyAt("287082", 89, window = Window(behind = 0, ahead = 0)))
            assertEquals(totp.generateAt(unixNow()).length, totp.generateNow().length)
            val now = totp.generateNow()
            assertTrue(totp.verifyNow(now) != null || totp.verifyNow(totp.generateNow()) != null)
        }
        Hotp(Secret.fromBytes(key)).use { hotp ->
            // RFC 4226 Appendix D: counter 3 is 969429.
            assertEquals("969429", hotp.generate(3))
            assertEquals(OtpMatch(step = 3, drift = 3), hotp.verify("969429", 0))
            assertNull(hotp.verify("969429", 4))
            assertNull(hotp.verify("969429", 0, lookAhead = 2))
        }
        assertTrue(kotlin.math.abs(unixNow() - System.currentTimeMillis() / 1000) <= 2)
    }

    @Test
    fun unusualInputTakesTheUniffiPath() {
        Totp(Secret.fromBytes(key)).use { totp ->
            // Errors: raised by the uniffi call the generated method falls back to.
            val e = assertThrows<MfaException.InvalidParameter> { totp.verifyAt("287082", -1) }
            assertEquals("invalid_parameter", e.code())
            assertEquals("invalid_parameter", assertThrows<MfaException> { totp.generateAt(-1) }.code())
            assertEquals("invalid_parameter", assertThrows<MfaException> { totp.verifyAt("287082", 59, afterStep = -1) }.code())
            assertEquals("invalid_parameter", assertThrows<MfaException> { totp.verifyAt("287082", 59, window = Window(-1, 1)) }.code())
            // Non-ASCII, NUL, spaces and very long codes: the same answers as uniffi gives.
            assertNull(totp.verifyAt("２８７０８２", 59)) // full-width digits
            assertNull(totp.verifyAt("287082\u0000", 59))
            assertNull(totp.verifyAt("2".repeat(100_000), 59))
            // Digits cross as a number, anything else as the string: the same answers.
            assertEquals(OtpMatch(step = 1, drift = 0), totp.verifyAt("287 082", 59))
            assertEquals(OtpMatch(step = 1, drift = 0), totp.verifyAt(" 287082\t", 59))
            assertNull(totp.verifyAt("0287082", 59)) // a leading zero is a seventh digit
            assertNull(totp.verifyAt("28708", 59))
            assertNull(totp.verifyAt("", 59))
            assertNull(totp.verifyAt("9".repeat(18), 59))
            assertNull(totp.verifyAt("9".repeat(19), 59))
            assertNull(totp.verifyAt("-287082", 59))
        }
        Totp(Secret.fromBytes(key), TotpParams(digits = 8)).use { totp ->
            // RFC 6238 Appendix B at T = 1111111109: 07081804, with its leading zero.
            assertEquals("07081804", totp.generateAt(1_111_111_109))
            assertEquals(OtpMatch(step = 37_037_036, drift = 0), totp.verifyAt("07081804", 1_111_111_109))
            assertNull(totp.verifyAt("7081804", 1_111_111_109))
        }
        Hotp(Secret.fromBytes(key)).use { hotp ->
            assertEquals("invalid_parameter", assertThrows<MfaException> { hotp.generate(-1) }.code())
            assertEquals("invalid_parameter", assertThrows<MfaException> { hotp.verify("969429", 0, lookAhead = -1) }.code())
            // A counter of 2^52 does not pack into the native's answer: the uniffi path answers.
            val big = 1L shl 52
            assertEquals(OtpMatch(step = big + 2, drift = 2), hotp.verify(hotp.generate(big + 2), big))
        }
    }

    @Test
    fun challengeVerdicts() {
        val key = ChallengeKey.generate()
        val now = 1_700_000_000L
        val issued = IssuedChallenge.issue(key, now = now)
        val code = issued.code()
        val wrong = if (code == "000000") "111111" else "000000"
        val first = issued.challenge().verify(key, wrong, now + 1)
        assertTrue(first.verdict is ChallengeVerdict.Wrong)
        val left = (first.verdict as ChallengeVerdict.Wrong).attemptsLeft
        val second = first.challenge.verify(key, code, now + 2)
        assertEquals(ChallengeVerdict.Accepted, second.verdict)
        assertEquals(ChallengeVerdict.Used, second.challenge.verify(key, code, now + 3).verdict)
        assertEquals(ChallengeVerdict.Expired, first.challenge.verify(key, code, now + 10 * 86_400).verdict)
        // The updated challenge is a full object: it stores, reloads and verifies as before.
        val reloaded = OtpChallenge.fromStored(first.challenge.toStored())
        assertEquals(ChallengeVerdict.Accepted, reloaded.verify(key, code, now + 2).verdict)
        assertEquals(left - 1, (reloaded.verify(key, wrong, now + 2).verdict as ChallengeVerdict.Wrong).attemptsLeft)
        // Another key accepts nothing; errors still come from uniffi.
        assertTrue(first.challenge.verify(ChallengeKey.generate(), code, now + 2).verdict is ChallengeVerdict.Wrong)
        assertEquals("invalid_parameter", assertThrows<MfaException> { first.challenge.verify(key, code, -1) }.code())
    }

    @Test
    fun closedObjectsRefuseLikeUniffi() {
        val totp = Totp(Secret.fromBytes(key))
        totp.close()
        assertThrows<IllegalStateException> { totp.verifyAt("287082", 59) }
        assertThrows<IllegalStateException> { totp.generateAt(59) }
        val hotp = Hotp(Secret.fromBytes(key))
        hotp.close()
        assertThrows<IllegalStateException> { hotp.generate(1) }
    }

    @Test
    fun manyThreadsShareOneObject() {
        val totp = Totp(Secret.fromBytes(key))
        val pool = Executors.newFixedThreadPool(8)
        val results = (0 until 64).map { i ->
            pool.submit<Boolean> {
                (0 until 2_000).all { n ->
                    val t = 59L + 30L * ((i * 2_000 + n) % 1000)
                    totp.verifyAt(totp.generateAt(t), t)?.drift == 0L
                }
            }
        }
        assertTrue(results.all { it.get() })
        pool.shutdown()
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS))
        totp.close()
    }
}
