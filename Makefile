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

# A demo migration: five CRMs as they store attachments (vtiger, SuiteCRM, Odoo, EspoCRM,
# Salesforce export), a Windows file share with real file types, duplicates and a few problems,
# then every stage that exists. `scan` and `refs` exit 3 when they found problems: the demo
# has some on purpose (a FIFO, a broken link, records pointing at nothing).
demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	python3 demo/make_crm_fixtures.py $(DEMO)
	python3 demo/make_demo_tree.py $(DEMO)/legacy/fileserver/Archive
	cd $(DEMO) && ../../$(BIN) init --force attache-template.yaml
	cd $(DEMO) && ../../$(BIN) scan; s=$$?; [ $$s -eq 0 ] || [ $$s -eq 3 ] || exit $$s
	cd $(DEMO) && ../../$(BIN) refs; s=$$?; [ $$s -eq 0 ] || [ $$s -eq 3 ] || exit $$s
	cd $(DEMO) && ../../$(BIN) report
	cd $(DEMO) && ../../$(BIN) list missing
	cd $(DEMO) && ../../$(BIN) plan --policy ../../policies/cloud-50gib.yaml --export review.csv; s=$$?; [ $$s -eq 0 ] || [ $$s -eq 4 ] || exit $$s
	@echo; echo "Demo migration in $(DEMO): try 'cd $(DEMO) && ../../$(BIN) list orphans' or '../../$(BIN) explain \"Scans/Scan 1.pdf\"', '../../$(BIN) list decisions' or open review.csv"

bench: release
	bash bench/scan.sh --skip-build --attache .build/release/attache
	bash bench/refs.sh --skip-build --attache .build/release/attache
	bash bench/plan.sh --skip-build --attache .build/release/attache

clean:
	rm -rf .build $(DEMO)
