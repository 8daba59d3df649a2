package mfakit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The one exception hierarchy, its stable codes, and panics turned into `internal`. */
class ErrorTest {
    private val allCodes = listOf(
        "invalid_secret", "invalid_parameter", "incompatible_profile", "invalid_uri",
        "invalid_stored_value", "unknown_key", "unseal_failed", "rate_limited", "qr_too_large",
        "not_enrolled", "step_up_required", "storage_unavailable", "storage_conflict", "internal",
    )

    @Test
    fun `the codes are the core's, in its order`() {
        assertEquals(allCodes, errorCodes())
    }

    @Test
    fun `every variant has its code`() {
        val variants: List<MfaException> = listOf(
            MfaException.InvalidSecret("r"),
            MfaException.InvalidParameter("digits", "r"),
            MfaException.IncompatibleProfile("r"),
            MfaException.InvalidUri("r"),
            MfaException.InvalidStoredValue("r"),
            MfaException.UnknownKey("k1"),
            MfaException.UnsealFailed(),
            MfaException.RateLimited(30uL),
            MfaException.QrTooLarge(),
            MfaException.NotEnrolled("totp"),
            MfaException.StepUpRequired(),
            MfaException.StorageUnavailable("r"),
            MfaException.StorageConflict(),
            MfaException.Internal("r"),
        )
        assertEquals(allCodes, variants.map { it.code() })
        // Exhaustive `when` over the sealed class: a new variant breaks this test's compilation.
        for (e in variants) {
            val code = when (e) {
                is MfaException.InvalidSecret -> "invalid_secret"
                is MfaException.InvalidParameter -> "invalid_parameter"
                is MfaException.IncompatibleProfile -> "incompatible_profile"
                is MfaException.InvalidUri -> "invalid_uri"
                is MfaException.InvalidStoredValue -> "invalid_stored_value"
                is MfaException.UnknownKey -> "unknown_key"
                is MfaException.UnsealFailed -> "unseal_failed"
                is MfaException.RateLimited -> "rate_limited"
                is MfaException.QrTooLarge -> "qr_too_large"
                is MfaException.NotEnrolled -> "not_enrolled"
                is MfaException.StepUpRequired -> "step_up_required"
                is MfaException.StorageUnavailable -> "storage_unavailable"
                is MfaException.StorageConflict -> "storage_conflict"
                is MfaException.Internal -> "internal"
            }
            assertEquals(code, e.code())
        }
    }

    @Test
    fun `errors are typed, with fields and a readable message`() {
        val e = assertThrows<MfaException.InvalidParameter> { Totp(Secret.generate(), TotpParams(digits = 5)) }
        assertEquals("invalid_parameter", e.code())
        assertEquals("digits", e.name)
        assertEquals("invalid parameter `digits`: must be between 6 and 10", e.describe())
        assertTrue(e.message.contains("between 6 and 10"), e.message)

        val p = assertThrows<MfaException.IncompatibleProfile> {
            Totp.newEnrolment(Secret.generate(), TotpParams(algorithm = Algorithm.SHA256))
        }
        assertEquals("incompatible_profile", p.code())
        Totp.newEnrolment(Secret.generate(), TotpParams(algorithm = Algorithm.SHA256), Profile.ANY)

        val s = assertThrows<MfaException.InvalidSecret> {
            Totp.newEnrolment(Secret.fromBytes(ByteArray(10) { 1 }))
        }
        assertEquals("invalid_secret", s.code())
    }

    @Test
    fun `a wrong code is an answer, not an exception`() {
        val totp = Totp(Secret.generate())
        assertEquals(null, totp.verifyAt("000000x", 1_700_000_000))
        assertEquals(null, Hotp(Secret.generate()).verify("", 0))
    }

    @Test
    fun `a Rust panic surfaces as MfaException Internal and the JVM carries on`() {
        repeat(3) {
            val e = assertThrows<MfaException.Internal> { debugPanicForTests() }
            assertEquals("internal", e.code())
            assertTrue(e.reason.contains("panic"), e.reason)
        }
        // The library still works after the caught panics.
        assertEquals("94287082", Totp(Secret.fromBytes("12345678901234567890".toByteArray()), TotpParams(digits = 8)).generateAt(59))
    }

    @Test
    fun `exception messages never contain the secret`() {
        val secret = "JBSWY3DPEHPK3PXP"
        val messages = listOf(
            assertThrows<MfaException> { Secret.fromBase32("$secret!") },
            assertThrows<MfaException> { OtpAuthUri.parse("otpauth://totp/a?secret=$secret&digits=5") },
            assertThrows<MfaException> { OtpAuthUri.parse("otpauth://totp/a?secret=$secret&secret=$secret") },
        ).flatMap { listOf(it.message ?: "", it.describe(), it.toString()) }
        for (m in messages) assertFalse(m.contains(secret), m)
    }
}
