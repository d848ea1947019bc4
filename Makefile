# kdx — see README.md. `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /usr/bin/env bash
GO ?= go
BIN := $(CURDIR)/bin
KDX := $(BIN)/kdx
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo v0.0.0-dev)
LDFLAGS := -X github.com/kdxproject/kdx/internal/version.Version=$(VERSION)
# A warm run of the whole suite stays well under this; the first run also builds the control plane.
TEST_TIMEOUT ?= 40m
# -ldflags=-w: test binaries without DWARF link in a fifth less CPU time
# (54 race-built binaries per run); stack traces and race reports keep
# their files and lines. -vet=off: `make test` has run the whole of go vet
# (the vet target) before the tests; go test's own vet pass, a subset of
# it, would type-check every package again (about 20 CPU-seconds).
TEST_FLAGS := -race -count=1 -vet=off -ldflags=-w -timeout $(TEST_TIMEOUT)

.PHONY: all build test test-short cover vet fmt-check tidy-check demo bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(KDX) ./cmd/kdx

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/') 2>/dev/null); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# go.mod and go.sum must be what `go mod tidy` writes: a change that leaves
# them untidy fails here, not in a reviewer's checkout.
tidy-check:
	@$(GO) mod tidy -diff >/dev/null 2>&1 || { echo "go.mod/go.sum are not tidy; run 'go mod tidy':"; $(GO) mod tidy -diff; exit 1; }

# The end-to-end tests need the control plane binaries: build them first (cached).
# Tests that could not run here (testenv.SharedCRDs) are listed at the end.
# The end-to-end package is the longest by far: it starts first, beside the
# other packages (go test ./... would start it after most of them, in import
# path order), and its lines are printed after theirs. The run is bound by
# CPU (both cores busy): a test made cheaper shortens it, more parallelism
# does not.
E2E_PKG := ./test/e2e
test: vet fmt-check tidy-check controlplane
	@mkdir -p $(BIN) && rm -f $(BIN)/tests-not-run $(BIN)/e2e.out
	@export KDX_TESTS_NOT_RUN=$(BIN)/tests-not-run; \
	$(GO) test $(TEST_FLAGS) $(E2E_PKG) >$(BIN)/e2e.out 2>&1 & e2e=$$!; \
	pkgs=$$($(GO) list ./... | grep -vx '$(shell $(GO) list $(E2E_PKG))') || { kill $$e2e; exit 1; }; \
	$(GO) test $(TEST_FLAGS) $$pkgs; status=$$?; \
	wait $$e2e || status=1; cat $(BIN)/e2e.out; \
	if [ -s $(BIN)/tests-not-run ]; then cat $(BIN)/tests-not-run; fi; exit $$status

# Unit tests only, no control plane.
test-short:
	$(GO) test -short ./...

# What the end-to-end tests reach: the kdx binary they run is built with
# coverage of every package, each run writes its counters to COVER_DIR, and
# the per-package percentages are printed at the end.
COVER_DIR ?= $(CURDIR)/.cover/e2e
cover: controlplane
	rm -rf $(COVER_DIR)
	KDX_E2E_COVERDIR=$(COVER_DIR) $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./test/e2e/ ./discovery/
	$(GO) tool covdata percent -i $(COVER_DIR)

demo: build controlplane
	@bash scripts/demo.sh "$(KDX)"

bench: build controlplane
	@bash scripts/bench.sh "$(KDX)"

clean:
	rm -rf $(BIN)

include mk/controlplane.mk
