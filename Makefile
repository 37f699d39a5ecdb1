# The two commands a newcomer needs: `make start` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
STAMP := node_modules/.install-stamp

.PHONY: start test install build compile typecheck lint proto proto-check contracts contracts-check bench fuzz localnet clean-localnet chromium

start: build
	bash scripts/localnet.sh

test: build chromium
	bash scripts/test.sh

# The dashboard test (test/e2e/dashboard.test.ts) drives Debian's chromium; installed once, never downloaded by npm.
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

install: $(STAMP)

# npm ci gives exactly the locked tree; the stamp makes repeated runs free.
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(STAMP)

build: install proto-check contracts-check typecheck lint compile

# JavaScript in dist/ for the CLI and the node (bin/strike.js runs it while it is current).
compile: install
	node scripts/build.mjs

typecheck: install
	npx tsc --noEmit -p .
	npx tsc --noEmit -p web

lint: install
	npx eslint --max-warnings 0 .
	npx prettier --check . --log-level warn

proto: install
	rm -rf chain/codec/generated
	npx buf lint proto
	npx buf generate proto --template proto/buf.gen.yaml

proto-check: install
	bash scripts/proto-check.sh

# Solidity is compiled by the pinned npm solc (Hardhat's compiler download fails offline);
# the ABI and bytecode are committed, like the protobuf code, and checked for staleness.
contracts: install
	npx tsx contracts/build.ts

contracts-check: install
	bash scripts/contracts-check.sh

bench: install
	bash scripts/bench.sh

# Not part of `make test` (which runs a short fuzz in test/fuzz/fuzz.test.ts): ≥ 1,000,000 inputs per target.
fuzz: install
	bash scripts/fuzz.sh

clean-localnet:
	rm -rf .localnet
