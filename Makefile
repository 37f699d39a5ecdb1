# The two commands a newcomer needs: `make start` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
STAMP := node_modules/.install-stamp

.PHONY: start test install build compile typecheck lint layers proto proto-check contracts contracts-check bench fuzz nemesis soak localnet clean-localnet chromium

# Only what running needs: the generated code checked current and dist/ compiled. The type check
# and lint of `make build` (~60 s here) are `make test`'s: an unused variable must not keep a
# local network from starting.
start: install proto-check contracts-check compile
	bash scripts/localnet.sh

test: build layers chromium
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

# The layer map of ARCHITECTURE.md as rules (.dependency-cruiser.cjs): no cycles, imports only
# downward, chain/ never imports modules/, modules meet only through expectedKeepers.ts.
layers: install
	npx depcruise --config .dependency-cruiser.cjs app chain modules cli genesis feeder relayer bench bin

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

# dist/ first: cliStart times the compiled CLI, and the benches that start nodes run bin/strike.js.
bench: compile
	bash scripts/bench.sh

# Not part of `make test` (which runs a short fuzz in test/fuzz/fuzz.test.ts): ≥ 1,000,000 inputs per target.
fuzz: install
	bash scripts/fuzz.sh

# Not part of `make test` (which runs one round of each fault): NEMESIS_ROUNDS rounds (default 5)
# of partitions 1|3, 2|2 and bridge, SIGSTOP pauses and 3 kill -9 per round, on a 4-validator localnet under load.
nemesis: compile
	NEMESIS_ROUNDS=$${NEMESIS_ROUNDS:-5} npx ava --verbose --timeout 20m test/e2e/nemesis.test.ts

# Not part of `make test`: SOAK_MINUTES (default 30) at 80% of the saturation measured first, in the
# same run; RSS growth, stalls and p99 per window into bench/results/soak.json.
soak: compile
	npx tsx bench/soak.ts

clean-localnet:
	rm -rf .localnet
