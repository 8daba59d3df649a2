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

.PHONY: demo test test-rust lint fmt bench $(addprefix test-,$(SUBDIRS))

demo:
	$(CARGO) build --release -p mfakit-cli
	./scripts/demo.sh $(CARGO_TARGET_DIR)/release/mfakit

test: test-rust $(addprefix test-,$(SUBDIRS))
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
