/**
 * A validator that joins a running network, as an operator would: a new node syncs from
 * genesis as a full node, its operator is funded and sends `create-validator` with the
 * node's consensus key; two heights later the node is in the set, signs commits, proposes,
 * and sequences (signs receipts) in its epochs. Its operator registers the node's feeder
 * key, and the node's price feeder (started when the node entered the set) has its votes
 * taken. Its vote is then needed: with one of the original four stopped, the chain goes on
 * only because the new validator votes.
 */
import anyTest, { type TestFn } from "ava";
import { copyFile, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { latestHeight, portBase, rpc, runCli, runCliOk, waitForHeight } from "../helpers/localNode.js";
import {
  firstSignedCommit,
  killNode,
  logTails,
  startNode,
  stopNodes,
  until,
  type NodeProc,
} from "../helpers/nodeProcs.js";

const test = anyTest as TestFn<{ dir: string; nodes: NodeProc[]; feeder: string }>;
const CHAIN_ID = "strike-join-1";

test.before(async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-join-"));
  const base = await portBase(10);
  await runCliOk([
    "testnet",
    "--validators",
    "4",
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--chain-id",
    CHAIN_ID,
    "--accounts",
    "alice",
    "--timeout-commit",
    "200ms",
  ]);
  const nodes: NodeProc[] = [0, 1, 2, 3].map((i) => ({
    home: join(dir, `node${i}`),
    rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
    args: [],
    log: "",
  }));
  // The newcomer: `strike init`, the network's genesis, and every validator as a peer.
  const home = join(dir, "newcomer");
  const init = JSON.parse(
    await runCliOk(["init", "--home", home, "--moniker", "newcomer", "--chain-id", CHAIN_ID, "--output", "json"]),
  ) as { operator_and_feeder: string };
  await copyFile(join(nodes[0]!.home, "config", "genesis.json"), join(home, "config", "genesis.json"));
  const peers = new Set<string>();
  for (const n of nodes.slice(0, 2)) {
    const cfg = await readFile(join(n.home, "config", "config.toml"), "utf8");
    for (const p of /persistent_peers = "([^"]*)"/.exec(cfg)![1]!.split(",")) peers.add(p);
  }
  nodes.push({
    home,
    rpcUrl: `http://127.0.0.1:${base + 41}`,
    args: [
      "--rpc.laddr",
      `tcp://127.0.0.1:${base + 41}`,
      "--p2p.laddr",
      `tcp://127.0.0.1:${base + 40}`,
      "--p2p.persistent_peers",
      [...peers].join(","),
    ],
    log: "",
  });
  t.context = { dir, nodes, feeder: init.operator_and_feeder };
  for (const n of nodes) startNode(n);
  await waitForHeight(
    nodes[4]!.rpcUrl,
    3n,
    120_000,
    () => nodes[4]!.child?.exitCode ?? null,
    () => logTails(nodes),
  );
});

test.after.always(async (t) => stopNodes(t.context.nodes, t.context.dir, "join"));

test.serial(
  "a node that joins a running network becomes a validator: it signs commits, proposes, sequences, and the chain needs its vote",
  async (t) => {
    t.timeout(400_000);
    const { nodes } = t.context;
    const newcomer = nodes[4]!;
    const logs = () => logTails(nodes);
    const mine = ["--home", newcomer.home, "--keyring-backend", "test", "--node", newcomer.rpcUrl];
    const node0 = ["--home", nodes[0]!.home, "--keyring-backend", "test", "--node", nodes[0]!.rpcUrl];

    // Its consensus address, from its own status: a full node, not (yet) in the set.
    const status = await rpc<{ validator_info: { address: string; voting_power: string } }>(newcomer.rpcUrl, "status");
    const address = status.validator_info.address;
    t.is(status.validator_info.voting_power, "0");

    // An operator key on the newcomer, funded by alice; then create-validator with the node's key (the default).
    const operator = (
      JSON.parse(
        await runCliOk([
          "keys",
          "add",
          "operator",
          "--home",
          newcomer.home,
          "--keyring-backend",
          "test",
          "--output",
          "json",
        ]),
      ) as { address: string }
    ).address;
    const funded = JSON.parse(
      await runCliOk([
        "tx",
        "bank",
        "send",
        "alice",
        operator,
        "200000000ustrike",
        "--yes",
        "--output",
        "json",
        ...node0,
      ]),
    ) as { height: number };
    // The operator's account must exist on the node it signs through.
    await waitForHeight(newcomer.rpcUrl, BigInt(funded.height), 60_000, () => newcomer.child?.exitCode ?? null, logs);
    const created = JSON.parse(
      await runCliOk([
        "tx",
        "staking",
        "create-validator",
        "--amount",
        "100000000ustrike",
        "--moniker",
        "newcomer",
        "--from",
        "operator",
        "--yes",
        "--output",
        "json",
        ...mine,
      ]),
    ) as { height: number };
    const h = BigInt(created.height);

    // In the set two heights after the block that bonded it, with the power of its stake.
    // Asked of the node that answers: it has the height by then.
    await waitForHeight(nodes[0]!.rpcUrl, h + 2n, 60_000, () => newcomer.child?.exitCode ?? null, logs);
    const set = await rpc<{ validators: { address: string; voting_power: string }[] }>(nodes[0]!.rpcUrl, "validators", {
      height: String(h + 2n),
    });
    t.deepEqual(
      set.validators.find((v) => v.address === address),
      { ...set.validators.find((v) => v.address === address)!, voting_power: "100" },
    );
    t.is(set.validators.length, 5);

    // It signs: its precommit is in the commit of a height it is a validator of.
    const signedAt = await until(
      "the newcomer's signature in a commit",
      () => firstSignedCommit(nodes[0]!.rpcUrl, address, h + 2n),
      60_000,
      logs,
    );
    t.true(signedAt >= h + 2n);

    // It proposes, and in its epoch it is the sequencer: a tx sent to it gets a receipt it signed.
    const proposedAt = await until(
      "a block proposed by the newcomer",
      async () => {
        const top = await latestHeight(nodes[0]!.rpcUrl);
        for (let x = h + 2n; x <= top; x++) {
          const b = await rpc<{ block: { header: { proposer_address: string } } }>(nodes[0]!.rpcUrl, "block", {
            height: String(x),
          });
          if (b.block.header.proposer_address === address) return x;
        }
        return undefined;
      },
      240_000,
      logs,
    );
    t.true(proposedAt > h);
    const receiptSigner = await until(
      "a receipt signed by the newcomer",
      async () => {
        const info = await rpc<{ sequencer_info?: { address: string } }>(newcomer.rpcUrl, "status");
        if (info.sequencer_info?.address.toUpperCase() !== address.toUpperCase()) return undefined;
        const out = JSON.parse(
          await runCliOk([
            "tx",
            "bank",
            "send",
            "operator",
            operator,
            "1ustrike",
            "--wait",
            "sequenced",
            "--yes",
            "--output",
            "json",
            ...mine,
          ]),
        ) as { receipt: { receipt: { sequencer_address: string } } };
        // The epoch may have ended between the two calls: then ask again in its next one.
        const signer = out.receipt.receipt.sequencer_address.toUpperCase();
        return signer === address.toUpperCase() ? signer : undefined;
      },
      240_000,
      logs,
    );
    t.is(receiptSigner.toUpperCase(), address.toUpperCase());

    // Its price feeder runs, but its votes are refused until the operator registers its key
    // (and funds it: the feeder pays its own fees).
    const { feeder } = t.context;
    const votesOf = async () =>
      (
        await rpc<{ total_count: string }>(nodes[0]!.rpcUrl, "tx_search", {
          query: `oracle_vote.feeder='${feeder}'`,
          per_page: "1",
        })
      ).total_count;
    t.is(await votesOf(), "0");
    await runCliOk(["tx", "bank", "send", "alice", feeder, "1000000000ustrike", "--yes", "--output", "json", ...node0]);
    await runCliOk(["tx", "oracle", "register-feeder", "--from", "operator", "--yes", "--output", "json", ...mine]);
    await until(
      "a price vote of the newcomer's feeder in a block",
      async () => ((await votesOf()) === "0" ? undefined : true),
      60_000,
      logs,
    );
    const feeders = JSON.parse(
      await runCliOk(["query", "oracle", "feeders", "--output", "json", "--node", nodes[0]!.rpcUrl]),
    ) as { validator_feeders: { validator: string; feeder: string; weight: string }[] };
    t.deepEqual(
      feeders.validator_feeders.find((f) => f.feeder === feeder),
      { validator: operator, feeder, weight: "100" },
    );
    // The registration cannot be taken over: another validator's operator naming the same feeder is refused.
    const refused = await runCli([
      "tx",
      "oracle",
      "register-feeder",
      feeder,
      "--from",
      "validator",
      "--yes",
      "--output",
      "json",
      ...node0,
    ]);
    t.not(refused.code, 0);
    t.regex(refused.stdout + refused.stderr, /cannot be a validator.s feeder/);

    // Its vote counts: with node3 down, four of five equal powers are 80% > 2/3, and only with the newcomer.
    await killNode(nodes[3]!);
    const from = await latestHeight(nodes[0]!.rpcUrl);
    t.true(
      (await waitForHeight(nodes[0]!.rpcUrl, from + 5n, 60_000, () => newcomer.child?.exitCode ?? null, logs)) >=
        from + 5n,
    );
    await killNode(newcomer);
    const stalled = await latestHeight(nodes[0]!.rpcUrl);
    await new Promise((r) => setTimeout(r, 3_000));
    t.true(
      (await latestHeight(nodes[0]!.rpcUrl)) <= stalled + 1n,
      "with the newcomer down too (three of five), no block is decided",
    );
    startNode(newcomer);
    t.true(
      (await waitForHeight(nodes[0]!.rpcUrl, stalled + 3n, 90_000, () => newcomer.child?.exitCode ?? null, logs)) >=
        stalled + 3n,
      "blocks again once the newcomer is back",
    );
  },
);
