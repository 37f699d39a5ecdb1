/**
 * Issue 9's rule for persistence: a failed write stops the node loudly, never a silent,
 * permanent stall. A validator under a load of bank sends is started with
 * `--x-disk-full-after-height-for-testing` (every database write fails with ENOSPC once that
 * height is stored, as on a full disk). The block after it cannot be written: the node must
 * exit non-zero at once with a log line naming the block and the cause. Restarted without the
 * fault, it must come back at the last height it wrote (or the next, the block it had decided
 * and could not write, replayed from its consensus WAL), with every block whole and chained (no
 * lost, no half-written block), every tx a client saw committed where it was seen, and go on
 * committing.
 */
import anyTest, { type TestFn } from "ava";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { cosmosQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import { addGenesisAccount, type GenesisDoc } from "../../genesis/index.js";
import { fetchAccountNumbers, newSender } from "../../bench/lib/sendPhase.js";
import { sha256, signSend, type Sender } from "../../bench/lib/sendTx.js";
import { createTestNode, latestHeight, rpc, waitForHeight, type TestNode } from "../helpers/localNode.js";

const FULL_AFTER = 6n;
const test = anyTest as TestFn<{ node: TestNode; sender: Sender; flags: string[] }>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async (t) => {
  const sender = newSender();
  // Read at every start: emptied before the restart, so the fault is gone then.
  const flags = ["--consensus.timeout_commit", "300ms", `--x-disk-full-after-height-for-testing=${FULL_AFTER}`];
  t.context.sender = sender;
  t.context.flags = flags;
  t.context.node = await createTestNode({
    startFlags: flags,
    editGenesis: (doc) => {
      Object.assign(
        doc,
        addGenesisAccount(doc as unknown as GenesisDoc, sender.address, [
          { denom: "ustrike", amount: "100000000000" },
          { denom: "uusdc", amount: "1000000" },
        ]),
      );
    },
  });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

interface BlockJson {
  block_id: { hash: string };
  block: { header: { height: string; last_block_id: { hash: string }; app_hash: string }; data: { txs: string[] } };
}

test.serial(
  "a block that cannot be written (disk full) stops the node loudly; restarted, it is at the last written height with every block whole",
  async (t) => {
    t.timeout(240_000);
    const { node, sender, flags } = t.context;
    await fetchAccountNumbers(node.rpcUrl, [sender]);
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      node.process.once("exit", (code) => resolve({ code, at: Date.now() })),
    );
    let stopped = false;
    void exited.then(() => (stopped = true));
    // When the node was first seen at the last height it can write (polled every 100 ms).
    let fullAt: number | undefined;
    void (async () => {
      while (!stopped && fullAt === undefined) {
        if ((await latestHeight(node.rpcUrl).catch(() => 0n)) >= FULL_AFTER) fullAt = Date.now();
        await sleep(100);
      }
    })();

    // One bank send after another, each waited for until committed: hash -> height seen.
    const committed = new Map<string, bigint>();
    let seq = 0n;
    let inFlight: string | undefined;
    while (!stopped) {
      const tx = signSend(sender, sender.address, seq, node.chainId);
      const hash = Buffer.from(sha256(tx)).toString("base64");
      inFlight = hash;
      try {
        const r = await rpc<{ code: number }>(node.rpcUrl, "broadcast_tx_sync", {
          tx: Buffer.from(tx).toString("base64"),
        });
        if (r.code !== 0) break;
        for (let i = 0; i < 40 && !stopped; i++) {
          await sleep(100);
          const found = await rpc<{ height: string }>(node.rpcUrl, "tx", { hash }).catch(() => undefined);
          if (found !== undefined) {
            committed.set(hash, BigInt(found.height));
            inFlight = undefined;
            seq++;
            break;
          }
        }
      } catch {
        // the node went down mid-request
        await sleep(100);
      }
    }
    const { code, at } = await exited;
    const log = node.logs();
    const failedAt = FULL_AFTER + 1n;
    t.not(code, 0, "the node exits non-zero");
    t.not(code, null, "the node exits by itself, not by a signal");
    const line = log.split("\n").find((l) => l.includes(`cannot commit block ${failedAt}`));
    t.truthy(line, `no log line names the block that failed:\n${log.slice(-3000)}`);
    t.regex(line ?? "", /ENOSPC|no space left on device/i, "the log line names the cause");
    t.regex(log, /consensus cannot go on: shutting the node down/);
    t.true(committed.size > 0, "txs committed before the disk filled");
    t.log(
      `exited with code ${code} ${fullAt === undefined ? "?" : at - fullAt} ms after height ${FULL_AFTER} was seen; ${committed.size} txs committed before; cause logged: ${line?.trim()}`,
    );

    // The fault gone, the node comes back at the last height it wrote.
    flags.splice(flags.indexOf(`--x-disk-full-after-height-for-testing=${FULL_AFTER}`), 1);
    const restartedAt = Date.now();
    await node.start();
    const resumed = await latestHeight(node.rpcUrl);
    t.true(
      resumed >= FULL_AFTER && resumed <= failedAt,
      `restarted at height ${resumed}; it had written ${FULL_AFTER} and decided ${failedAt}`,
    );
    const target = FULL_AFTER + 5n;
    await waitForHeight(
      node.rpcUrl,
      target,
      60_000,
      () => node.process.exitCode,
      () => node.logs(),
    );
    t.log(`restarted at height ${resumed}; height ${target} ${Date.now() - restartedAt} ms after the restart`);

    // Every block whole and chained: each names the one before, each app hash is the state its predecessor left.
    let prev: BlockJson | undefined;
    for (let h = 1n; h <= target; h++) {
      const b = await rpc<BlockJson>(node.rpcUrl, "block", { height: String(h) });
      t.is(BigInt(b.block.header.height), h);
      if (prev !== undefined) {
        t.is(b.block.header.last_block_id.hash, prev.block_id.hash, `block ${h} names block ${h - 1n}`);
        const results = await rpc<{ app_hash: string }>(node.rpcUrl, "block_results", { height: String(h - 1n) });
        t.is(
          Buffer.from(results.app_hash, "base64").toString("hex").toUpperCase(),
          b.block.header.app_hash,
          `block ${h}'s app hash is the state after block ${h - 1n}`,
        );
      }
      prev = b;
    }
    // No tx a client saw committed is lost or moved, the tx index included.
    for (const [hash, h] of committed) {
      const found = await rpc<{ height: string }>(node.rpcUrl, "tx", { hash });
      t.is(BigInt(found.height), h, `tx ${hash}`);
    }
    // The account's state agrees with the txs: its sequence counts every committed send, and
    // the one in flight when the node stopped only if it is in a block now.
    const account = await cosmosQueries(createQueryRpc(jsonRpcQuerier(node.rpcUrl))).auth.Account({
      address: sender.address,
    });
    const sequence = BaseAccount.decode(account.account!.value).sequence;
    const landed =
      inFlight === undefined
        ? undefined
        : await rpc<{ height: string }>(node.rpcUrl, "tx", { hash: inFlight }).catch(() => undefined);
    t.is(
      sequence,
      landed === undefined ? seq : seq + 1n,
      `account sequence after the restart (in flight: ${inFlight ?? "none"})`,
    );
  },
);
