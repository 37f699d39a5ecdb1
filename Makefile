# The two commands a newcomer needs: `make start` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
STAMP := node_modules/.install-stamp

.PHONY: start test install build typecheck lint proto proto-check bench fuzz localnet clean-localnet

start: build
	bash scripts/localnet.sh

test: build
	bash scripts/test.sh

install: $(STAMP)

# npm ci gives exactly the locked tree; the stamp makes repeated runs free.
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(STAMP)

build: install proto-check typecheck lint

typecheck: install
	npx tsc --noEmit -p .

lint: install
	npx eslint --max-warnings 0 .
	npx prettier --check . --log-level warn

proto: install
	rm -rf chain/codec/generated
	npx buf lint proto
	npx buf generate proto --template proto/buf.gen.yaml

proto-check: install
	bash scripts/proto-check.sh

bench: install
	bash scripts/bench.sh

# Not part of `make test` (which runs a short fuzz in test/fuzz/fuzz.test.ts): ≥ 1,000,000 inputs per target.
fuzz: install
	bash scripts/fuzz.sh

clean-localnet:
	rm -rf .localnet
