package mfakit

import com.sun.jna.NativeLibrary

/**
 * @suppress Not API. The JNI shortcut of the hot calls (`bindings/src/jni.rs`): the generated
 * `Totp`, `Hotp`, `OtpChallenge.verify` and `unixNow()` are patched at build time (`kotlin/jni/PatchJni.java`) to try
 * these natives first and to run their ordinary uniffi call when a native answers
 * [FALLBACK] (or `null`), or when the natives are not available. Errors and panics therefore
 * always come out of the uniffi path, as the same `MfaException`s with the same codes.
 *
 * The natives live in the same library as the uniffi scaffolding; it is loaded a second time
 * with `System.load` from the file JNA found (the same file, so the same copy in memory and
 * the same object handles). `-Dmfakit.jni=false` turns the shortcut off (benchmarks, tests).
 */
internal object MfakitJni {
    /** A verify native's answer: take the uniffi path (an error, or an unusual argument). */
    const val FALLBACK = -1
    /** A verify native's answer: no match (`null`). */
    const val NO_MATCH = 0
    /** A verify native's answer: a match, `[step, drift]` written to the `out` array. */
    const val MATCH = 1

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
    @JvmStatic external fun totpVerifyAt(
        handle: Long, code: String, unix: Long, behind: Int, ahead: Int,
        hasAfter: Boolean, afterStep: Long, out: LongArray,
    ): Int
    @JvmStatic external fun totpVerifyNow(
        handle: Long, code: String, behind: Int, ahead: Int,
        hasAfter: Boolean, afterStep: Long, out: LongArray,
    ): Int
    @JvmStatic external fun hotpGenerate(handle: Long, counter: Long): String?
    @JvmStatic external fun hotpVerify(handle: Long, code: String, counter: Long, lookAhead: Int, out: LongArray): Int
    @JvmStatic external fun challengeVerify(handle: Long, key: Long, input: String, now: Long, out: LongArray): Int
}
