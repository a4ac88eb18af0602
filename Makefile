# The entry points: deps, build, test, bench, demo, install.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)

.PHONY: all deps build test bench demo install clean

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
	ctest --test-dir $(BUILD) --output-on-failure

bench: deps build
	bench/run.sh
	bench/vs-milvus-migration.sh

demo: deps build
	scripts/demo.sh

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
