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

.PHONY: demo test test-rust lint fmt bench bench-argon2 fuzz $(addprefix test-,$(SUBDIRS))

demo:
	$(CARGO) build --release -p mfakit-cli
	./scripts/demo.sh $(CARGO_TARGET_DIR)/release/mfakit

test: lint test-rust $(addprefix test-,$(SUBDIRS))
	@echo "make test: all suites passed"

test-rust:
	$(CARGO) test

$(addprefix test-,$(SUBDIRS)): test-%:
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

bench:
	$(CARGO) bench -p mfakit-core

# The argon2id engines side by side with argon2-cffi (python/.venv from `make -C python test`).
bench-argon2:
	$(CARGO) bench -p mfakit-core --bench argon2_engines

# Coverage-guided fuzzing of every parser (cargo fuzz + libFuzzer, nightly toolchain).
# FUZZ_SECONDS bounds each target; libFuzzer's "Done N runs" line gives the executions.
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	set -o pipefail; cd fuzz && for t in $$(cargo +nightly fuzz list); do \
	  mkdir -p corpus/$$t; \
	  cargo +nightly fuzz run $$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 2>&1 \
	    | grep -E "^(Done|==|SUMMARY|stat::number_of_executed_units)" | sed "s/^/[$$t] /" || exit 1; \
	done
