# attache — the two set-up commands are `make demo` and `make test` (see README.md).
SWIFT ?= swift
APT_PACKAGES := libsqlite3-dev libarchive-dev libmagic-dev pkg-config python3
BIN := .build/debug/attache
DEMO := demo/work

.PHONY: all deps build release test demo bench clean

all: build

# Installs the system libraries with apt when any is missing (Debian 12; root or sudo).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product attache

# Builds everything (the end-to-end tests run the attache binary), then runs every test.
# Plain `swift test` (not --parallel) so XCTest's and Swift Testing's closing lines both print.
test: build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# A small legacy share with real file types, duplicates and a few problems, then every
# stage that exists. `attache scan` exits 3 when it found problems: the demo has some on purpose.
demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	python3 demo/make_demo_tree.py $(DEMO)/legacy
	cd $(DEMO) && ../../$(BIN) init --force attache-template.yaml
	$(BIN) scan --manifest demo/attache.yaml; s=$$?; [ $$s -eq 0 ] || [ $$s -eq 3 ] || exit $$s
	$(BIN) report --manifest demo/attache.yaml
	$(BIN) list duplicates --manifest demo/attache.yaml
	@echo; echo "Demo catalog: $(DEMO)/attache.db — try: $(BIN) list files --manifest demo/attache.yaml --format csv"

bench: release
	bash bench/scan.sh --skip-build --attache .build/release/attache

clean:
	rm -rf .build $(DEMO)
