import test from "ava";
import { Interface, Wallet, ZeroHash, getBytes, hexlify, keccak256, type Provider } from "ethers";
import type { Checkpoint } from "../../../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import { loadArtifact } from "../../../chain/l1/artifacts.js";
import { checkpointDigest } from "../../../chain/l1/digest.js";
import { encodeEcdsaValidatorSet, signCheckpointEcdsa, sortEcdsaMembers } from "../../../chain/l1/ecdsa.js";
import { relayerErrors } from "../../../relayer/errors.js";
import {
  createForgedWatch,
  createRelayerMetrics,
  decodeEcdsaSignatures,
  decodeLandedCheckpoint,
  evidenceHorizonOf,
  judgeLanded,
  recoverLandedSigners,
  reportOutcomeKind,
  signedFieldsOf,
  type LandedFields,
} from "../../../relayer/index.js";

const abi = loadArtifact("EcdsaSettlement").abi;
const iface = new Interface(abi);
const domain = {
  l1ChainId: 31337n,
  settlement: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  strikeChainId: "strike-test",
};
const wallets = [1, 2, 3, 4].map((i) => new Wallet(keccak256(Uint8Array.of(i))));
const members = sortEcdsaMembers(wallets.map((w) => ({ address: w.address, power: 10n })));
const keyOf = (address: string) => wallets.find((w) => w.address === address)!.privateKey;
const keys = members.map((m) => keyOf(m.address));
const w32 = (b: number) => hexlify(new Uint8Array(32).fill(b));

const forged: LandedFields = {
  height: 120n,
  appHash: w32(0x77),
  blockHash: w32(2),
  withdrawalRoot: w32(3),
  exitRoot: w32(4),
  creditedDepositNonce: 9n,
  nextValidatorSetHash: ZeroHash,
};

/** What a colluding majority sends: checkpoint(...) signed by members 0, 1 and 3. */
function checkpointCalldata(f: LandedFields, signers = [0, 1, 3]): string {
  const digest = checkpointDigest(domain, f, f.nextValidatorSetHash);
  const blob = signCheckpointEcdsa(digest, members, keys, signers);
  return iface.encodeFunctionData("checkpoint", [
    f.height,
    f.appHash,
    f.blockHash,
    f.withdrawalRoot,
    f.exitRoot,
    f.creditedDepositNonce,
    blob,
  ]);
}

function chainCheckpoint(
  height: bigint,
  o: Partial<Record<"appHash" | "nextValidatorSetHash", Uint8Array>> = {},
): Checkpoint {
  return {
    height,
    appHash: o.appHash ?? new Uint8Array(32).fill(1),
    blockHash: new Uint8Array(32).fill(2),
    withdrawalRoot: new Uint8Array(32).fill(3),
    exitRoot: new Uint8Array(32).fill(4),
    creditedDepositNonce: 9n,
    nextValidatorSetHash: o.nextValidatorSetHash ?? new Uint8Array(),
    nextValidatorSet: new Uint8Array(),
    digest: new Uint8Array(32),
    signersSet: [],
    totalPower: 40n,
    signedPower: 40n,
    completedAt: height + 2n,
    timeSeconds: 0n,
  };
}

test("a checkpoint call's calldata gives back its signed fields and each signer's 65-byte signature in member order", (t) => {
  const landed = decodeLandedCheckpoint(abi, checkpointCalldata(forged));
  t.is(landed.method, "checkpoint");
  t.deepEqual(landed.fields, forged);
  t.deepEqual(
    landed.signatures.map((s) => [s.member, s.address]),
    [0, 1, 3].map((i) => [i, members[i]!.address]),
  );
  for (const s of landed.signatures) t.is(s.signature.length, 65);
  const recovered = recoverLandedSigners(domain, landed);
  t.deepEqual(
    recovered.map((s) => s.recovered),
    [0, 1, 3].map((i) => members[i]!.address),
    "each signature recovers to its member over the landed digest",
  );
});

test("an updateValidatorSet call's signed next-set hash is keccak256 of the new set it carries", (t) => {
  const newSet = encodeEcdsaValidatorSet(members.slice(0, 3));
  const f = { ...forged, nextValidatorSetHash: keccak256(newSet) };
  const digest = checkpointDigest(domain, f, f.nextValidatorSetHash);
  const blob = signCheckpointEcdsa(digest, members, keys, [0, 1, 2, 3]);
  const data = iface.encodeFunctionData("updateValidatorSet", [
    f.height,
    f.appHash,
    f.blockHash,
    f.withdrawalRoot,
    f.exitRoot,
    f.creditedDepositNonce,
    newSet,
    blob,
  ]);
  const landed = decodeLandedCheckpoint(abi, data);
  t.is(landed.method, "updateValidatorSet");
  t.is(landed.fields.nextValidatorSetHash, keccak256(newSet));
  t.is(landed.signatures.length, 4);
  t.true(recoverLandedSigners(domain, landed).every((s) => s.recovered === s.address));
  t.deepEqual(
    signedFieldsOf(landed.fields, landed.signatures[0]!.signature).nextValidatorSetHash,
    getBytes(keccak256(newSet)),
  );
});

test("signatures recovered over another domain name other keys: the wrong chain id is visible, not silently reported", (t) => {
  const landed = decodeLandedCheckpoint(abi, checkpointCalldata(forged));
  const other = recoverLandedSigners({ ...domain, strikeChainId: "strike-other" }, landed);
  t.true(other.every((s) => s.recovered !== s.address));
});

test("calldata of anything but checkpoint or updateValidatorSet is refused with relayer/4", (t) => {
  const data = iface.encodeFunctionData("enterExitMode", []);
  const e = t.throws(() => decodeLandedCheckpoint(abi, data));
  t.true(relayerErrors.badCalldata.is(e));
  t.regex(e.message, /enterExitMode/);
  t.true(relayerErrors.badCalldata.is(t.throws(() => decodeLandedCheckpoint(abi, "0xdeadbeef"))));
});

test("a malformed signatures blob is refused: truncated, trailing bytes, or a bitmap beyond the set", (t) => {
  const digest = checkpointDigest(domain, forged);
  const good = getBytes(signCheckpointEcdsa(digest, members, keys, [0, 1, 3]));
  t.is(decodeEcdsaSignatures(good).signatures.length, 3);
  for (const [name, blob] of [
    ["truncated", good.slice(0, good.length - 1)],
    ["trailing byte", Uint8Array.from([...good, 0])],
    ["too short for its set", good.slice(0, 40)],
  ] as const)
    t.true(relayerErrors.badCalldata.is(t.throws(() => decodeEcdsaSignatures(blob))), name);
  const beyond = good.slice();
  beyond[2 + 4 * 28 + 31 - 0] = 0b10000; // bit 4 of a 4-member set
  t.true(relayerErrors.badCalldata.is(t.throws(() => decodeEcdsaSignatures(beyond))));
});

test("a landed checkpoint equal to the chain's record is ours; any differing field makes it forged", (t) => {
  const ours: LandedFields = { ...forged, appHash: w32(1) };
  const view = { newest: 200n, horizon: 0n, recorded: chainCheckpoint(120n) };
  t.deepEqual(judgeLanded(ours, view), { kind: "ours" });
  t.deepEqual(judgeLanded({ ...ours, appHash: ours.appHash.toUpperCase().replace("0X", "0x") }, view), {
    kind: "ours",
  });
  t.deepEqual(judgeLanded(forged, view), { kind: "forged", differs: ["appHash"], recorded: true });
  t.deepEqual(judgeLanded({ ...ours, exitRoot: w32(9), withdrawalRoot: w32(9) }, view), {
    kind: "forged",
    differs: ["withdrawalRoot", "exitRoot"],
    recorded: true,
  });
  // A set change the chain never made, and one it made but L1 was not told of.
  t.deepEqual(judgeLanded({ ...ours, nextValidatorSetHash: w32(5) }, view), {
    kind: "forged",
    differs: ["nextValidatorSetHash"],
    recorded: true,
  });
  const setChange = { ...view, recorded: chainCheckpoint(120n, { nextValidatorSetHash: new Uint8Array(32).fill(5) }) };
  t.deepEqual(judgeLanded({ ...ours, nextValidatorSetHash: w32(5) }, setChange), { kind: "ours" });
  t.is(judgeLanded(ours, setChange).kind, "forged");
});

test("a landed height the chain never checkpointed, at or below its newest, is forged", (t) => {
  t.deepEqual(judgeLanded(forged, { newest: 120n, horizon: 0n, recorded: undefined }), {
    kind: "forged",
    differs: [],
    recorded: false,
  });
});

test("a height above the chain's newest checkpoint cannot be judged yet; one below the horizon no longer can", (t) => {
  t.deepEqual(judgeLanded(forged, { newest: 119n, horizon: 0n, recorded: undefined }), {
    kind: "pending",
    newest: 119n,
  });
  t.deepEqual(judgeLanded(forged, { newest: undefined, horizon: 0n, recorded: undefined }), {
    kind: "pending",
    newest: undefined,
  });
  t.deepEqual(judgeLanded(forged, { newest: 500n, horizon: 121n, recorded: undefined }), {
    kind: "expired",
    horizon: 121n,
  });
  // A record that survives pruning is still judged.
  t.is(judgeLanded(forged, { newest: 500n, horizon: 121n, recorded: chainCheckpoint(120n) }).kind, "forged");
  t.is(evidenceHorizonOf(500n, 379n), 121n);
  t.is(evidenceHorizonOf(500n, 0n), 0n, "keep_heights 0 prunes nothing");
  t.is(evidenceHorizonOf(undefined, 10n), 0n);
});

test("a report is done when accepted or already punished (15), final on another checkpoint code, retried otherwise", (t) => {
  t.is(reportOutcomeKind(0, ""), "accepted");
  t.is(reportOutcomeKind(15, "checkpoint"), "already_punished");
  t.is(reportOutcomeKind(7, "checkpoint"), "refused");
  t.is(reportOutcomeKind(24, "checkpoint"), "retry", "not checkpointed yet: the chain will get there");
  t.is(reportOutcomeKind(32, "sdk"), "retry", "a sequence mismatch");
  t.is(reportOutcomeKind(15, "sdk"), "retry", "another module's 15 is not 'already punished'");
});

/** A watch over a fake chain (newest checkpoint movable) and a fake L1 holding one forged tx. */
function watchHarness(o: { newest: bigint; outcomes?: { code: number; codespace: string }[]; noReporter?: boolean }) {
  const operators = new Map(members.map((m, i) => [m.address, `strikevaloper${i}`]));
  const state = { newest: o.newest };
  const sent: string[] = [];
  const outcomes = [...(o.outcomes ?? [])];
  const lines: [string, string, Record<string, unknown>][] = [];
  const logger = {
    debug: () => {},
    info: (m: string, f: Record<string, unknown> = {}) => lines.push(["info", m, f]),
    warn: (m: string, f: Record<string, unknown> = {}) => lines.push(["warn", m, f]),
    error: (m: string, f: Record<string, unknown> = {}) => lines.push(["error", m, f]),
    with: () => logger,
  };
  const metrics = createRelayerMetrics();
  const data = checkpointCalldata(forged);
  const watch = createForgedWatch({
    source: {
      checkpointAt: (h) => Promise.resolve(h === 120n ? chainCheckpoint(120n) : undefined),
      newestCheckpointHeight: () => Promise.resolve(state.newest),
      params: () => Promise.resolve({ scheme: "ecdsa", keepHeights: 0n }),
      chainId: () => Promise.resolve(domain.strikeChainId),
      ethOperators: () => Promise.resolve(operators),
    },
    provider: {
      getTransaction: (hash: string) => Promise.resolve(hash === "0xf0" ? { to: domain.settlement, data } : null),
    } as unknown as Provider,
    contract: domain.settlement,
    abi,
    l1ChainId: domain.l1ChainId,
    l1RpcUrl: "http://l1",
    ...(o.noReporter === true
      ? {}
      : {
          reporter: {
            address: "strike1reporter",
            report(validator: string, signed: { height: bigint }) {
              sent.push(`${validator}@${signed.height}`);
              const r = outcomes.shift() ?? { code: 0, codespace: "" };
              return Promise.resolve({ kind: reportOutcomeKind(r.code, r.codespace), ...r, log: "" });
            },
          },
        }),
    logger,
    metrics,
  });
  watch.observe({ fields: forged, l1Tx: "0xf0", l1Block: 7 });
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    (await metrics.registry.getSingleMetric(name)!.get()).values
      .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
      .reduce((s, v) => s + v.value, 0);
  return { watch, state, sent, lines, metric };
}

test("the watch reports each signer of a forged landing once, counts it once, and a later judging sends nothing more", async (t) => {
  const h = watchHarness({ newest: 130n });
  await h.watch.judge();
  t.deepEqual(h.sent, ["strikevaloper0@120", "strikevaloper1@120", "strikevaloper3@120"]);
  t.is(await h.metric("strike_relayer_forged_checkpoints_total"), 1);
  t.is(await h.metric("strike_relayer_forged_reports_total", { result: "accepted" }), 3);
  t.true(h.lines.some(([level, m]) => level === "error" && /FORGED CHECKPOINT/.test(m)));
  h.watch.observe({ fields: forged, l1Tx: "0xf0", l1Block: 7 });
  await h.watch.judge();
  t.is(h.sent.length, 3, "not reported twice");
  t.is(await h.metric("strike_relayer_forged_checkpoints_total"), 1);
  t.deepEqual(h.watch.forged(), [
    { height: "120", l1_tx: "0xf0", reported: ["strikevaloper0", "strikevaloper1", "strikevaloper3"] },
  ]);
});

test("a landing above the chain's newest checkpoint waits, then is judged once the chain gets there", async (t) => {
  const h = watchHarness({ newest: 115n });
  await h.watch.judge();
  await h.watch.judge();
  t.deepEqual(h.sent, []);
  t.is(await h.metric("strike_relayer_forged_checkpoints_total"), 0);
  h.state.newest = 125n;
  await h.watch.judge();
  t.is(h.sent.length, 3);
  t.is(await h.metric("strike_relayer_forged_checkpoints_total"), 1);
});

test("already punished (15) is done; a report that did not get through is sent again next round, and only it", async (t) => {
  const h = watchHarness({
    newest: 130n,
    outcomes: [
      { code: 15, codespace: "checkpoint" },
      { code: 32, codespace: "sdk" },
      { code: 0, codespace: "" },
    ],
  });
  await h.watch.judge();
  t.deepEqual(h.sent, ["strikevaloper0@120", "strikevaloper1@120", "strikevaloper3@120"]);
  t.is(await h.metric("strike_relayer_forged_reports_total", { result: "retry" }), 1);
  await h.watch.judge();
  t.deepEqual(h.sent.slice(3), ["strikevaloper1@120"], "only the one that did not get through");
  await h.watch.judge();
  t.is(h.sent.length, 4);
  t.is(await h.metric("strike_relayer_forged_reports_total", { result: "already_punished" }), 1);
});

test("without a Strike key the watch logs each signer's ready-to-run report-forged command, once", async (t) => {
  const h = watchHarness({ newest: 130n, noReporter: true });
  await h.watch.judge();
  await h.watch.judge();
  const commands = h.lines.filter(([, m]) => /report it with/.test(m)).map(([, , f]) => String(f["command"]));
  t.deepEqual(
    commands,
    [0, 1, 3].map(
      (i) =>
        `strike tx checkpoint report-forged --l1-tx 0xf0 --l1-rpc http://l1 --contract ${domain.settlement} --validator strikevaloper${i} --from <your key>`,
    ),
  );
  t.is(await h.metric("strike_relayer_forged_checkpoints_total"), 1);
  t.is(await h.metric("strike_relayer_forged_reports_total"), 0);
});
