# corral — see README.md. Every target installs what it needs first.
SWIFT ?= swift
DEBUG_BIN := .build/debug/corral
RELEASE_BIN := .build/release/corral

.PHONY: all deps build release test stress demo bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The release binary loads no shared library but libc and libm: a static Swift runtime saves
# ~4.5 ms of dynamic loading on every `corral run`, static libstdc++, libgcc, ncursesw, tinfo and
# libcap another ~0.8 ms (bench/FINDINGS.md, first and seventh rounds). Concrete type metadata
# is fetched by calling its accessor, not by demangling a name at run time: the demangling
# checked each generic requirement by scanning all ~4,000 conformance records of the binary
# (eighth round: −0.4 ms a `run --rm`, 45 KB more code).
STATIC_LIBS := $(CURDIR)/.build/static-libs
RELEASE_FLAGS := -c release --static-swift-stdlib --disable-local-rpath \
	-Xlinker -L$(STATIC_LIBS) -Xswiftc -Xclang-linker -Xswiftc -static-libgcc \
	-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors

release: deps
	scripts/static-libs.sh $(STATIC_LIBS)
	$(SWIFT) build $(RELEASE_FLAGS)

# Every test: unit tests, then real containers against this kernel (needs root).
test: deps
	@scripts/install-deps.sh strace
	$(SWIFT) build --build-tests
	CORRAL_BIN=$(CURDIR)/$(DEBUG_BIN) $(SWIFT) test --skip-build
	$(MAKE) -C Tests/cspawn-harness run
	# Every container test once more against the binary `make demo` runs: an optimised build
	# inlines across modules (it once left the TUI's Ctrl-C flag in two copies) and, linked
	# static, starts faster (it once lost `wait` a --rm container's exit code in a race).
	$(MAKE) release
	CORRAL_BIN=$(CURDIR)/$(RELEASE_BIN) $(SWIFT) test --skip-build --filter 'IntegrationTests\.'

# Long fault and fuzz runs: 600 SIGKILL cycles, 60 mixed race rounds, 10000 inputs per parser.
stress: deps
	$(SWIFT) build --build-tests
	CORRAL_STRESS=1 CORRAL_FUZZ_ITERATIONS=10000 CORRAL_BIN=$(CURDIR)/$(DEBUG_BIN) \
		$(SWIFT) test --skip-build --filter 'IntegrationTests\.(Fault|Hostile)|EngineTests\.Fuzz|CLITests\.RunFastParse'

demo: release
	$(RELEASE_BIN) demo

bench: release
	@scripts/install-deps.sh runc bubblewrap hyperfine
	scripts/bench.sh

clean:
	rm -rf .build
