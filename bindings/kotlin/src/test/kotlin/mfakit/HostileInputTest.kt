package mfakit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Huge, negative, overflowing and absurd input: typed errors or `null`, never a crash. */
class HostileInputTest {
    private val secret = Secret.fromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    private val totp = Totp(secret)
    private val hotp = Hotp(secret)

    private inline fun code(block: () -> Unit): String = assertThrows<MfaException> { block() }.code()

    @Test
    fun `negative times, steps and counters are invalid_parameter`() {
        assertEquals("invalid_parameter", code { totp.generateAt(-1) })
        assertEquals("invalid_parameter", code { totp.generateAt(Long.MIN_VALUE) })
        assertEquals("invalid_parameter", code { totp.stepAt(-30) })
        assertEquals("invalid_parameter", code { totp.remainingAt(-1) })
        assertEquals("invalid_parameter", code { totp.generateStep(-1) })
        assertEquals("invalid_parameter", code { totp.verifyAt("123456", -1) })
        assertEquals("invalid_parameter", code { totp.verifyAt("123456", 0, Window(), -5) })
        assertEquals("invalid_parameter", code { hotp.generate(-1) })
        assertEquals("invalid_parameter", code { hotp.verify("123456", -1) })
        assertEquals("invalid_parameter", code { hotp.resync("123456", "123456", -1, 10) })
        assertEquals("invalid_parameter", code { Totp(secret, TotpParams(period = -30)) })
        assertEquals("invalid_parameter", code { Totp(secret, TotpParams(t0 = -1)) })
        val e = assertThrows<MfaException.InvalidParameter> { totp.generateAt(-1) }
        assertEquals("time", e.name)
    }

    @Test
    fun `extreme but valid times work`() {
        totp.generateAt(Long.MAX_VALUE)
        totp.verifyAt("123456", Long.MAX_VALUE, Window(100, 100))
        totp.verifyAt("123456", 0, Window(100, 100))
        hotp.verify("123456", Long.MAX_VALUE, 1000)
        val slow = Totp(secret, TotpParams(period = Long.MAX_VALUE))
        assertEquals(Long.MAX_VALUE, slow.remainingAt(0))
        assertEquals(1L, slow.remainingAt(Long.MAX_VALUE - 1))
        assertEquals("invalid_parameter", code { Totp(secret, TotpParams(t0 = 100)).generateAt(99) })
    }

    @Test
    fun `absurd digits, periods, windows and look-aheads`() {
        for (d in listOf(-1, 0, 5, 11, Int.MAX_VALUE, Int.MIN_VALUE)) {
            assertEquals("invalid_parameter", code { Totp(secret, TotpParams(digits = d)) }, "digits $d")
            assertEquals("invalid_parameter", code { Hotp(secret, d) }, "digits $d")
        }
        assertEquals("invalid_parameter", code { Totp(secret, TotpParams(period = 0)) })
        for (w in listOf(Window(101, 0), Window(0, 101), Window(-1, 1), Window(Int.MAX_VALUE, Int.MAX_VALUE))) {
            assertEquals("invalid_parameter", code { totp.verifyAt("123456", 1_700_000_000, w) }, "$w")
        }
        for (l in listOf(-1, 1001, Int.MAX_VALUE)) {
            assertEquals("invalid_parameter", code { hotp.verify("123456", 0, l) }, "look-ahead $l")
        }
        assertEquals("invalid_parameter", code { hotp.resync("1", "2", 0, Int.MAX_VALUE) })
        assertEquals("invalid_parameter", code { Secret.generateBits(-8) })
        assertEquals("invalid_parameter", code { Secret.generateBits(Int.MAX_VALUE) })
        assertEquals("invalid_parameter", code { qrPng("x", 0) })
        assertEquals("invalid_parameter", code { qrPng("x", -1) })
        assertEquals("invalid_parameter", code { qrSvg("x", -1) })
    }

    @Test
    fun `huge strings and NUL bytes`() {
        val huge = "A".repeat(5_000_000)
        assertEquals("invalid_secret", code { Secret.fromBase32(huge) })
        assertEquals("invalid_secret", code { Secret.fromBytes(ByteArray(2_000)) })
        assertEquals("invalid_secret", code { Secret.fromBytes(ByteArray(0)) })
        assertEquals("invalid_secret", code { Secret.fromBase32("JBSW\u0000Y3DP") })
        assertEquals("invalid_uri", code { OtpAuthUri.parse("otpauth://totp/a?secret=$huge") })
        assertEquals("invalid_uri", code { OtpAuthUri.parse("otpauth://totp/a\u0000b") })
        assertEquals("qr_too_large", code { qrSvg(huge) })
        assertEquals("qr_too_large", code { qrTerminal("x".repeat(10_000)) })
        assertNull(totp.verifyAt(huge, 1_700_000_000))
        assertNull(totp.verifyAt("123\u0000456", 1_700_000_000))
        assertNull(totp.verifyAt("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", 1_700_000_000))
        assertNull(hotp.verify(huge, 0))
        assertNull(hotp.resync(huge, huge, 0, 10))
        assertEquals("invalid_parameter", code { parseAlgorithm(huge) })
        assertEquals("invalid_parameter", code { parseAlgorithm("SHA1\u0000") })
    }

    @Test
    fun `an account or issuer with NUL or unicode round-trips through the URI`() {
        val uri = OtpAuthUri.forTotp(totp, "ali\u0000ce \u00e9\u4e2d", "Ex\u0000")
        val back = OtpAuthUri.parse(uri.toUri())
        assertEquals("ali\u0000ce \u00e9\u4e2d", back.account())
        assertEquals("Ex\u0000", back.issuer())
    }
}
