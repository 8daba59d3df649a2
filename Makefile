# One entry point for a newcomer and for CI.
#   make demo   build the CLI and walk through an enrolment in the terminal
#   make test   install what the tests need, build every package once, run every test
#
# Each language has its own Makefile (python/, node/, bindings/) with `setup` and `test`;
# this file runs those that exist, in order, sharing one Cargo target directory.

SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
SUBDIRS := $(wildcard python node bindings)

.PHONY: demo test test-rust lint fmt bench fuzz $(addprefix test-,$(SUBDIRS))

demo:
	$(CARGO) build --release -p mfakit-cli
	./scripts/demo.sh $(CARGO_TARGET_DIR)/release/mfakit

test: lint test-rust $(addprefix test-,$(SUBDIRS))
	@echo "make test: all suites passed"

test-rust:
	$(CARGO) test

$(addprefix test-,$(SUBDIRS)): test-%:
	$(MAKE) -C $* test

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

bench:
	$(CARGO) bench -p mfakit-core

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
