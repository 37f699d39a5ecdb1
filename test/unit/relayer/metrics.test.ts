import test from "ava";
import { createRelayerMetrics, errorKindOf, relayerErrors } from "../../../relayer/index.js";

const value = async (m: ReturnType<typeof createRelayerMetrics>, name: string, labels: Record<string, string> = {}) => {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name)!;
  return metric.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

test("a landed checkpoint counts once, its gas and fees add up, and the last tx replaces the one before", async (t) => {
  const m = createRelayerMetrics();
  m.submitted(false);
  m.confirmed({ height: 10n, l1Tx: "0xaa", l1Block: 5, gasUsed: 100_000n, gasPrice: 2n });
  m.submitted(true);
  m.confirmed({ height: 20n, l1Tx: "0xbb", l1Block: 6, gasUsed: 150_000n, gasPrice: 2n });
  t.is(await value(m, "strike_relayer_checkpoints_confirmed_total"), 2);
  t.is(await value(m, "strike_relayer_checkpoints_submitted_total", { validator_set_update: "true" }), 1);
  t.is(await value(m, "strike_relayer_gas_used_total"), 250_000);
  t.is(await value(m, "strike_relayer_fees_wei_total"), 500_000);
  t.is(await value(m, "strike_relayer_last_checkpoint_gas_used"), 150_000);
  const info = (await m.registry.getMetricsAsJSON()).find((x) => x.name === "strike_relayer_last_checkpoint_info")!;
  t.deepEqual(
    info.values.map((v) => v.labels["l1_tx"]),
    ["0xbb"],
  );
});

test("lag is the chain's height minus the contract's checkpoint height, never negative", async (t) => {
  const m = createRelayerMetrics();
  m.observed({ l1Head: 9, l1CheckpointHeight: 40n, chainHeight: 47n });
  t.is(await value(m, "strike_relayer_lag_heights"), 7);
  m.observed({ l1Head: 9, l1CheckpointHeight: 50n, chainHeight: 47n }); // a node behind the contract
  t.is(await value(m, "strike_relayer_lag_heights"), 0);
});

test("a failed round is counted by cause: the Strike node, the L1 endpoint, a revert, or other", (t) => {
  t.is(errorKindOf(relayerErrors.strikeRpc("down")), "strike_rpc");
  t.is(errorKindOf(Object.assign(new Error("x"), { code: "CALL_EXCEPTION" })), "l1_revert");
  t.is(errorKindOf(Object.assign(new Error("x"), { code: "SERVER_ERROR" })), "l1_rpc");
  t.is(errorKindOf(new Error("connect ECONNREFUSED 127.0.0.1:8545")), "l1_rpc");
  t.is(errorKindOf(relayerErrors.badOption("x")), "other");
  t.is(errorKindOf(new Error("something else")), "other");
});
