package mfakit

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The Kotlin surface: defaults, conversions, redaction, object lifetime, QR output. */
class ApiTest {
    private val rfcSecret = Secret.fromBytes("12345678901234567890".toByteArray())

    @Test
    fun `defaults are the authenticator-app defaults`() {
        val totp = Totp(Secret.generate())
        assertEquals(TotpParams(Algorithm.SHA1, 6, 30, 0), totp.params())
        assertEquals(Window(1, 1), Window())
        val hotp = Hotp(Secret.generate())
        assertEquals(Algorithm.SHA1, hotp.algorithm())
        assertEquals(6, hotp.digits())
        assertEquals(160, Secret.generate().bits())
        assertEquals(256, Secret.generateBits(256).bits())
        assertNotEquals(Secret.generate().toBase32(), Secret.generate().toBase32())
    }

    @Test
    fun `algorithm names`() {
        assertEquals(Algorithm.SHA256, parseAlgorithm("sha-256"))
        assertEquals(Algorithm.SHA512, parseAlgorithm("SHA512"))
        assertEquals(listOf("SHA1", "SHA256", "SHA512"), Algorithm.entries.map { algorithmName(it) })
    }

    @Test
    fun `enrol, show, verify once, refuse the replay`() {
        val totp = Totp.newEnrolment(Secret.generate())
        val now = 1_700_000_000L
        val code = totp.generateAt(now)
        val match = totp.verifyAt(code, now)!!
        assertEquals(OtpMatch(totp.stepAt(now), 0), match)
        assertNull(totp.verifyAt(code, now, afterStep = match.step))
        assertEquals(10L, totp.remainingAt(now)) // 1_700_000_000 is 20 s into its step
        assertTrue(totp.remainingAt(unixNow()) in 1..30)
        assertNotNull(totp.verifyNow(totp.generateNow()))
        val slow = totp.generateAt(now - 30)
        assertEquals(-1L, totp.verifyAt(slow, now)!!.drift)
        assertNull(totp.verifyAt(slow, now, Window(behind = 0, ahead = 1)))
    }

    @Test
    fun `HOTP look-ahead and resync`() {
        val hotp = Hotp(rfcSecret)
        assertEquals(OtpMatch(5, 5), hotp.verify("254676", 0))
        assertNull(hotp.verify("254676", 0, lookAhead = 4))
        assertEquals(502L, hotp.resync(hotp.generate(500), hotp.generate(501), 0, 1000))
        assertNull(hotp.resync(hotp.generate(501), hotp.generate(500), 0, 1000))
    }

    @Test
    fun `URIs for enrolment and back`() {
        val totp = Totp(Secret.fromBase32("JBSWY3DPEHPK3PXP"))
        val uri = OtpAuthUri.forTotp(totp, "alice@example.com", "Example Co")
        assertEquals(
            "otpauth://totp/Example%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co",
            uri.toUri(),
        )
        val back = OtpAuthUri.parse(uri.toUri()).totp()
        assertEquals(totp.generateAt(1_234_567_890), back.generateAt(1_234_567_890))

        val hotpUri = OtpAuthUri.forHotp(Hotp(rfcSecret, 8, Algorithm.SHA256), 42, "bob")
        assertEquals(OtpKind.Hotp(42), hotpUri.kind())
        assertEquals(8, OtpAuthUri.parse(hotpUri.toUri()).hotp().digits())
        assertEquals("invalid_uri", assertThrows<MfaException> { hotpUri.totp() }.code())
        assertEquals("invalid_uri", assertThrows<MfaException> { uri.hotp() }.code())
        // A non-zero T0 cannot be written into an otpauth URI.
        val shifted = Totp(Secret.generate(), TotpParams(t0 = 100))
        assertEquals("invalid_parameter", assertThrows<MfaException> { OtpAuthUri.forTotp(shifted, "bob") }.code())
    }

    @Test
    fun `QR codes`() {
        val uri = OtpAuthUri.forTotp(Totp(Secret.generate()), "alice").toUri()
        val svg = qrSvg(uri)
        assertTrue(svg.contains("<svg"), svg.take(100))
        assertTrue(qrSvg(uri, 512).length >= svg.length / 2)
        val png = qrPng(uri)
        assertArrayEquals(byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()), png.copyOf(4))
        assertTrue(qrTerminal(uri).contains('\u2580') || qrTerminal(uri).contains('\u2584'))
    }

    @Test
    fun `toString never shows the secret`() {
        val b32 = "JBSWY3DPEHPK3PXP"
        val secret = Secret.fromBase32(b32)
        val totp = Totp(secret)
        val hotp = Hotp(secret)
        val uri = OtpAuthUri.forTotp(totp, "alice", "Example")
        for (shown in listOf(secret.toString(), totp.toString(), hotp.toString(), uri.toString(), "$secret")) {
            assertFalse(shown.contains(b32), shown)
            assertFalse(shown.contains(b32.lowercase()), shown)
            assertFalse(shown.contains("48656c6c6f21deadbeef"), shown)
            assertTrue(shown.contains("<redacted>"), shown)
        }
        assertEquals("Secret(<redacted>)", secret.toString())
        // The record holds no secret at all; its data-class toString is harmless.
        assertFalse(totp.params().toString().contains(b32))
    }

    @Test
    fun `objects are AutoCloseable and usable until closed`() {
        val code = Secret.fromBase32("JBSWY3DPEHPK3PXP").use { s -> Totp(s).use { it.generateAt(59) } }
        assertEquals(6, code.length)
        val closed = Secret.generate()
        closed.close()
        assertThrows<IllegalStateException> { closed.toBase32() }
    }

    @Test
    fun `version is the workspace version`() {
        assertTrue(version().matches(Regex("""\d+\.\d+\.\d+.*""")), version())
    }
}
