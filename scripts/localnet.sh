#!/usr/bin/env bash
# `make start`: creates a one-validator local chain in .localnet/node0 if there is none,
# with funded test accounts (alice, bob, mm; keyring-backend test) and a price feeder
# account, then runs the node and the price feeder (simulated source) together.
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR="${1:-.localnet/node0}"
CHAIN_ID="${CHAIN_ID:-strike-local-1}"
strike() { node bin/strike.js "$@"; }
KR=(--home "$HOME_DIR" --keyring-backend test)

if [ ! -f "$HOME_DIR/config/genesis.json" ]; then
  echo "Creating a local chain in $HOME_DIR (chain id $CHAIN_ID)"
  strike init --home "$HOME_DIR" --chain-id "$CHAIN_ID" --moniker val0 >/dev/null
  for name in alice bob mm feeder; do
    strike keys add "$name" "${KR[@]}" --output json > "$HOME_DIR/$name.key.json"
    addr="$(strike keys show "$name" -a "${KR[@]}")"
    strike genesis add-account "$addr" 1000000000000ustrike,1000000000000uusdc --home "$HOME_DIR"
    echo "  funded $name: $addr (mnemonic in $HOME_DIR/$name.key.json)"
  done
  strike genesis add-oracle-feeder "$(strike keys show feeder -a "${KR[@]}")" --home "$HOME_DIR"
  echo "  feeder is the oracle's price feeder"
fi

node bin/strike.js start --home "$HOME_DIR" &
NODE_PID=$!
trap 'kill $NODE_PID $FEEDER_PID 2>/dev/null || true; wait' EXIT INT TERM
FEEDER_PID=""
# The feeder needs the node's RPC: wait for it before starting the simulated price source.
for _ in $(seq 1 120); do
  if strike status --home "$HOME_DIR" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
strike feeder --from feeder "${KR[@]}" --assets ETH,BTC --source sim --interval 1s --volatility 0.0005 &
FEEDER_PID=$!

cat <<MSG
Node running; RPC on tcp://127.0.0.1:26657; the price feeder moves ETH and BTC every second.
Try, in another shell (add --home $HOME_DIR --keyring-backend test to each):
  node bin/strike.js query markets
  node bin/strike.js tx margin deposit 10000000000uusdc --from mm --yes
  node bin/strike.js tx trade place --market ETH-PERP --side sell --size 2 --price 3001.5 --tif post-only --from mm --yes
  node bin/strike.js query book ETH-PERP
MSG
wait $NODE_PID
