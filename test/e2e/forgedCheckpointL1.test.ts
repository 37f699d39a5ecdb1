/**
 * A colluding majority lands a forged checkpoint on L1, and the running relayer gets each
 * of them punished. Four real validator processes, a real Hardhat 2 node with the ECDSA
 * settlement contract, a real relayer with a Strike account (`--strike-key`). Three of the
 * four validators' Ethereum keys (their homes' config/eth_key.json) sign a state root the
 * chain never had, at the height of a checkpoint the chain has not reached yet, and it is
 * sent straight to the contract. Once the chain checkpoints that height, the relayer sees
 * the landed one is not the chain's, decodes the L1 tx's calldata, and reports each signer:
 * all three are slashed and jailed, the metric counts one forged checkpoint, and nothing is
 * reported twice — neither by that relayer nor by a second one started afterwards, whose
 * reports are refused as already punished (15).
 */
import anyTest, { type TestFn } from "ava";
import { join } from "node:path";
import { Wallet, ZeroHash, getAddress, hexlify, keccak256 } from "ethers";
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { strikeQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import { checkpointDigest } from "../../chain/l1/digest.js";
import { signCheckpointEcdsa } from "../../chain/l1/ecdsa.js";
import { HARDHAT_KEYS } from "../../chain/l1/hardhatNode.js";
import { loadEthKey } from "../../chain/node/ethKey.js";
import { encodeSet, l1SetOf } from "../../relayer/index.js";
import { rpc, runCli } from "../helpers/localNode.js";
import { eventually, startL1Localnet, type L1Localnet, saveL1LocalnetLogs } from "../helpers/l1Localnet.js";

const test = anyTest as TestFn<{ net: L1Localnet }>;

async function metric(url: string, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split("\n"))
    if ((line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && line.includes(labels))
      sum += Number(line.split(" ").pop());
  return sum;
}

test.before(async (t) => {
  t.context = { net: await startL1Localnet({ accounts: ["alice"] }) };
});

test.after.always(async (t) => {
  const net = t.context.net as L1Localnet | undefined;
  if (net === undefined) return;
  await saveL1LocalnetLogs(net, "forgedCheckpointL1");
  await net.stop();
});

test.serial(
  "a forged checkpoint landed on L1 by >2/3 of the validators' keys gets every signer slashed and jailed by the running relayer, once",
  async (t) => {
    t.timeout(600_000);
    const { net } = t.context;
    const home0 = join(net.dir, "node0");
    const strikeKey = ["--strike-key", "alice", "--home", home0, "--keyring-backend", "test"];
    const relayer = await net.startRelayer(1, { args: strikeKey });
    const q = strikeQueries(createQueryRpc(jsonRpcQuerier(net.rpcUrls[0]!)));
    const chainId = (await rpc<{ node_info: { network: string } }>(net.rpcUrls[0]!, "status")).node_info.network;
    const l1Height = async () => ((await net.settlement.getFunction("lastCheckpoint")()) as [bigint])[0];
    await eventually(async () => ((await l1Height()) > 0n ? true : undefined), 300_000, "a first checkpoint on L1");

    // The set the contract holds, and which validator holds which of its keys.
    const latest = (await q.checkpoint.Checkpoint({ height: 0n })).checkpoint!;
    const interval = (await q.checkpoint.Params({})).params!.interval;
    const members = l1SetOf({ checkpoint: latest, signatures: [] });
    t.is(members.length, 4);
    t.is(keccak256(encodeSet(members)), await net.settlement.getFunction("validatorSetHash")());
    const ethKeys = [0, 1, 2, 3].map((i) => loadEthKey(join(net.dir, `node${i}`, "config", "eth_key.json")));
    const operatorOf = new Map(latest.signersSet.map((m) => [getAddress(hexlify(m.ethAddress)), m.operator]));
    // node0 stays honest (the relayer reads its node, and alice is in its keyring); 1, 2 and 3 collude.
    const colluders = [1, 2, 3].map((i) => ethKeys[i]!);
    const culprits = colluders.map((k) => operatorOf.get(getAddress(k.address))!);
    const before = new Map(
      (await q.staking.Validators({ status: "" })).validators.map((v) => [v.validator!.operatorAddress, v.validator!]),
    );

    // A state root the chain never had, at the height of a checkpoint it has not taken yet.
    const height = latest.height + 3n * interval;
    const fields = {
      height,
      appHash: `0x${"77".repeat(32)}`,
      blockHash: `0x${"66".repeat(32)}`,
      withdrawalRoot: ZeroHash,
      exitRoot: ZeroHash,
      creditedDepositNonce: 0n,
    };
    const digest = checkpointDigest(
      { l1ChainId: 31337n, settlement: net.settlementAddress, strikeChainId: chainId },
      fields,
    );
    const signerIndices = colluders.map((k) => members.findIndex((m) => m.address === getAddress(k.address)));
    const blob = signCheckpointEcdsa(
      digest,
      members,
      members.map((m) => ethKeys.find((k) => getAddress(k.address) === m.address)!.privateKey),
      signerIndices,
    );
    const attacker = new Wallet(HARDHAT_KEYS[3]!, net.provider);
    const landing = await (
      await net.settlement.connect(attacker).getFunction("checkpoint")(
        fields.height,
        fields.appHash,
        fields.blockHash,
        fields.withdrawalRoot,
        fields.exitRoot,
        fields.creditedDepositNonce,
        blob,
      )
    ).wait();
    t.is(landing?.status, 1, "the contract took the forged checkpoint: >2/3 of its set signed it");
    t.is(await l1Height(), height);
    const landedAt = Date.now();
    t.log(
      `forged checkpoint at height ${height} landed in ${landing!.hash} (chain's newest checkpoint: ${latest.height})`,
    );

    // The relayer reads the landing at once, but judges it only once the chain has checkpointed that height.
    await eventually(
      async () => {
        const st = (await (await fetch(relayer.statusUrl)).json()) as { landed: { height: string }[] };
        return st.landed.some((l) => l.height === height.toString()) ? true : undefined;
      },
      60_000,
      "the relayer reading the forged landing",
    );
    // Counted first: if the chain is still below the height after it, it was below then too.
    const countedThen = await metric(relayer.metricsUrl, "strike_relayer_forged_checkpoints_total");
    const newestThen = (await q.checkpoint.Checkpoint({ height: 0n })).checkpoint!.height;
    t.log(`the relayer read the landing with the chain's newest checkpoint at ${newestThen}: counted ${countedThen}`);
    if (newestThen < height) t.is(countedThen, 0, "above the chain's newest checkpoint: not judged yet");

    const jailed = await eventually(
      async () => {
        const vs = (await q.staking.Validators({ status: "" })).validators.map((v) => v.validator!);
        const ours = culprits.map((c) => vs.find((v) => v.operatorAddress === c)!);
        return ours.every((v) => v.jailed) ? ours : undefined;
      },
      240_000,
      "every colluding signer jailed",
    );
    const chainHeightThen = (await q.checkpoint.Checkpoint({ height: 0n })).checkpoint!.height;
    t.log(
      `all ${culprits.length} signers jailed ${((Date.now() - landedAt) / 1000).toFixed(1)} s after the landing (chain's newest checkpoint ${chainHeightThen})`,
    );
    for (const v of jailed) {
      const slashed = BigInt(before.get(v.operatorAddress)!.tokens) - BigInt(v.tokens);
      t.true(slashed > 0n, `${v.operatorAddress} slashed ${slashed}`);
    }
    const honest = (await q.staking.Validators({ status: "" })).validators.find(
      (v) => v.validator!.operatorAddress === operatorOf.get(getAddress(ethKeys[0]!.address)),
    )!.validator!;
    t.false(honest.jailed, "the validator that did not sign is left alone");
    t.is(honest.tokens, before.get(honest.operatorAddress)!.tokens);

    t.is(await metric(relayer.metricsUrl, "strike_relayer_forged_checkpoints_total"), 1);
    // The last report's block may be seen here before the relayer has read its result.
    await eventually(
      async () =>
        (await metric(relayer.metricsUrl, "strike_relayer_forged_reports_total", 'result="accepted"')) === 3
          ? true
          : undefined,
      30_000,
      "the relayer to count its three accepted reports",
    );
    const status = (await (await fetch(relayer.statusUrl)).json()) as {
      forged: { height: string; l1_tx: string; reported: string[] }[];
    };
    t.deepEqual(status.forged, [{ height: height.toString(), l1_tx: landing!.hash, reported: [...culprits].sort() }]);
    t.true(relayer.proc.log.includes("FORGED CHECKPOINT"), "logged as an error");

    // A while later: nothing more sent, and nobody punished twice.
    await new Promise((r) => setTimeout(r, 5_000));
    t.is(await metric(relayer.metricsUrl, "strike_relayer_forged_reports_total"), 3, "each signer reported once");
    t.is(await metric(relayer.metricsUrl, "strike_relayer_forged_checkpoints_total"), 1);

    // A second relayer started now reads the same landing: it detects it and is told the signers are already punished.
    const second = await net.startRelayer(2, { args: strikeKey });
    await eventually(
      async () =>
        (await metric(second.metricsUrl, "strike_relayer_forged_reports_total", 'result="already_punished"')) === 3
          ? true
          : undefined,
      120_000,
      "the second relayer's reports refused as already punished",
    );
    t.is(await metric(second.metricsUrl, "strike_relayer_forged_checkpoints_total"), 1);
    t.is(await metric(second.metricsUrl, "strike_relayer_forged_reports_total", 'result="accepted"'), 0);

    // By hand, from the L1 tx alone: the signatures are read out of its calldata.
    const common = [
      ...["--home", home0, "--keyring-backend", "test", "--node", net.rpcUrls[0]!.replace("http://", "tcp://")],
      ...["--chain-id", chainId, "--yes"],
    ];
    const byHand = await runCli([
      ...["tx", "checkpoint", "report-forged", "--l1-tx", landing!.hash, "--l1-rpc", net.l1.url],
      ...["--validator", culprits[0]!, "--from", "alice", ...common],
    ]);
    t.is(byHand.code, 0, byHand.stderr);
    t.regex(byHand.stderr, new RegExp(`${culprits[0]} is already punished for height ${height}`));
    const notASigner = await runCli([
      ...["tx", "checkpoint", "report-forged", "--l1-tx", landing!.hash, "--l1-rpc", net.l1.url],
      ...["--validator", honest.operatorAddress, "--from", "alice", ...common],
    ]);
    t.is(notASigner.code, 1);
    t.regex(notASigner.stderr, /did not sign the checkpoint/);

    const after = (await q.staking.Validators({ status: "" })).validators.map((v) => v.validator!);
    for (const v of jailed)
      t.is(after.find((x) => x.operatorAddress === v.operatorAddress)!.tokens, v.tokens, "slashed once");
  },
);
