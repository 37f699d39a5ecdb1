#!/usr/bin/env bash
# `make start`: creates a 4-validator local network in .localnet/node0..node3 if there is
# none (shared genesis with ready markets; alice, bob and mm funded in node0's test keyring),
# then runs the four validators, one process each. Each validator feeds oracle prices from
# inside its node (app.toml [oracle-feeder], simulated source). Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${LOCALNET_DIR:-.localnet}"
VALIDATORS="${VALIDATORS:-4}"
CHAIN_ID="${CHAIN_ID:-strike-local-1}"
strike() { node bin/strike.js "$@"; }

if [ ! -f "$DIR/node0/config/genesis.json" ]; then
  echo "Creating a $VALIDATORS-validator local network in $DIR (chain id $CHAIN_ID)"
  strike testnet --validators "$VALIDATORS" --output "$DIR" --chain-id "$CHAIN_ID"
fi

PIDS=()
cleanup() {
  kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for home in "$DIR"/node*/; do
  home="${home%/}"
  node bin/strike.js start --home "$home" >"$home/node.log" 2>&1 &
  PIDS+=($!)
  echo "started $(basename "$home") (log: $home/node.log)"
done
cat <<MSG
Local network running: node0 RPC on tcp://127.0.0.1:26657 (node i: port 26657+10i); each
validator's in-process feeder moves ETH and BTC every second. In another shell:
  H="--home $DIR/node0 --keyring-backend test"
  node bin/strike.js status
  node bin/strike.js query markets
  node bin/strike.js tx margin deposit 10000000000uusdc --from mm --yes \$H
  node bin/strike.js tx trade place --market ETH-PERP --side sell --size 2 --price 3001.5 --tif post-only --from mm --yes \$H
  node bin/strike.js query book ETH-PERP
MSG
wait "${PIDS[0]}"
