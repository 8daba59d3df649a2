# Shared by the `dist` targets of python/, node/ and bindings/ (each Makefile includes it).
#
# Release builds for Linux x86_64 and aarch64, glibc and musl, all from this one x86_64 host:
# zig is the C compiler and the linker (maturin --zig, napi build -x, cargo zigbuild), and a
# target spelled `x86_64-unknown-linux-gnu.2.17` links against glibc 2.17's symbol versions,
# so the artifacts load on every distribution since CentOS 7 (manylinux2014).
#
# Their own Cargo target directory (target/dist): the zig-compiled C of ring and SQLite must
# not replace the host build that `make test` reuses.

DIST_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
DIST_OUT := $(DIST_ROOT)/dist
DIST_TARGET_DIR := $(DIST_ROOT)/target/dist
DIST_VENV := $(DIST_TARGET_DIR)/venv
DIST_TOOLS := $(DIST_VENV)/.installed
# Every Linux target a release ships, glibc ones pinned to 2.17.
DIST_GNU_TARGETS := x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu
DIST_MUSL_TARGETS := x86_64-unknown-linux-musl aarch64-unknown-linux-musl
DIST_GLIBC := 2.17
# Stripped, for every dist build alike (the same profile lets the packages share their
# dependencies' builds in target/dist). Not in the workspace's release profile: uniffi-bindgen
# reads the interface from the host library's symbols.
# Cargo's directory for this package's dist builds: maturin and napi pass different flags to
# rustc, and Cargo keeps one build of a dependency per target directory whatever the flags,
# so in a shared one each package would rebuild every dependency after the other.
# node/ and bindings/ (both through cargo zigbuild, with the same flags) share a subfolder.
DIST_CARGO_DIR ?= $(DIST_TARGET_DIR)
DIST_ZIGBUILD_DIR := $(DIST_TARGET_DIR)/zigbuild
DIST_ENV = PATH="$(DIST_VENV)/bin:$$PATH" CARGO_TARGET_DIR=$(DIST_CARGO_DIR) CARGO_PROFILE_RELEASE_STRIP=symbols \
	CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static" \
	CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static"
# (musl: a shared library loaded by a musl process links libc dynamically; with Rust's default
# static C runtime, rustc drops the cdylib crate type.)
# The machine is shared: release builds yield.
DIST_NICE := nice -n 10

# maturin, zig (the `ziglang` wheel, as `zig` on PATH for cargo-zigbuild), cargo-zigbuild,
# auditwheel; and the Rust standard library of every target.
$(DIST_TOOLS): $(DIST_ROOT)/scripts/requirements-dist.txt
	rm -rf $(DIST_VENV)
	python3 -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/pip install --quiet --upgrade pip
	$(DIST_VENV)/bin/pip install --quiet -r $<
	ln -sf python-zig $(DIST_VENV)/bin/zig
	rustup target add $(DIST_GNU_TARGETS) $(DIST_MUSL_TARGETS)
	touch $@

# The newest glibc symbol version a shared library needs ("none" for musl):
# $(call dist_glibc,FILE)
dist_glibc = { objdump -T $(1) | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1 | grep . || echo none; }

# One line per artifact: size, path. $(call dist_sizes,FILES)
dist_sizes = du -b $(1) | awk '{ printf "%10.2f MB  %s\n", $$1 / 1e6, $$2 }'
