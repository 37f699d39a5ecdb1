#!/usr/bin/env bash
# `make start`: creates a 4-validator local network in .localnet/node0..node3 if there is
# none (shared genesis with ready markets; alice, bob and mm funded in node0's test keyring),
# then runs the four validators, one process each. Each validator feeds oracle prices from
# inside its node (app.toml [oracle-feeder], simulated source) and signs checkpoints with
# the Ethereum key in its home. Before them a Hardhat 2 L1 starts (L1_PORT, 8545) with a mock
# USDC (1,000,000 of it for Hardhat's test accounts 4 and 5) and the settlement contract
# initialised with the validators' Ethereum keys; every validator attests its deposits
# (app.toml [bridge]) and one relayer lands checkpoints on it. Ctrl-C stops them all.
# STARTING_PORT, L1_PORT, RELAYER_STATUS_PORT and LOCALNET_DIR move it (test/e2e/makeStart.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${LOCALNET_DIR:-.localnet}"
VALIDATORS="${VALIDATORS:-4}"
CHAIN_ID="${CHAIN_ID:-strike-local-1}"
L1_PORT="${L1_PORT:-8545}"
# Node i listens for peers on STARTING_PORT+10i and serves RPC on STARTING_PORT+10i+1.
STARTING_PORT="${STARTING_PORT:-26656}"
RELAYER_STATUS_PORT="${RELAYER_STATUS_PORT:-26690}"
# How validators sign checkpoints: ecdsa (EcdsaSettlement) or bls (BlsSettlement).
CHECKPOINT_SCHEME="${CHECKPOINT_SCHEME:-ecdsa}"
L1_RPC="http://127.0.0.1:$L1_PORT"
RPC="tcp://127.0.0.1:$((STARTING_PORT + 1))"
# Hardhat's second well-known test account pays the relayer's gas (the first deploys).
RELAYER_KEY="0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
strike() { node bin/strike.js "$@"; }

PIDS=()
cleanup() {
  kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

mkdir -p "$DIR"
node node_modules/hardhat/internal/cli/cli.js --config contracts/hardhat.config.cjs node --hostname 127.0.0.1 --port "$L1_PORT" >"$DIR/l1.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do
  grep -q "Started HTTP and WebSocket JSON-RPC server" "$DIR/l1.log" 2>/dev/null && break
  sleep 0.5
done
grep -q "Started HTTP and WebSocket JSON-RPC server" "$DIR/l1.log" || { echo "the Hardhat L1 did not start: see $DIR/l1.log" >&2; exit 1; }
echo "started the L1 (Hardhat, chain id 31337) on $L1_RPC (log: $DIR/l1.log)"

if [ ! -f "$DIR/node0/config/genesis.json" ]; then
  echo "Creating a $VALIDATORS-validator local network in $DIR (chain id $CHAIN_ID)"
  strike testnet --validators "$VALIDATORS" --output "$DIR" --chain-id "$CHAIN_ID" --l1-rpc "$L1_RPC" \
    --checkpoint-scheme "$CHECKPOINT_SCHEME" --starting-port "$STARTING_PORT"
fi
# Hardhat's chain lives in memory: put the contract back where genesis expects it.
SETTLEMENT="$(npx tsx scripts/localL1.ts deploy "$DIR/node0/config/genesis.json" "$L1_RPC")"
for home in "$DIR"/node*/; do
  home="${home%/}"
  # The V8 flags are chain/node/v8Flags.ts's NODE_V8_FLAGS (a larger young generation) and
  # SHARED_CORES_V8_FLAGS (garbage collection on each node's own thread: the validators share
  # the machine's cores), and the variable its NODE_ENV (large blocks back to the system when
  # freed, so that RSS stays flat); read there why.
  MALLOC_MMAP_THRESHOLD_=4194304 node --max-semi-space-size=64 --single-threaded-gc bin/strike.js start --home "$home" >"$home/node.log" 2>&1 &
  PIDS+=($!)
  echo "started $(basename "$home") (log: $home/node.log)"
done
node bin/strike.js relayer start --rpc "$RPC" --l1-rpc "$L1_RPC" --contract "$SETTLEMENT" \
  --l1-key "$RELAYER_KEY" --status-addr "127.0.0.1:$RELAYER_STATUS_PORT" >"$DIR/relayer.log" 2>&1 &
PIDS+=($!)
echo "started the relayer (log: $DIR/relayer.log, status: http://127.0.0.1:$RELAYER_STATUS_PORT/status)"
# After a restart the fresh contract's deposit nonces must not be ones the chain credited before.
npx tsx scripts/localL1.ts align-deposits "$DIR/node0/config/genesis.json" "$L1_RPC" "$RPC" ||
  echo "warning: could not align the L1's deposit nonces with the chain (see above): deposits may not be credited" >&2
NODE=""
[ "$STARTING_PORT" = 26656 ] || NODE=" --node $RPC"
# Hardhat's test account 4 holds mock USDC (scripts/localL1.ts, cli/commands/testnetL1.ts).
DEPOSITOR_KEY="0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"
cat <<MSG
L1: $L1_RPC (chain id 31337), settlement contract $SETTLEMENT; Hardhat's test accounts 4 and 5
hold 1,000,000 mock USDC each to deposit with (account 4's key is in the command below).
Local network running: node0 RPC on $RPC (node i: port $((STARTING_PORT + 1))+10i); each
validator's in-process feeder moves ETH and BTC every second. In another shell:
  H="--home $DIR/node0 --keyring-backend test$NODE"
  node bin/strike.js status$NODE
  node bin/strike.js query markets$NODE
  node bin/strike.js tx margin deposit 10000000000uusdc --from mm --yes \$H
  node bin/strike.js tx trade place --market ETH-PERP --side sell --size 2 --price 3001.5 --tif post-only --from mm --yes \$H
  node bin/strike.js query book ETH-PERP$NODE
  node bin/strike.js query checkpoint latest$NODE
  node bin/strike.js l1 deposit 5000000000 --to \$(node bin/strike.js keys show bob -a \$H) --l1-key $DEPOSITOR_KEY --l1-rpc $L1_RPC --contract $SETTLEMENT
  node bin/strike.js query bridge deposit <the nonce it printed>$NODE
MSG
wait "${PIDS[1]}"
