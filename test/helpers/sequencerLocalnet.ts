/**
 * A 4-validator localnet of real node processes with freshly keyed, funded senders in
 * genesis (their keys in memory, for signing fast without a keyring): what the
 * sequencer-kill test and the receipt-latency benchmark share.
 */
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { cosmosQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { addGenesisAccount, loadGenesis, writeGenesis, type GenesisDoc } from "../../genesis/index.js";
import { fetchAccountNumbers, newSender } from "../../bench/lib/sendPhase.js";
import { signMessages, type Sender } from "../../bench/lib/sendTx.js";
import { rpc, runCliOk, waitForHeight, portBase } from "./localNode.js";

export type { Sender };

export interface LocalnetNode {
  home: string;
  rpcUrl: string;
  child: ChildProcess;
  log: string;
}

export interface SequencerLocalnet {
  dir: string;
  chainId: string;
  nodes: LocalnetNode[];
  senders: Sender[];
  /** kill -9 of node i; resolves once it has exited. */
  kill(i: number): Promise<void>;
  /** Starts node i again on its home (after kill), with `strike start` flags added; resolves once it serves RPC. */
  restart(i: number, args?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");
export const SENDER_FUNDS = 100_000_000_000n;

export async function startSequencerLocalnet(o: {
  validators?: number;
  senders: number;
  timeoutCommit: string;
  /** app_state.sequencer.params.epoch_length (the genesis default when absent). */
  epochLength?: number;
  /** Funded accounts in node0's test keyring (default: none). */
  accounts?: string[];
  /** Changes the shared genesis before the nodes first start. */
  editGenesis?: (doc: GenesisDoc) => GenesisDoc;
  /** Node.js flags for every validator process (a benchmark's --cpu-prof); `stop` then sends SIGINT first so profiles get written. */
  nodeArgs?: readonly string[];
  /** The validator processes' environment (a benchmark's, with the node's malloc setting); this process's by default. */
  nodeEnv?: NodeJS.ProcessEnv;
  /** More `strike start` flags for validator i, at every start (a metrics address). */
  startArgs?: (i: number) => readonly string[];
}): Promise<SequencerLocalnet> {
  const nodeArgs = o.nodeArgs ?? [];
  const validators = o.validators ?? 4;
  const dir = await mkdtemp(join(tmpdir(), "strike-seqnet-"));
  const base = await portBase(8);
  const chainId = "strike-local-1";
  await runCliOk([
    "testnet",
    "--validators",
    String(validators),
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    (o.accounts ?? []).join(","),
    "--timeout-commit",
    o.timeoutCommit,
  ]);
  const senders = Array.from({ length: o.senders }, newSender);
  const genesisPath = (i: number) => join(dir, `node${i}`, "config", "genesis.json");
  let doc = loadGenesis(genesisPath(0));
  for (const s of senders)
    doc = addGenesisAccount(doc, s.address, [
      { denom: "ustrike", amount: SENDER_FUNDS.toString() },
      { denom: "uusdc", amount: SENDER_FUNDS.toString() },
    ]);
  if (o.epochLength !== undefined)
    doc = { ...doc, app_state: { ...doc.app_state, sequencer: { params: { epoch_length: String(o.epochLength) } } } };
  if (o.editGenesis !== undefined) doc = o.editGenesis(doc);
  writeGenesis(genesisPath(0), doc);
  for (let i = 1; i < validators; i++) await copyFile(genesisPath(0), genesisPath(i));
  const launch = (node: LocalnetNode, i: number, args: readonly string[] = []) => {
    const more = o.startArgs?.(i) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, bin, "start", "--home", node.home, ...more, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      ...(o.nodeEnv === undefined ? {} : { env: o.nodeEnv }),
    });
    const keep = (d: Buffer) => {
      // The tail is enough to explain a failure; a long run must not hold every line.
      node.log = (node.log + d.toString()).slice(-200_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    node.child = child;
  };
  const nodes: LocalnetNode[] = Array.from({ length: validators }, (_, i) => {
    // `child` is set by launch.
    const node = {
      home: join(dir, `node${i}`),
      rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
      log: "",
    } as LocalnetNode;
    launch(node, i);
    return node;
  });
  const net: SequencerLocalnet = {
    dir,
    chainId,
    nodes,
    senders,
    async kill(i) {
      const c = nodes[i]!.child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      c.kill("SIGKILL");
      await exited;
    },
    async restart(i, args = []) {
      const node = nodes[i]!;
      launch(node, i, args);
      await waitForHeight(
        node.rpcUrl,
        1n,
        180_000,
        () => node.child.exitCode,
        () => node.log,
      );
    },
    async stop() {
      if (nodeArgs.length > 0) {
        const running = nodes.map((n) => n.child).filter((c) => c.exitCode === null && c.signalCode === null);
        const exited = running.map((c) => new Promise<void>((r) => c.once("exit", () => r())));
        for (const c of running) c.kill("SIGINT");
        await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 10_000))]);
      }
      for (let i = 0; i < nodes.length; i++) await net.kill(i);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const n of nodes)
      await waitForHeight(
        n.rpcUrl,
        2n,
        180_000,
        () => n.child.exitCode,
        () => n.log,
      );
    await fetchAccountNumbers(nodes[0]!.rpcUrl, senders);
  } catch (e) {
    await net.stop();
    throw e;
  }
  return net;
}

/** A bank send of `amount` uusdc, signed by `s` at `sequence`. */
export function signSendOf(s: Sender, to: string, amount: bigint, sequence: bigint, chainId: string): Uint8Array {
  const value = MsgSend.encode({
    fromAddress: s.address,
    toAddress: to,
    amount: [{ denom: "uusdc", amount: amount.toString() }],
  }).finish();
  return signMessages(s, [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value }], sequence, chainId);
}

export interface SequencerInfo {
  epoch: string;
  address: string;
  is_self: boolean;
  start_height: string;
  planned_end_height: string;
}

/** The index of the node that is the sequencer now, or -1. */
export async function sequencerIndex(nodes: readonly LocalnetNode[]): Promise<number> {
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i]!.child.exitCode !== null || nodes[i]!.child.signalCode !== null) continue;
    try {
      if ((await rpc<SequencerInfo>(nodes[i]!.rpcUrl, "strike_sequencer")).is_self) return i;
    } catch {
      // down or starting
    }
  }
  return -1;
}

export async function balanceOf(rpcUrl: string, address: string, denom: string): Promise<bigint> {
  const res = await cosmosQueries(createQueryRpc(jsonRpcQuerier(rpcUrl))).bank.Balance({ address, denom });
  return BigInt(res.balance?.amount ?? "0");
}

/** A receipt as a node serves it (`strike_receipt`). */
export interface StoredReceiptJson {
  stage: string;
  receipt: { tx_hash: string; height: string; index: number };
}

/** The receipt `url` serves for `hash` once its stage is `committed`, polling up to `ms` (the last answer otherwise). */
export async function committedReceipt(url: string, hash: string, ms: number): Promise<StoredReceiptJson | undefined> {
  const deadline = Date.now() + ms;
  let last: StoredReceiptJson | undefined;
  while (Date.now() < deadline) {
    try {
      last = await rpc<StoredReceiptJson>(url, "strike_receipt", { hash, wait_ms: "1000" });
      if (last.stage === "committed") return last;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}
