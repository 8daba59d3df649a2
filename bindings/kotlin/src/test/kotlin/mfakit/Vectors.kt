package mfakit

import java.io.File
import org.json.JSONArray
import org.json.JSONObject

/** Reads the JSON files in tests/vectors, the known answers every mfakit language shares. */
object Vectors {
    val dir: File = File(System.getProperty("mfakit.vectors") ?: "../../tests/vectors")

    fun load(name: String): JSONObject = JSONObject(File(dir, name).readText())

    fun cases(name: String, key: String = "cases"): List<JSONObject> {
        val array: JSONArray = load(name).getJSONArray(key)
        return (0 until array.length()).map { array.getJSONObject(it) }
    }

    fun hex(text: String): ByteArray =
        ByteArray(text.length / 2) { text.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

    fun JSONObject.stringOrNull(key: String): String? = if (isNull(key)) null else getString(key)

    fun JSONObject.longOrNull(key: String): Long? = if (!has(key) || isNull(key)) null else getLong(key)

    /** A TOTP built from a vector's secret_base32 / algorithm / digits / period / t0. */
    fun totpOf(case: JSONObject): Totp =
        Totp(
            Secret.fromBase32(case.getString("secret_base32")),
            TotpParams(
                algorithm = parseAlgorithm(case.getString("algorithm")),
                digits = case.getInt("digits"),
                period = case.getLong("period"),
                t0 = case.optLong("t0", 0),
            ),
        )

    /**
     * Flips one bit of one digit of [code], keeping it a digit string of the same length
     * (the same rule as core/tests/vectors.rs).
     */
    fun tamper(code: String, bit: Int): String {
        val bytes = code.toCharArray()
        val i = bit % bytes.size
        val digit = bytes[i] - '0'
        bytes[i] = '0' + (digit xor (1 shl (bit / bytes.size % 3))) % 10
        if (String(bytes) == code) bytes[i] = '0' + (digit + 1) % 10
        return String(bytes)
    }
}
