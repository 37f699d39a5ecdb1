/**
 * The short run of the fuzz suite (`make fuzz` runs ≥ 1,000,000 inputs per target): no
 * input crashes decode, CheckTx, the JSON-RPC handler or a p2p channel's handler (consensus,
 * block sync, receipts, queries, relay), none is accepted, and none changes state.
 */
import test from "ava";
import { fuzzBlockSyncChannel } from "./blockSyncChannel.js";
import { fuzzConsensusChannel } from "./consensusChannel.js";
import { foreignTo } from "./foreign.js";
import { fuzzJsonRpc } from "./jsonRpc.js";
import { fuzzQueriesChannel } from "./queriesChannel.js";
import { fuzzReceiptsChannel } from "./receiptsChannel.js";
import { fuzzRelayChannel } from "./relayChannel.js";
import { fuzzTxBytes } from "./txBytes.js";

const seed = Number(process.env.FUZZ_SEED ?? 20261202);

test("mutated and random tx bytes never crash CheckTx, are all refused and change no state", async (t) => {
  const stats = await fuzzTxBytes({ inputs: 4000, seed });
  t.true(stats.inputs > 3500, `${stats.inputs} inputs`);
  t.deepEqual(stats.samples, []);
  t.is(stats.crashes, 0);
  t.is(stats.accepted, 0);
  t.is(stats.stateChanges, 0);
  t.true(stats.blocks >= 1);
});

test("random JSON-RPC bodies get well-formed answers, accept no tx and change no state", async (t) => {
  const stats = await fuzzJsonRpc({ inputs: 3000, seed, httpEvery: 50 });
  t.is(stats.inputs, 3000);
  t.deepEqual(stats.samples, []);
  t.is(stats.crashes, 0);
  t.is(stats.accepted, 0);
  t.is(stats.stateChanges, 0);
});

test("mutated consensus-channel messages (proposals, votes, blocks, evidence) never crash admission, none is taken in, the reducer's state is unchanged", async (t) => {
  const stats = await fuzzConsensusChannel({ inputs: 3000, seed });
  t.true(stats.inputs > 2500, `${stats.inputs} inputs`);
  t.deepEqual(stats.samples, []);
  t.is(stats.crashes, 0);
  t.is(stats.accepted, 0);
  t.is(stats.stateChanges, 0);
});

test("malformed, truncated, oversized, unsolicited and wrong-channel block-sync messages never crash the handler, are penalised when malformed, unverifiable or unsolicited past the allowance, and move the node's chain only by the valid next block", async (t) => {
  const stats = await fuzzBlockSyncChannel({ inputs: 3000, seed, foreign: foreignTo("blocksync") });
  t.true(stats.inputs > 2500, `${stats.inputs} inputs`);
  t.deepEqual(stats.samples, []);
  t.is(stats.crashes, 0);
  t.is(stats.accepted, 0);
  t.is(stats.stateChanges, 0);
  t.is(stats.unpenalised, 0);
  t.true(stats.penalised! > stats.inputs / 2, `${stats.penalised} of ${stats.inputs} penalised`);
});

test("mutated, non-canonical, oversized and wrong-channel receipts are all refused (the sender penalised) unless an outsider's canonical, well-signed receipt, and the receipt store never changes", async (t) => {
  const stats = await fuzzReceiptsChannel({ inputs: 5000, seed, foreign: foreignTo("receipts") });
  t.true(stats.inputs > 4500, `${stats.inputs} inputs`);
  t.deepEqual(stats.samples, []);
  t.is(stats.crashes, 0);
  t.is(stats.accepted, 0);
  t.is(stats.stateChanges, 0);
  t.is(stats.unpenalised, 0);
  t.true(stats.penalised! > stats.inputs / 2, `${stats.penalised} of ${stats.inputs} penalised`);
});

test("mutated, truncated and wrong-channel speculative queries and answers never crash the handler; undecodable ones are penalised, no altered answer is taken, and every request that decodes is answered signed over exactly itself", async (t) => {
  const stats = await fuzzQueriesChannel({ inputs: 5000, seed, foreign: foreignTo("queries") });
  t.true(stats.inputs > 4500, `${stats.inputs} inputs`);
  t.deepEqual(stats.samples, []);
  t.is(stats.crashes, 0);
  t.is(stats.accepted, 0);
  t.is(stats.stateChanges, 0);
  t.is(stats.unpenalised, 0);
  t.true(stats.penalised! > stats.inputs / 4, `${stats.penalised} of ${stats.inputs} penalised`);
});

test("mutated, truncated and wrong-channel relay announcements and requests never crash the handler; malformed ones and only they are penalised, and the node sends nothing but requests for what it lacks and the items it holds", async (t) => {
  const stats = await fuzzRelayChannel({ inputs: 5000, seed, foreign: foreignTo("relay") });
  t.is(stats.inputs, 5000);
  t.deepEqual(stats.samples, []);
  t.is(stats.crashes, 0);
  t.is(stats.accepted, 0);
  t.is(stats.stateChanges, 0);
  t.is(stats.unpenalised, 0);
  t.true(stats.penalised! > stats.inputs / 4, `${stats.penalised} of ${stats.inputs} penalised`);
});
