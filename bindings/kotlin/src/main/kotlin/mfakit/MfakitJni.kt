package mfakit

import com.sun.jna.NativeLibrary
import java.nio.ByteBuffer

/**
 * @suppress Not API. The JNI shortcut of the hot calls (`bindings/src/jni.rs`): the generated
 * `Totp`, `Hotp`, `OtpChallenge.verify`, `Mfa.verify` and `unixNow()` are patched at build time
 * (`kotlin/jni/PatchJni.java`) to try these natives first and to run their ordinary uniffi call
 * when a native answers "fall back" (`-1` or `null`), or when the natives are not available.
 * Errors and panics of the pure calls therefore come out of the uniffi path, as the same
 * `MfaException`s with the same codes; `Mfa.verify`, which must not run twice, carries its
 * error back in uniffi's own serialization instead ([verification]).
 *
 * The natives live in the same library as the uniffi scaffolding; it is loaded a second time
 * with `System.load` from the file JNA found (the same file, so the same copy in memory and
 * the same object handles). `-Dmfakit.jni=false` turns the shortcut off (benchmarks, tests).
 */
internal object MfakitJni {
    /** `challengeVerify`'s answer: take the uniffi path (an error, or an unusual argument). */
    const val FALLBACK = -1
    /** `challengeVerify`'s answer: the verification, written to the `out` array. */
    const val MATCH = 1
    /**
     * An OTP verify native's answer: no match (`null`). `-1` means: take the uniffi path; a
     * value `>= 0` is a match, `step * 4096 + drift + 2048` ([otpMatch]; `OtpMatch::packed` in core/src/otp.rs).
     */
    const val NO_MATCH = -2L

    /**
     * A typed code of 1 to 18 ASCII digits as a number, else `-1`: the OTP verify natives take
     * such a code as this number and its length (leading zeros), which saves reading the string
     * through JNI; any other code (spaces, other characters, longer) crosses as the string.
     */
    @JvmStatic
    fun digits(code: String): Long {
        if (code.isEmpty() || code.length > 18) return -1L
        var v = 0L
        for (c in code) {
            if (c < '0' || c > '9') return -1L
            v = v * 10 + (c - '0')
        }
        return v
    }

    /** The match packed by an OTP verify native (a value `>= 0`). */
    @JvmStatic
    fun otpMatch(packed: Long) = OtpMatch(packed shr 12, (packed and 4095L) - 2048L)

    /**
     * The answer of [mfaVerify] (not null: the verification ran): a `Verification`, or the
     * `MfaException` thrown, both read by uniffi's generated converters from the bytes uniffi's
     * Rust side writes, after a first byte saying which (jni.rs `service_answer`).
     */
    @JvmStatic
    fun verification(answer: ByteArray): Verification {
        // Big-endian, as uniffi's RustBuffer.asByteBuffer().
        val buf = ByteBuffer.wrap(answer, 1, answer.size - 1)
        val ok = answer[0] == 0.toByte()
        val value: Any = if (ok) FfiConverterTypeVerification.read(buf) else FfiConverterTypeMfaError.read(buf)
        check(!buf.hasRemaining()) { "junk remaining after the JNI answer" }
        if (value is MfaException) throw value
        return value as Verification
    }

    /** Whether the natives are bound. */
    @JvmField
    val available: Boolean = load()

    private fun load(): Boolean {
        if (System.getProperty("mfakit.jni") == "false") return false
        // The name uniffi's generated loader uses (findLibraryName in mfakit_uniffi.kt).
        val name = System.getProperty("uniffi.component.mfakit_uniffi.libraryOverride") ?: "mfakit_uniffi"
        return try {
            val file = try {
                NativeLibrary.getInstance(name).file
            } catch (e: UnsatisfiedLinkError) {
                null
            }
            if (file != null) System.load(file.absolutePath) else System.loadLibrary(name)
            unixNow() >= 0 // binds one native: proves this library exports them
        } catch (e: UnsatisfiedLinkError) {
            false // a library without the JNI exports: everything stays on uniffi
        } catch (e: SecurityException) {
            false
        }
    }

    @JvmStatic external fun unixNow(): Long
    @JvmStatic external fun totpGenerateAt(handle: Long, unix: Long): String?
    @JvmStatic external fun totpGenerateStep(handle: Long, step: Long): String?
    @JvmStatic external fun totpGenerateNow(handle: Long): String?
    // The OTP verify natives take the code as `code`, or, when `code` is null, as the number
    // `digits` of `length` digits ([digits]).
    @JvmStatic external fun totpVerifyAt(
        handle: Long, code: String?, digits: Long, length: Int, unix: Long, behind: Int, ahead: Int,
        hasAfter: Boolean, afterStep: Long,
    ): Long
    @JvmStatic external fun totpVerifyNow(
        handle: Long, code: String?, digits: Long, length: Int, behind: Int, ahead: Int,
        hasAfter: Boolean, afterStep: Long,
    ): Long
    @JvmStatic external fun hotpGenerate(handle: Long, counter: Long): String?
    @JvmStatic external fun hotpVerify(handle: Long, code: String?, digits: Long, length: Int, counter: Long, lookAhead: Int): Long
    @JvmStatic external fun challengeVerify(handle: Long, key: Long, input: String, now: Long, out: LongArray): Int
    /** `Mfa.verify`; null (only before it ran): take the uniffi path; else see [verification]. */
    @JvmStatic external fun mfaVerify(handle: Long, challengeId: String, method: Int, code: String): ByteArray?
}
