# The entry points: deps, build, test, bench, demo, install.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)

.PHONY: all deps build test test-long bench demo install clean test-asan fuzz fuzz-ci fuzz-build package test-package

all: build

# Debian packages, then the real servers the tests run against (MinIO, Milvus 2.3, Azurite) in ~/.cache/milvus-mm.
deps:
	scripts/install-deps.sh
	scripts/install-test-servers.sh

build:
	@test -f $(BUILD)/build.ninja || cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# Tests run at once: each starts its own servers on free ports in its own scratch directory, and
# the Milvus tests mostly wait on the server (wall times: README, "Tests").
TEST_JOBS ?= 4

# Installs every dependency, builds, and runs every test (unit and integration, against real files and servers).
test: deps build
	ctest --test-dir $(BUILD) --output-on-failure --label-exclude long -j $(TEST_JOBS)

# The tests too slow for every run (Milvus's 5-minute cleanup pass after a restart).
test-long: deps build
	ctest --test-dir $(BUILD) --output-on-failure --label-regex long -j $(TEST_JOBS)

# Each script prints markdown tables (copies in bench/out/*.md); bench/RESULTS.md says what each measures.
# Shrink it with BENCH_RUNS, BENCH_BYTES, BENCH_SIZES, BENCH_WHOLE_SIZES, BENCH_E2E_RUNS (see each script's header).
bench: SHELL := /bin/bash
bench: deps build
	mkdir -p bench/out
	set -o pipefail; bench/run.sh | tee bench/out/run.md
	set -o pipefail; bench/vs-milvus-migration.sh | tee bench/out/vs-milvus-migration.md
	set -o pipefail; bench/floors.sh | tee bench/out/floors.md
	set -o pipefail; bench/e2e.sh | tee bench/out/e2e.md
	set -o pipefail; bench/whole.sh | tee bench/out/whole.md
	bench/plot-whole.sh
	set -o pipefail; bench/rss.sh | tee bench/out/rss.md
	set -o pipefail; bench/scaling.sh | tee bench/out/scaling.md
	bench/plot.sh
	set -o pipefail; bench/profile.sh | tee bench/out/profile.md

# Only what the demo needs: the Debian build packages, the Milvus 2.3 wheel and pymilvus.
demo:
	scripts/install-deps.sh --demo
	$(MAKE) build
	scripts/install-test-servers.sh --demo
	scripts/demo.sh

# A .deb of every tool, the scripts, the man pages and the example (CPack; runtime dependencies
# from dpkg-shlibdeps), in $(BUILD)/.
package:
	scripts/install-deps.sh
	$(MAKE) build
	cd $(BUILD) && cpack -G DEB

# The .deb installed into a bare Debian 12 root (debootstrap) and run there: tests/package/.
test-package: package
	scripts/install-test-servers.sh --demo
	tests/package/test_package.sh $(BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

# ---- Sanitizers and fuzzing (issue 14; tests/fuzz/README.md) ----
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
# Any ASan, LeakSanitizer or UBSan report ends the program with an error, so the test fails.
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$(CURDIR)/tests/fuzz/ubsan.supp

# Everything built with -fsanitize=address,undefined in $(ASAN_BUILD) (never $(BUILD)); runs the unit
# tests and the integration tests that start no server (label server-free, listed in CMakeLists.txt).
test-asan:
	scripts/install-deps.sh
	@test -f $(ASAN_BUILD)/build.ninja || cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMM_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	$(SAN_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure --label-regex server-free

# The libFuzzer targets of tests/fuzz (clang; libraries with ASan, UBSan and coverage) in $(FUZZ_BUILD).
fuzz-build:
	scripts/install-deps.sh
	@test -f $(FUZZ_BUILD)/build.ninja || cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DMM_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets

# Every target for FUZZ_SECONDS (FUZZ_JOBS at once); fails on any finding. Table: runs, corpus, coverage.
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run.sh

# What CI runs: 15 s per target, two at once.
fuzz-ci: fuzz-build
	FUZZ_SECONDS=15 FUZZ_JOBS=2 FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run.sh
