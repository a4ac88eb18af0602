# The entry points: deps, build, test, bench, demo, install.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)

.PHONY: all deps build test test-long bench demo install clean

all: build

# Debian packages, then the real servers the tests run against (MinIO, Milvus 2.3, Azurite) in ~/.cache/milvus-mm.
deps:
	scripts/install-deps.sh
	scripts/install-test-servers.sh

build:
	@test -f $(BUILD)/build.ninja || cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# Installs every dependency, builds, and runs every test (unit and integration, against real files and servers).
test: deps build
	ctest --test-dir $(BUILD) --output-on-failure --label-exclude long

# The tests too slow for every run (Milvus's 5-minute cleanup pass after a restart).
test-long: deps build
	ctest --test-dir $(BUILD) --output-on-failure --label-regex long

# Each script prints markdown tables (copies in bench/out/*.md); bench/RESULTS.md says what each measures.
# Shrink it with BENCH_RUNS, BENCH_BYTES, BENCH_SIZES, BENCH_E2E_RUNS (see each script's header).
bench: SHELL := /bin/bash
bench: deps build
	mkdir -p bench/out
	set -o pipefail; bench/run.sh | tee bench/out/run.md
	set -o pipefail; bench/vs-milvus-migration.sh | tee bench/out/vs-milvus-migration.md
	set -o pipefail; bench/floors.sh | tee bench/out/floors.md
	set -o pipefail; bench/e2e.sh | tee bench/out/e2e.md
	set -o pipefail; bench/scaling.sh | tee bench/out/scaling.md
	bench/plot.sh
	set -o pipefail; bench/profile.sh | tee bench/out/profile.md

demo: deps build
	scripts/demo.sh

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
