# One entry point for a newcomer and for CI.
#   make demo       the demo web app on http://127.0.0.1:8000 (PORT overrides), until Ctrl-C
#   make test       install what the tests need, build every package once, run every test
#   make e2e        the demo driven in a real Chromium (part of make test)
#   make demo-cli   build the CLI and walk through an enrolment in the terminal
#   make dist       release artifacts into dist/: Python sdist and Linux wheels, the npm
#                   tarball with every Linux addon, the jar with both Linux libraries
#                   (scripts/dist.mk; zig cross-builds, not part of make test)
#
# Each language has its own Makefile (python/, node/, bindings/) with `setup` and `test`;
# this file runs those that exist, in order, sharing one Cargo target directory.

SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
SUBDIRS := $(wildcard python node bindings)

# The store tests run against real servers: scripts/services.sh starts a throwaway PostgreSQL
# cluster and a Redis server on loopback (installing them with apt-get if needed).
export MFAKIT_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:15432/mfakit_test
export MFAKIT_TEST_REDIS_URL ?= redis://127.0.0.1:16379/0
export MFAKIT_TEST_REDIS_CLUSTER_URL ?= redis+cluster://127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003
# This Makefile starts the servers, so a store test that cannot reach one fails, never skips.
export MFAKIT_REQUIRE_SERVERS ?= 1

.PHONY: demo demo-cli e2e test dist test-rust test-store services services-stop lint fmt bench bench-service bench-argon2 fuzz $(addprefix test-,$(SUBDIRS))

# demo/: a FastAPI app on the Python package (the wheel from python/), data in demo/data.
demo:
	$(MAKE) -C demo serve

demo-cli:
	$(CARGO) build --release -p mfakit-cli
	./scripts/demo.sh $(CARGO_TARGET_DIR)/release/mfakit

# Debian's chromium and zbar-tools (installed if missing), Playwright from PyPI; screenshots
# of every page in demo/artifacts/.
e2e:
	$(MAKE) -C demo e2e

test: lint services test-rust $(addprefix test-,$(SUBDIRS)) e2e
	@echo "make test: all suites passed"

# Every Rust test, the store's against SQLite, PostgreSQL and Redis (servers required).
test-rust: services
	$(CARGO) test

# Just the service's backend tests, for a developer working on the store.
test-store: services
	$(CARGO) test -p mfakit-store

# Each package's dist target tests its x86_64 glibc artifact against the servers.
dist: services
	$(MAKE) -C python dist
	$(MAKE) -C node dist
	$(MAKE) -C bindings dist

services:
	./scripts/services.sh start >/dev/null

services-stop:
	./scripts/services.sh stop

$(addprefix test-,$(SUBDIRS)): test-%: services
	$(MAKE) -C $* test

# cargo deny (deny.toml): licenses, sources and duplicate/banned crates always; advisories only
# with an advisory database on this machine (`cargo deny fetch` needs GitHub), else said so.
ADVISORY_DB ?= $(HOME)/.cargo/advisory-dbs
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	command -v cargo-deny >/dev/null || nice -n 5 $(CARGO) install --locked cargo-deny
	$(CARGO) deny --workspace check bans licenses sources
	if [ -d "$(ADVISORY_DB)" ] && [ -n "$$(ls -A "$(ADVISORY_DB)")" ]; then \
	  $(CARGO) deny --workspace check --disable-fetch advisories; \
	else \
	  echo "cargo deny advisories: skipped, no advisory database in $(ADVISORY_DB) (fetching it needs GitHub)"; \
	fi

fmt:
	$(CARGO) fmt --all

bench: bench-service
	$(CARGO) bench -p mfakit-core

# The MFA service on SQLite, PostgreSQL and Redis beside django-otp, in one table with the
# goals of issue 11 (scripts/bench_service.py; django-otp goes into target/bench-venv).
bench-service: services
	python3 scripts/bench_service.py

# The argon2id engines side by side with argon2-cffi (python/.venv from `make -C python test`).
bench-argon2:
	$(CARGO) bench -p mfakit-core --bench argon2_engines

# Coverage-guided fuzzing of every parser (cargo fuzz + libFuzzer, nightly toolchain).
# Each target starts from its committed seeds (fuzz/seeds/<t>, made from the shared vectors by
# fuzz/seeds.py) and dictionary (fuzz/dict/<t>.dict); new inputs go to fuzz/corpus/<t>, which
# git ignores. FUZZ_SECONDS bounds each target, FUZZ_RUNS (optional) its executions,
# FUZZ_TARGETS picks targets (default: all), FUZZ_SANITIZER is cargo fuzz's -s (address by
# default; core forbids unsafe code, so `none` runs 2-3x more inputs in the same time).
# libFuzzer's "Done N runs" line gives the executions; then `reach` replays seeds and corpus
# through the same target bodies and prints the share of inputs that parse, i.e. that get to
# the target's asserts.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_TARGETS ?=
FUZZ_SANITIZER ?= address
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	@# Its own target directory: the fuzz builds use other flags, and sharing the workspace's
	@# would wait on its lock while another build runs.
	set -o pipefail; cd fuzz && export CARGO_TARGET_DIR=$$PWD/target && targets="$(FUZZ_TARGETS)"; targets="$${targets:-$$(cargo +nightly fuzz list)}"; \
	for t in $$targets; do \
	  mkdir -p corpus/$$t; \
	  dict=; if [ -f dict/$$t.dict ]; then dict=-dict=dict/$$t.dict; fi; \
	  cargo +nightly fuzz run -s $(FUZZ_SANITIZER) $$t corpus/$$t seeds/$$t -- $$dict \
	    -max_total_time=$(FUZZ_SECONDS) $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS)) -print_final_stats=1 2>&1 \
	    | grep -E "^(Done|==|SUMMARY|stat::number_of_executed_units)|panicked|Test unit written" \
	    | sed "s/^/[$$t] /" || exit 1; \
	done; \
	cargo +nightly run --quiet --release --example reach --target-dir target/reach -- . $$targets
