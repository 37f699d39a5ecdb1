/**
 * Forged-checkpoint evidence end to end through the CLI, on four real validator processes
 * whose genesis names an L1 domain (so checkpoints are signed; no L1 needs to run): an
 * attacker-side signature by one validator's Ethereum key (its home's config/eth_key.json)
 * over a digest the chain never recorded is reported with `strike tx checkpoint
 * report-forged`; the validator is slashed and jailed, and the chain goes on with the other
 * three. The same report again, or an equivocation for that height, is refused with its code.
 */
import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ZeroHash } from "ethers";
import { signCheckpointDigest } from "../../app/checkpointSigner.js";
import { checkpointDigest } from "../../chain/l1/digest.js";
import { loadEthKey } from "../../chain/node/ethKey.js";
import { loadGenesis } from "../../genesis/index.js";
import { setGenesisL1Domain } from "../../modules/checkpoint/index.js";
import { runCli, runCliOk, type CliResult } from "../helpers/localNode.js";
import { eventually } from "../helpers/l1Localnet.js";
import { sequencerIndex, startSequencerLocalnet } from "../helpers/sequencerLocalnet.js";

const L1_CHAIN_ID = 31337n;
const SETTLEMENT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const STAKE_FRACTION_PERCENT = 5n;

interface CheckpointJson {
  height: string;
  app_hash: string;
  block_hash: string;
  withdrawal_root: string;
  exit_root: string;
  credited_deposit_nonce: string;
  next_validator_set_hash: string;
  digest: string;
  set: { validator: string; eth_address: string; power: string }[];
}

/** The code and codespace of a refused tx, from the CLI's `--output json` error. */
function refusal(r: CliResult): { code: number; codespace: string } {
  const e = (JSON.parse(r.stderr.trim() || r.stdout.trim()) as { error: { code: number; codespace: string } }).error;
  return { code: e.code, codespace: e.codespace };
}

interface ValidatorJson {
  operator_address: string;
  jailed: boolean;
  tokens: string;
}

test("a validator's key signing a digest that is not the chain's checkpoint is slashed and jailed through `tx checkpoint report-forged`, once", async (t) => {
  t.timeout(600_000);
  const net = await startSequencerLocalnet({
    senders: 0,
    timeoutCommit: "200ms",
    accounts: ["alice"],
    editGenesis: (doc) => {
      const cp = setGenesisL1Domain(doc.app_state["checkpoint"], L1_CHAIN_ID, SETTLEMENT);
      const params = { ...(cp["params"] as Record<string, unknown>), interval: "5" };
      return { ...doc, app_state: { ...doc.app_state, checkpoint: { ...cp, params } } };
    },
  });
  try {
    const home0 = join(net.nodes[0]!.home);
    const common = [
      ...["--home", home0, "--keyring-backend", "test"],
      ...["--node", net.nodes[0]!.rpcUrl.replace("http://", "tcp://"), "--chain-id", net.chainId],
    ];
    const query = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await runCliOk(["query", ...args, "--output", "json", ...common])) as T;
    const validator = async (operator: string) =>
      (await query<{ validators: ValidatorJson[] }>(["staking", "validators"])).validators.find(
        (v) => v.operator_address === operator,
      )!;

    // The culprit: a validator other than node0 (whose keyring reports) and the sequencer.
    const sequencer = await sequencerIndex(net.nodes);
    const culprit = [1, 2, 3].find((i) => i !== sequencer)!;
    const ethKey = loadEthKey(join(net.nodes[culprit]!.home, "config", "eth_key.json"));
    const genesis = loadGenesis(join(home0, "config", "genesis.json"));
    const keys = (genesis.app_state["checkpoint"] as { eth_keys: { operator: string; eth_address: string }[] })
      .eth_keys;
    const operator = keys.find((k) => k.eth_address.toLowerCase() === ethKey.address.toLowerCase())!.operator;

    const cp = await eventually(
      async () => {
        const c = await query<CheckpointJson>(["checkpoint", "latest"]);
        return BigInt(c.height) >= 5n ? c : undefined;
      },
      120_000,
      "a checkpoint",
    );
    t.not(cp.digest, "", "the genesis domain makes checkpoints signable");
    const power = BigInt(cp.set.find((m) => m.validator === operator)!.power);

    // What a colluding majority would sign and land on L1: the chain's height, another state root.
    const domain = { l1ChainId: L1_CHAIN_ID, settlement: SETTLEMENT, strikeChainId: net.chainId };
    const signedFile = (appHash: string, name: string): string => {
      const digest = checkpointDigest(
        domain,
        {
          height: BigInt(cp.height),
          appHash,
          blockHash: `0x${cp.block_hash}`,
          withdrawalRoot: cp.withdrawal_root,
          exitRoot: cp.exit_root,
          creditedDepositNonce: BigInt(cp.credited_deposit_nonce),
        },
        cp.next_validator_set_hash === "" ? ZeroHash : cp.next_validator_set_hash,
      );
      const signature = signCheckpointDigest(Buffer.from(digest.slice(2), "hex"), ethKey.privateKey);
      const file = join(net.dir, name);
      writeFileSync(
        file,
        JSON.stringify({ ...cp, app_hash: appHash, signature: `0x${Buffer.from(signature).toString("hex")}` }),
      );
      return file;
    };
    const forged = signedFile(`0x${"77".repeat(32)}`, "forged.json");
    const report = (args: string[]) =>
      runCli([
        "tx",
        "checkpoint",
        ...args,
        "--validator",
        operator,
        "--from",
        "alice",
        "--yes",
        "--output",
        "json",
        ...common,
      ]);

    // Bad input is refused by the CLI before anything is signed.
    const flags = (file: string): string[] => {
      const f = JSON.parse(readFileSync(file, "utf8")) as CheckpointJson & { signature: string };
      return [
        ...["--height", f.height, "--app-hash", f.app_hash, "--block-hash", f.block_hash],
        ...["--withdrawal-root", f.withdrawal_root, "--exit-root", f.exit_root, "--signature", f.signature],
        ...["--credited-deposit-nonce", f.credited_deposit_nonce],
        ...(f.next_validator_set_hash === "" ? [] : ["--next-set-hash", f.next_validator_set_hash]),
      ];
    };
    const honest = signedFile(`0x${cp.app_hash}`, "honest.json");
    const badInput: [string, string[], RegExp][] = [
      ["a file and flags", ["report-forged", forged, "--height", cp.height], /a file or as flags, not both/],
      ["neither", ["report-forged"], /give the signed checkpoint/],
      [
        "no signature",
        ["report-forged", ...flags(forged).filter((a, i, all) => a !== "--signature" && all[i - 1] !== "--signature")],
        /--signature is required/,
      ],
      [
        "a 31-byte app hash",
        ["report-forged", ...flags(forged), "--app-hash", "ab".repeat(31)],
        /--app-hash must be 32 bytes/,
      ],
    ];
    for (const [name, args, message] of badInput) {
      const r = await report(args);
      t.is(r.code, 1, name);
      t.regex(r.stderr, message, name);
    }

    // The chain's own checkpoint, signed (given as flags): what honest nodes do, refused.
    const notForged = await report(["report-forged", ...flags(honest)]);
    t.not(notForged.code, 0);
    t.deepEqual(refusal(notForged), { code: 25, codespace: "checkpoint" });
    t.regex(notForged.stderr, /not a forged checkpoint/);

    const before = await validator(operator);
    t.false(before.jailed);
    const sent = await report(["report-forged", forged]);
    t.is(sent.code, 0, sent.stderr + sent.stdout);
    const after = await eventually(
      async () => {
        const v = await validator(operator);
        return v.jailed ? v : undefined;
      },
      60_000,
      "the validator jailed",
    );
    const slashed = BigInt(before.tokens) - BigInt(after.tokens);
    t.true(slashed > 0n, `slashed ${slashed}`);
    // slash_fraction_equivocation (5%) of the power it signed with, in tokens (power × 10^6).
    t.is(slashed, (power * 1_000_000n * STAKE_FRACTION_PERCENT) / 100n);

    const again = await report(["report-forged", forged]);
    t.not(again.code, 0);
    t.deepEqual(refusal(again), { code: 15, codespace: "checkpoint" });
    t.regex(again.stderr, /already punished/);
    t.log(`slashed ${slashed} at height ${cp.height}; again: ${again.stderr.trim()}`);
    // An equivocation for the same height counts as the same fault.
    const equivocation = await report(["report-equivocation", honest, forged]);
    t.not(equivocation.code, 0);
    t.deepEqual(refusal(equivocation), { code: 15, codespace: "checkpoint" });
    t.is((await validator(operator)).tokens, after.tokens, "punished once");

    // The other three hold more than 2/3: the chain goes on.
    const height = BigInt(cp.height);
    await eventually(
      async () => {
        const c = await query<CheckpointJson>(["checkpoint", "latest"]);
        return BigInt(c.height) > height + 5n ? c : undefined;
      },
      120_000,
      "checkpoints after the jailing",
    );
  } finally {
    await net.stop();
  }
});
