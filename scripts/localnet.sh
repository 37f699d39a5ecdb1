#!/usr/bin/env bash
# `make start`: creates a one-validator local chain in .localnet/node0 if there is none,
# with two funded test accounts (alice, bob; keyring-backend test), then runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR="${1:-.localnet/node0}"
CHAIN_ID="${CHAIN_ID:-strike-local-1}"
strike() { node bin/strike.js "$@"; }

if [ ! -f "$HOME_DIR/config/genesis.json" ]; then
  echo "Creating a local chain in $HOME_DIR (chain id $CHAIN_ID)"
  strike init --home "$HOME_DIR" --chain-id "$CHAIN_ID" --moniker val0 >/dev/null
  for name in alice bob; do
    strike keys add "$name" --home "$HOME_DIR" --keyring-backend test --output json > "$HOME_DIR/$name.key.json"
    addr="$(strike keys show "$name" -a --home "$HOME_DIR" --keyring-backend test)"
    strike genesis add-account "$addr" 1000000000000ustrike,1000000000000uusdc --home "$HOME_DIR"
    echo "  funded $name: $addr (mnemonic in $HOME_DIR/$name.key.json)"
  done
fi

echo "Starting the node; RPC on tcp://127.0.0.1:26657. Try, in another shell:"
echo "  node bin/strike.js status"
echo "  node bin/strike.js tx bank send alice \$(node bin/strike.js keys show bob -a --home $HOME_DIR --keyring-backend test) 1000uusdc --fees 5000ustrike --yes --home $HOME_DIR --keyring-backend test"
exec node bin/strike.js start --home "$HOME_DIR"
