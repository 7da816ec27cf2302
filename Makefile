# corral — see README.md. Every target installs what it needs first.
SWIFT ?= swift
DEBUG_BIN := .build/debug/corral
RELEASE_BIN := .build/release/corral

.PHONY: all deps build release test demo bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Every test: unit tests, then real containers against this kernel (needs root).
test: deps
	$(SWIFT) build --build-tests
	CORRAL_BIN=$(CURDIR)/$(DEBUG_BIN) $(SWIFT) test --skip-build
	$(MAKE) -C Tests/cspawn-harness run

demo: release
	$(RELEASE_BIN) demo

bench: release
	@scripts/install-deps.sh runc bubblewrap hyperfine
	scripts/bench.sh

clean:
	rm -rf .build
