//! The uniffi generator, pinned to the same uniffi version as the library it reads:
//! `uniffi-bindgen generate --library <libmfakit_uniffi.so> --language kotlin --out-dir DIR`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
