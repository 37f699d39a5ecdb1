/**
 * Checkpoints reach Ethereum: four validator processes sign them on their own, relayer
 * processes land them on the settlement contract of a real Hardhat node. What lands is
 * exactly the chain's state (height, app hash of header h+1, block h's hash), and a
 * relayer killed mid-way and restarted next to a second relayer leaves no duplicate and no gap.
 */
import anyTest, { type TestFn } from "ava";
import { hexlify } from "ethers";
import { createStrikeSource } from "../../relayer/index.js";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchChromium } from "../helpers/chromium.js";
import { rpc, runCliOk } from "../helpers/localNode.js";
import { eventually, startL1Localnet, type L1Localnet, saveL1LocalnetLogs } from "../helpers/l1Localnet.js";

const output = join(resolve(import.meta.dirname, "../.."), "test/output/dashboard");
const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");

/** `shared` is one object across tests (ava copies the context shallowly per test). */
const test = anyTest as TestFn<{ net: L1Localnet; shared: { statusUrl?: string } }>;

interface L1Json {
  checkpoint_height: string;
  tx: string;
  block: number;
}

async function l1Last(net: L1Localnet): Promise<{ height: bigint; appHash: string; withdrawalRoot: string }> {
  const [height, appHash, withdrawalRoot] = (await net.settlement.getFunction("lastCheckpoint")()) as [
    bigint,
    string,
    string,
  ];
  return { height, appHash, withdrawalRoot };
}

async function landedHeights(net: L1Localnet): Promise<{ height: bigint; appHash: string }[]> {
  const events = await net.settlement.queryFilter(net.settlement.filters.Checkpointed!(), 0, "latest");
  return events.map((e) => {
    const args = (e as unknown as { args: [bigint, string] }).args;
    return { height: BigInt(args[0]), appHash: args[1] };
  });
}

test.before(async (t) => {
  t.context = { net: await startL1Localnet({ accounts: ["alice", "bob"] }), shared: {} };
});

test.after.always(async (t) => {
  const net = t.context.net as L1Localnet | undefined;
  if (net === undefined) return;
  await saveL1LocalnetLogs(net, "checkpointL1");
  await net.stop();
});

test.serial(
  "a checkpoint lands on L1 as the chain recorded it: height, app hash of header h+1, block h's hash",
  async (t) => {
    t.timeout(600_000);
    const { net } = t.context;
    const { statusUrl } = await net.startRelayer(1);
    t.context.shared.statusUrl = statusUrl;
    const last = await eventually(
      async () => {
        const l = await l1Last(net);
        return l.height >= 20n ? l : undefined;
      },
      400_000,
      "two checkpoints on L1",
    );
    const source = createStrikeSource(net.rpcUrls[0]!);
    const [cp] = await source.checkpointsAfter(last.height - 1n, 1);
    t.is(cp!.checkpoint!.height, last.height);
    t.is(hexlify(cp!.checkpoint!.appHash), last.appHash);
    t.true(cp!.checkpoint!.completedAt > 0n, "only complete checkpoints are relayed");
    t.true(cp!.checkpoint!.signedPower * 3n > cp!.checkpoint!.totalPower * 2n);
    const header = await rpc<{ block: { header: { app_hash: string } } }>(net.rpcUrls[0]!, "block", {
      height: String(last.height + 1n),
    });
    t.is(`0x${header.block.header.app_hash.toLowerCase()}`, last.appHash, "the app hash of header h+1");
    const block = await rpc<{ block_id: { hash: string } }>(net.rpcUrls[0]!, "block", { height: String(last.height) });
    t.is(hexlify(cp!.checkpoint!.blockHash), `0x${block.block_id.hash.toLowerCase()}`, "block h's hash");
    const status = await eventually(
      async () => {
        const s = (await (await fetch(statusUrl)).json()) as { latest_checkpointed_height: string };
        return BigInt(s.latest_checkpointed_height) >= last.height ? s : undefined;
      },
      60_000,
      "the relayer's status to show the landing",
    );
    t.true(BigInt(status.latest_checkpointed_height) >= last.height);
  },
);

test.serial(
  "a tx walks the whole finality ladder: received, sequenced, committed, then checkpointed and settled from the node's own L1 reads",
  async (t) => {
    t.timeout(600_000);
    const { net } = t.context;
    const keys = ["--home", join(net.dir, "node0"), "--keyring-backend", "test"];
    const alice = (await runCliOk(["keys", "show", "alice", "-a", ...keys])).trim();
    const node = net.rpcUrls[0]!;
    // The dashboard follows the same tx on its finality timeline (opened before it is sent:
    // the timeline lists the txs of blocks it sees).
    const browser = await launchChromium();
    t.teardown(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.setDefaultTimeout(120_000);
    await page.goto(`${node}/ui`);
    await page.waitForSelector("#conn.ok");
    // The blocks table fills once the page has wired its forms.
    await page.waitForSelector("#blocks tbody tr");
    // Only alice's txs on the timeline (the validators' own txs would push hers out).
    await page.fill("#address", alice);
    await page.click("#account-form button");
    const sent = JSON.parse(
      await runCliOk([
        "tx",
        "bank",
        "send",
        "alice",
        alice,
        "1000uusdc",
        "--fees",
        "5000ustrike",
        "--yes",
        ...keys,
        "--node",
        node,
        "--wait",
        "sequenced",
        "--output",
        "json",
      ]),
    ) as { txhash: string };
    // --watch follows it until settled (the last rung); each line is one change.
    const watched = await runCliOk(["tx", "status", sent.txhash, "--watch", "--timeout", "400", "--node", node]);
    const last = watched.trim().split("\n").at(-1)!;
    t.regex(
      last,
      /^received [\d.]+ ms · sequenced [\d.]+ ms · committed [\d.]+ ms · checkpointed [\d.]+ ms · settled [\d.]+ ms/,
    );
    const s = JSON.parse(await runCliOk(["tx", "status", sent.txhash, "--output", "json", "--node", node])) as {
      stage: string;
      height: string;
      rungs: Record<string, { state: string; at_ms?: number; elapsed_ms?: number; l1?: L1Json }>;
      steps: { stage: string; at_ms: number; l1?: L1Json }[];
    };
    t.is(s.stage, "settled");
    // Under load a sequencer can fail mid-epoch: a receipt is then `reverted` and the tx
    // sequenced again, which is part of the ladder too. Whatever happened before, it ends
    // committed → checkpointed → settled, every rung reached, in time order.
    t.deepEqual(
      s.steps.slice(-3).map((x) => x.stage),
      ["committed", "checkpointed", "settled"],
    );
    t.is(s.steps[0]!.stage, "received");
    const rungs = ["received", "sequenced", "committed", "checkpointed", "settled"];
    const elapsed = rungs.map((r) => s.rungs[r]!.elapsed_ms!);
    t.true(rungs.every((r) => s.rungs[r]!.state === "reached"));
    t.deepEqual(
      elapsed,
      [...elapsed].sort((a, b) => a - b),
      "each rung's time is no earlier than the one before",
    );
    const times = s.steps.map((x) => x.at_ms);
    t.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      "steps in time order",
    );
    // The checkpoint named covers the tx's height, and is really on L1 with that app hash.
    const cp = s.rungs["checkpointed"]!.l1!;
    t.true(BigInt(cp.checkpoint_height) >= BigInt(s.height), "a checkpoint at or above the tx's height covers it");
    const receipt = await net.provider.getTransactionReceipt(cp.tx);
    t.is(receipt?.blockNumber, cp.block);
    t.is(receipt?.to?.toLowerCase(), net.settlementAddress.toLowerCase());
    const events = await net.settlement.queryFilter(net.settlement.filters.Checkpointed!(BigInt(cp.checkpoint_height)));
    t.is(events.length, 1);
    t.is(events[0]!.transactionHash, cp.tx);
    // Settled: at least the default 2 confirmations on top of the checkpoint's L1 block.
    const settled = s.rungs["settled"]!.l1!;
    t.true(BigInt(settled.checkpoint_height) >= BigInt(s.height));
    t.true((await net.provider.getBlockNumber()) - settled.block >= 2);

    // The dashboard's timeline row for this tx shows it checkpointed (with the checkpoint
    // and its L1 block) and settled.
    const rowSel = `#receipts tbody tr[data-hash="${sent.txhash.toUpperCase()}"]`;
    await page.waitForFunction(
      `document.querySelector('${rowSel}')?.querySelectorAll("td")[5]?.textContent?.startsWith("✓") === true`,
      undefined,
      { timeout: 120_000 },
    );
    const cells = await page.$$eval(`${rowSel} td`, (tds) => tds.map((td) => td.textContent ?? ""));
    t.regex(cells[4]!, new RegExp(`^✓ .* #${cp.checkpoint_height} @L1 ${cp.block}$`));
    t.regex(cells[5]!, /^✓ /);
    t.is(cells[6], "settled");
    mkdirSync(output, { recursive: true });
    await page.screenshot({ path: join(output, "dashboard-settled.png"), fullPage: true });
    t.deepEqual(errors, [], "no page errors");
  },
);

interface TieredPositions {
  checkpointed_on_l1: { height?: string; available?: boolean; reason?: string };
  subaccounts: {
    positions: {
      market: string;
      size: string;
      checkpointed_size?: string;
      committed_size: string;
      soft_size: string;
    }[];
    closed_since_checkpoint?: {
      market: string;
      checkpointed_size: string;
      committed_size: string;
      soft_size: string;
    }[];
  }[];
}

test.serial(
  "query positions shows how much of a position is checkpointed on L1, committed, and soft: the L1 tier follows the landings",
  async (t) => {
    t.timeout(600_000);
    const { net } = t.context;
    const node = net.rpcUrls[0]!;
    const keys = ["--home", join(net.dir, "node0"), "--keyring-backend", "test", "--node", node];
    const send = async (args: string[]) =>
      JSON.parse(await runCliOk(["tx", ...args, "--yes", "--output", "json", ...keys])) as { height: number };
    await send(["margin", "deposit", "20000000000uusdc", "--from", "bob"]);
    await send(["margin", "deposit", "20000000000uusdc", "--from", "alice"]);
    // A price near the feeders' oracle, on the tick, so that margin and bands let it trade.
    const oracle = JSON.parse(await runCliOk(["query", "oracle", "ETH", "--output", "json", "--node", node])) as {
      price: string;
    };
    const price = String(Math.round(Number(oracle.price)));
    await send([
      "trade",
      "place",
      "--market",
      "ETH-PERP",
      "--side",
      "sell",
      "--size",
      "2",
      "--price",
      price,
      "--tif",
      "post-only",
      "--from",
      "bob",
    ]);
    const buy = () =>
      send([
        "trade",
        "place",
        "--market",
        "ETH-PERP",
        "--side",
        "buy",
        "--size",
        "1",
        "--price",
        price,
        "--from",
        "alice",
      ]);
    const positions = async () =>
      JSON.parse(
        await runCliOk(["query", "positions", "alice", "--state", "speculative", "--output", "json", ...keys]),
      ) as TieredPositions;
    const eth = (p: TieredPositions) => p.subaccounts[0]!.positions.find((x) => x.market === "ETH-PERP")!;
    const l1Height = async () =>
      BigInt(
        (await rpc<{ checkpointed: { height: string } | null }>(node, "strike_l1_finality")).checkpointed?.height ??
          "0",
      );

    const first = await buy();
    await eventually(
      async () => ((await l1Height()) >= BigInt(first.height) ? true : undefined),
      300_000,
      "the first buy checkpointed on L1",
    );
    const afterFirst = await positions();
    t.not(afterFirst.checkpointed_on_l1.height, undefined, JSON.stringify(afterFirst.checkpointed_on_l1));
    t.true(BigInt(afterFirst.checkpointed_on_l1.height!) >= BigInt(first.height));
    t.like(eth(afterFirst), { size: "1", checkpointed_size: "1", committed_size: "1", soft_size: "0" });

    // The receipt stream carries the same tiers: alice's next receipt, as a watcher of her account gets it.
    const watcher = spawn(
      process.execPath,
      [
        bin,
        "receipt",
        "watch",
        "alice",
        "--stage",
        "sequenced",
        "--count",
        "1",
        "--output",
        "json",
        "--timeout",
        "120",
        ...keys,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const watched = { out: "", err: "" };
    watcher.stdout.on("data", (d: Buffer) => (watched.out += d.toString()));
    watcher.stderr.on("data", (d: Buffer) => (watched.err += d.toString()));
    const watcherDone = new Promise<number | null>((r) => watcher.once("exit", r));
    await eventually(
      async () => (watched.err.includes("watching") ? true : undefined),
      20_000,
      "the watcher subscribed",
    );

    // The second buy: committed at once; on L1 only once a checkpoint at or above its height lands.
    const second = await buy();
    t.is(await watcherDone, 0, watched.err);
    const streamed = JSON.parse(watched.out) as {
      receipt: { fills: { size: string }[] };
      checkpointed_height?: string;
      positions: {
        account: string;
        market: string;
        committed_size: string;
        soft_size: string;
        checkpointed_size?: string;
      }[];
    };
    const units = BigInt(streamed.receipt.fills[0]!.size);
    const alice = (await runCliOk(["keys", "show", "alice", "-a", ...keys])).trim();
    const mine = streamed.positions.find((p) => p.market === "ETH-PERP" && p.account === alice);
    t.truthy(mine, watched.out);
    t.true(BigInt(streamed.checkpointed_height ?? "0") >= BigInt(first.height), watched.out);
    // At its receipt: one contract committed (the first buy), one on the receipt only, and the first on L1.
    t.like(mine, { committed_size: String(units), soft_size: String(units), checkpointed_size: String(units) });
    const now = await positions();
    const covered = BigInt(now.checkpointed_on_l1.height!) >= BigInt(second.height);
    t.like(eth(now), { size: "2", committed_size: "2", checkpointed_size: covered ? "2" : "1" });
    const text = await runCliOk(["query", "positions", "alice", "--state", "speculative", ...keys]);
    t.regex(text, /checkpointed on L1: the state after height \d+/);
    t.regex(text, /MARKET\s+SIZE\s+CHECKPOINTED\s+COMMITTED\s+SOFT/);
    await eventually(
      async () => ((await l1Height()) >= BigInt(second.height) ? true : undefined),
      300_000,
      "the second buy checkpointed on L1",
    );
    t.like(eth(await positions()), { size: "2", checkpointed_size: "2", committed_size: "2" });
    t.log(`buys at heights ${first.height} and ${second.height}; right after the second, L1 covered it: ${covered}`);

    // alice closes: until L1 covers the close, the position is still open in the state L1 holds.
    await send([
      "trade",
      "place",
      "--market",
      "ETH-PERP",
      "--side",
      "buy",
      "--size",
      "2",
      "--price",
      price,
      "--tif",
      "post-only",
      "--from",
      "bob",
    ]);
    const close = await send([
      "trade",
      "place",
      "--market",
      "ETH-PERP",
      "--side",
      "sell",
      "--size",
      "2",
      "--price",
      price,
      "--from",
      "alice",
    ]);
    const closed = await positions();
    t.false(
      closed.subaccounts[0]!.positions.some((x) => x.market === "ETH-PERP"),
      "closed in the committed and speculative states",
    );
    const closeCovered = BigInt(closed.checkpointed_on_l1.height!) >= BigInt(close.height);
    t.deepEqual(
      closed.subaccounts[0]!.closed_since_checkpoint,
      closeCovered ? [] : [{ market: "ETH-PERP", checkpointed_size: "2", committed_size: "0", soft_size: "0" }],
    );
    // In text, as of the checkpoint that query read (L1 may have covered the close meanwhile).
    const closedText = await runCliOk(["query", "positions", "alice", "--state", "speculative", ...keys]);
    const textL1 = BigInt(/checkpointed on L1: the state after height (\d+)/.exec(closedText)?.[1] ?? "0");
    if (textL1 < BigInt(close.height))
      t.regex(closedText, /^ETH-PERP\s+0\s+2\s+0\s+0\s/m, "the text table lists it with size 0 and 2 checkpointed");
    else t.notRegex(closedText, /^ETH-PERP/m, "covered on L1: nothing left to show");
    t.log(`closed at height ${close.height}; right after, L1 covered it: ${closeCovered}`);
    await eventually(
      async () => ((await l1Height()) >= BigInt(close.height) ? true : undefined),
      300_000,
      "the close checkpointed on L1",
    );
    t.deepEqual((await positions()).subaccounts[0]!.closed_since_checkpoint, []);
  },
);

/** One sample's value from Prometheus text (the first series matching name and labels). */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(labels === "" ? `${name} ` : `${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

test.serial(
  "a scrape of the relayer's /metrics shows what it landed, what it cost and how far L1 is behind",
  async (t) => {
    t.timeout(300_000);
    const { net } = t.context;
    const url = t.context.shared.statusUrl!.replace(/\/status$/, "/metrics");
    const first = await (await fetch(url)).text();
    const landedBefore = sample(first, "strike_relayer_checkpoints_confirmed_total")!;
    t.true(landedBefore >= 1, "the first test saw it land checkpoints");
    // A later scrape shows more landed: the counters move with the chain.
    const later = await eventually(
      async () => {
        const text = await (await fetch(url)).text();
        return sample(text, "strike_relayer_checkpoints_confirmed_total")! > landedBefore ? text : undefined;
      },
      240_000,
      "another checkpoint confirmed",
    );
    // Plain checkpoints and set updates (a validator jailed under load changes the set too).
    const submitted =
      (sample(later, "strike_relayer_checkpoints_submitted_total", 'validator_set_update="false"') ?? 0) +
      (sample(later, "strike_relayer_checkpoints_submitted_total", 'validator_set_update="true"') ?? 0);
    const confirmed = sample(later, "strike_relayer_checkpoints_confirmed_total")!;
    t.true(submitted >= confirmed, "every confirmed tx was submitted");
    t.true(sample(later, "strike_relayer_gas_used_total")! > 21_000 * confirmed, "gas counted per landed checkpoint");
    t.true(sample(later, "strike_relayer_last_checkpoint_gas_used")! > 21_000, "the last checkpoint's gas");
    // The last tx it names is a real Checkpointed tx on L1, at the height and block it names.
    const info = /strike_relayer_last_checkpoint_info\{l1_tx="(0x[0-9a-f]{64})"\} 1/.exec(later);
    t.truthy(info, "the last L1 tx is labelled");
    const receipt = await net.provider.getTransactionReceipt(info![1]!);
    t.is(receipt?.status, 1);
    t.is(receipt?.blockNumber, sample(later, "strike_relayer_last_checkpoint_l1_block"));
    const ev = await net.settlement.queryFilter(
      net.settlement.filters.Checkpointed!(BigInt(sample(later, "strike_relayer_last_confirmed_height")!)),
    );
    t.is(ev[0]?.transactionHash, info![1]);
    // Lag: the chain's height minus the contract's last checkpoint height, both as read in one round.
    const chain = sample(later, "strike_relayer_chain_height")!;
    const onL1 = sample(later, "strike_relayer_l1_checkpoint_height")!;
    t.true(chain > 0 && onL1 > 0, `chain height ${chain}, L1 checkpoint height ${onL1}`);
    t.is(sample(later, "strike_relayer_lag_heights"), Math.max(0, chain - onL1));
    t.true(sample(later, "strike_relayer_l1_balance_wei")! > 0, "the paying account's balance");
    t.true(
      sample(later, "strike_relayer_l1_head")! >= receipt!.blockNumber,
      "the L1 head is at or past the last landing",
    );
    t.not(sample(later, "strike_relayer_inclusion_seconds_count"), undefined);
    t.regex(later, /# TYPE strike_relayer_errors_total counter/);
    t.regex(later, /# TYPE strike_relayer_retries_total counter/);
    // /status carries the same lag.
    const status = (await (await fetch(t.context.shared.statusUrl!)).json()) as {
      lag_heights: string;
      chain_height: string;
    };
    t.true(BigInt(status.chain_height) > 0n, "/status chain height");
    t.true(BigInt(status.lag_heights) >= 0n, "/status lag");
  },
);

test.serial("a relayer killed mid-way and restarted beside a second relayer: no duplicate, no gap", async (t) => {
  t.timeout(600_000);
  const { net } = t.context;
  const first = net.relayers[0]!;
  await net.kill(first);
  const atKill = (await l1Last(net)).height;
  await net.startRelayer(1); // the same account again: its nonce comes from the L1, not from memory
  await net.startRelayer(2);
  await eventually(
    async () => ((await l1Last(net)).height >= atKill + 30n ? true : undefined),
    400_000,
    "three more checkpoints on L1",
  );
  const landed = await landedHeights(net);
  const heights = landed.map((l) => l.height);
  t.deepEqual(heights, [...new Set(heights)], "no checkpoint landed twice");
  t.deepEqual(
    heights,
    [...heights].sort((a, b) => (a < b ? -1 : 1)),
    "in height order",
  );
  const source = createStrikeSource(net.rpcUrls[0]!);
  const chain = await source.checkpointsAfter(0n, 100);
  const onChainRange = chain.filter((c) => c.checkpoint!.height <= heights[heights.length - 1]!);
  t.deepEqual(
    heights,
    onChainRange.map((c) => c.checkpoint!.height),
    "every checkpoint of the chain up to the last landed one landed: no gap",
  );
  for (const l of landed) {
    const c = chain.find((x) => x.checkpoint!.height === l.height)!;
    t.is(hexlify(c.checkpoint!.appHash), l.appHash, `app hash at ${l.height}`);
  }
});
