/**
 * The escape hatch end to end on real processes: a Hardhat 2 L1, four validator processes
 * that attest deposits and sign checkpoints, a relayer, and the `strike` CLI. Traders deposit
 * on L1, trade so that one wins and one loses, a checkpoint lands, the relayer stops; exit
 * mode is refused until the contract's timeout has passed on L1, then entered; every account
 * claims with `strike l1 exit` and gets exactly its leaf of the checkpoint's exit tree, once.
 * A deposit made after the last checkpoint (credited on Strike, but not by any checkpoint the
 * contract has) goes back to its payer with `strike l1 reclaim-deposits`, once.
 * The contract never pays more than was deposited.
 */
import anyTest, { type TestFn } from "ava";
import { Contract, computeAddress, getBytes, hexlify, Wallet } from "ethers";
import { join } from "node:path";
import { addressToBech32 } from "../../chain/crypto/address.js";
import { loadArtifact } from "../../chain/l1/artifacts.js";
import { exitLeaf, processProof } from "../../chain/l1/merkle.js";
import { HARDHAT_KEYS } from "../../chain/l1/hardhatNode.js";
import { runCli, runCliOk } from "../helpers/localNode.js";
import { eventually, startL1Localnet, type L1Localnet, saveL1LocalnetLogs } from "../helpers/l1Localnet.js";

const test = anyTest as TestFn<{ net: L1Localnet }>;
const DEPOSIT = 2_000_000_000n; // 2,000 USDC each
const LATE_DEPOSIT = 500_000_000n; // after the last checkpoint on L1
const TRADERS = ["mm", "bob", "carol"] as const;

test.before(async (t) => {
  // No genesis uusdc: every uusdc on the chain came from L1, so no claim is cut.
  t.context = {
    net: await startL1Localnet({ accounts: [...TRADERS], funds: "1000000000000ustrike", bridgeWatcher: true }),
  };
});

test.after.always(async (t) => {
  const net = t.context.net as L1Localnet | undefined;
  if (net === undefined) return;
  await saveL1LocalnetLogs(net, "exitMode");
  await net.stop();
});

test.serial(
  "exit mode pays every account its equity at the last checkpoint, once, and never more than deposited",
  async (t) => {
    t.timeout(1_500_000);
    const { net } = t.context;
    const common = ["--home", join(net.dir, "node0"), "--keyring-backend", "test", "--node", net.rpcUrls[0]!];
    const l1 = ["--l1-rpc", net.l1.url, "--contract", net.settlementAddress, "--output", "json"];
    const cli = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await runCliOk([...args, "--output", "json", ...common])) as T;
    const usdc = new Contract(
      String(await net.settlement.getFunction("usdc")()),
      loadArtifact("MockUSDC").abi,
      new Wallet(HARDHAT_KEYS[0]!, net.provider),
    );
    const contractBalance = async () => (await usdc.getFunction("balanceOf")(net.settlementAddress)) as bigint;
    const uusdcOf = async (address: string) => {
      const b = await cli<{ balances: { denom: string; amount: string }[] }>(["query", "bank", "balances", address]);
      return BigInt(b.balances.find((c) => c.denom === "uusdc")?.amount ?? "0");
    };
    const traders: Record<string, { address: string; recipient: string }> = {};
    for (const name of TRADERS) {
      const k = await cli<{ address: string; pubkey: { key: string } }>(["keys", "show", name]);
      traders[name] = {
        address: k.address,
        recipient: computeAddress(hexlify(Buffer.from(k.pubkey.key, "base64"))).toLowerCase(),
      };
    }

    // The relayer runs from the start, so that it has caught up when the trade's checkpoint comes.
    const relayer = (await net.startRelayer(1)).proc;

    // Deposits on L1, paid by Hardhat account 3, credited once the validators attest them.
    const payer = new Wallet(HARDHAT_KEYS[3]!).address;
    for (const name of TRADERS) {
      await (await usdc.getFunction("mint")(payer, DEPOSIT)).wait();
      await runCliOk([
        "l1",
        "deposit",
        String(DEPOSIT),
        "--to",
        traders[name]!.address,
        "--l1-key",
        HARDHAT_KEYS[3]!,
        ...l1,
      ]);
    }
    for (const name of TRADERS)
      await eventually(
        async () => ((await uusdcOf(traders[name]!.address)) === DEPOSIT ? true : undefined),
        300_000,
        `${name}'s deposit to be credited`,
      );
    const deposited = 3n * DEPOSIT;
    t.is(await contractBalance(), deposited);

    // mm sells 1 ETH above the mark and bob buys it: bob loses the gap at once, mm wins it.
    // carol only holds collateral.
    for (const name of TRADERS)
      await runCliOk(["tx", "margin", "deposit", "1500000000uusdc", "--from", name, "--yes", ...common]);
    const oracle = await cli<{ price: string }>(["query", "oracle", "ETH"]);
    const price = String(Math.floor(Number(oracle.price)) + 150);
    await runCliOk(
      ["tx", "trade", "place", "--market", "ETH-PERP", "--side", "sell", "--size", "1", "--price", price].concat([
        "--tif",
        "post-only",
        "--from",
        "mm",
        "--yes",
        ...common,
      ]),
    );
    await runCliOk(
      ["tx", "trade", "place", "--market", "ETH-PERP", "--side", "buy", "--size", "1", "--price", price].concat([
        "--from",
        "bob",
        "--yes",
        ...common,
      ]),
    );
    const traded = BigInt(
      (await cli<{ sync_info: { latest_block_height: string } }>(["status"])).sync_info.latest_block_height,
    );

    // The relayer lands a checkpoint after the trade, then stops for good.
    await eventually(
      async () => {
        const [h] = (await net.settlement.getFunction("lastCheckpoint")()) as [bigint];
        return h > traded ? h : undefined;
      },
      900_000,
      "a checkpoint after the trade on L1",
    );
    await net.kill(relayer);
    const [height] = (await net.settlement.getFunction("lastCheckpoint")()) as [bigint];
    const exitRoot = (await net.settlement.getFunction("exitRoot")()) as string;
    t.not(exitRoot, `0x${"0".repeat(64)}`, "the checkpoint carries a non-empty exit root");
    t.is(
      (await net.settlement.getFunction("creditedDepositNonce")()) as bigint,
      3n,
      "the checkpoint says Strike had credited the three deposits",
    );

    // A deposit after the last checkpoint: Strike credits it, no checkpoint reaches L1 with it.
    const carolFree = await uusdcOf(traders["carol"]!.address);
    await (await usdc.getFunction("mint")(payer, LATE_DEPOSIT)).wait();
    await runCliOk([
      "l1",
      "deposit",
      String(LATE_DEPOSIT),
      "--to",
      traders["carol"]!.address,
      "--l1-key",
      HARDHAT_KEYS[3]!,
      ...l1,
    ]);
    await eventually(
      async () => ((await uusdcOf(traders["carol"]!.address)) === carolFree + LATE_DEPOSIT ? true : undefined),
      300_000,
      "the late deposit to be credited on Strike",
    );
    const reclaimArgs = ["l1", "reclaim-deposits", "--l1-key", HARDHAT_KEYS[3]!, ...l1];
    const reclaimEarly = await runCli(reclaimArgs);
    t.not(reclaimEarly.code, 0);
    t.regex(reclaimEarly.stderr + reclaimEarly.stdout, /not in exit mode/);

    const mm = traders["mm"]!;
    const early = await runCli(["l1", "exit", "--account", mm.address, "--l1-key", HARDHAT_KEYS[2]!, ...l1, ...common]);
    t.not(early.code, 0);
    t.regex(early.stderr + early.stdout, /not in exit mode/);
    const tooEarly = await runCli(["l1", "enter-exit-mode", "--l1-key", HARDHAT_KEYS[2]!, ...l1]);
    t.not(tooEarly.code, 0);
    t.regex(tooEarly.stderr + tooEarly.stdout, /too early for exit mode/);
    t.false((await net.settlement.getFunction("exitMode")()) as boolean);

    // The exit timeout passes on L1 with no checkpoint.
    const timeout = (await net.settlement.getFunction("exitTimeout")()) as bigint;
    await net.provider.send("evm_increaseTime", [Number(timeout) + 1]);
    await net.provider.send("evm_mine", []);
    const entered = JSON.parse(await runCliOk(["l1", "enter-exit-mode", "--l1-key", HARDHAT_KEYS[2]!, ...l1])) as {
      checkpoint_height: string;
      exit_root: string;
    };
    t.is(entered.checkpoint_height, height.toString());
    t.is(entered.exit_root, exitRoot);

    // `query bridge exit-proof` shows each claim before it is made: the leaf and proof of
    // checkpoint `height`'s tree (written at height + 1), proving to the contract's exit root.
    const proofs: Record<string, { equity: string; leaf: string; proof: string[] }> = {};
    for (const name of TRADERS) {
      const p = await cli<{
        account: string;
        account_bytes: string;
        recipient: string;
        equity: string;
        checkpoint_height: string;
        leaf: string;
        proof: string[];
        root: string;
      }>(["query", "bridge", "exit-proof", name, "--height", String(height + 1n)]);
      t.is(p.account, traders[name]!.address);
      t.is(p.checkpoint_height, height.toString());
      t.is(p.root.toLowerCase(), exitRoot.toLowerCase(), `${name}'s proof is against the contract's exit root`);
      t.is(
        p.leaf.toLowerCase(),
        exitLeaf({ account: p.account_bytes, recipient: p.recipient, equity: BigInt(p.equity) }).toLowerCase(),
        `${name}'s leaf is the one claimExit hashes`,
      );
      t.is(processProof(p.leaf, p.proof).toLowerCase(), exitRoot.toLowerCase(), `${name}'s proof verifies`);
      proofs[name] = p;
    }
    const stranger = Wallet.createRandom();
    const noClaim = await runCli([
      "query",
      "bridge",
      "exit-proof",
      addressToBech32(getBytes(stranger.address)),
      ...common,
    ]);
    t.not(noClaim.code, 0);
    t.regex(noClaim.stderr + noClaim.stdout, /has no exit claim/);
    const notAnAddress = await runCli(["query", "bridge", "exit-proof", "nobody-by-this-name", ...common]);
    t.not(notAnAddress.code, 0);
    t.regex(notAnAddress.stderr + notAnAddress.stdout, /neither a strike1\.\.\. address nor a key/);

    const paid: Record<string, bigint> = {};
    for (const name of TRADERS) {
      const before = await contractBalance();
      const out = JSON.parse(
        await runCliOk([
          "l1",
          "exit",
          "--account",
          traders[name]!.address,
          "--l1-key",
          HARDHAT_KEYS[2]!,
          ...l1,
          ...common,
        ]),
      ) as { equity: string; recipient: string; checkpoint_height: string };
      t.is(out.checkpoint_height, height.toString());
      t.is(out.recipient.toLowerCase(), traders[name]!.recipient, `${name} is paid at its own key's Ethereum address`);
      paid[name] = BigInt(out.equity);
      t.is(out.equity, proofs[name]!.equity, `${name} is paid what query bridge exit-proof showed`);
      t.is((await usdc.getFunction("balanceOf")(out.recipient)) as bigint, paid[name], `${name} received its equity`);
      t.is(await contractBalance(), before - paid[name]!, "the contract paid exactly the claim");
      t.true((await contractBalance()) >= 0n);
    }
    // carol never traded: her equity is her deposit (less nothing); bob lost the gap, mm won it.
    t.is(paid["carol"], DEPOSIT);
    t.true(paid["bob"]! < DEPOSIT, `bob lost: ${paid["bob"]}`);
    t.true(paid["mm"]! > paid["bob"]!, `mm won: ${paid["mm"]} vs bob ${paid["bob"]}`);
    const total = Object.values(paid).reduce((s, x) => s + x, 0n);
    t.true(total <= deposited, `total paid ${total} ≤ deposited ${deposited}`);
    t.is(await contractBalance(), deposited + LATE_DEPOSIT - total);

    // The late deposit is in no exit claim (carol was paid her checkpointed equity): it goes
    // back to the address that paid it, once.
    const payerBefore = (await usdc.getFunction("balanceOf")(payer)) as bigint;
    const reclaimed = JSON.parse(await runCliOk(reclaimArgs)) as {
      payer: string;
      credited_deposit_nonce: string;
      reclaimed: { nonce: string; amount: string }[];
    };
    t.is(reclaimed.payer, payer);
    t.is(reclaimed.credited_deposit_nonce, "3");
    t.deepEqual(
      reclaimed.reclaimed.map((r) => [r.nonce, r.amount]),
      [["4", LATE_DEPOSIT.toString()]],
    );
    t.is((await usdc.getFunction("balanceOf")(payer)) as bigint, payerBefore + LATE_DEPOSIT);
    t.is(await contractBalance(), deposited - total);
    const reclaimAgain = await runCli(reclaimArgs);
    t.not(reclaimAgain.code, 0);
    t.regex(reclaimAgain.stderr + reclaimAgain.stdout, /no deposit to reclaim/);
    t.is(await contractBalance(), deposited - total);

    // A second claim is refused and pays nothing.
    const balance = await contractBalance();
    const again = await runCli(["l1", "exit", "--account", mm.address, "--l1-key", HARDHAT_KEYS[2]!, ...l1, ...common]);
    t.not(again.code, 0);
    t.regex(again.stderr + again.stdout, /already paid/);
    t.is(await contractBalance(), balance);
    // An account that never held anything has nothing to claim.
    const nobody = await runCli(["l1", "exit", "--l1-key", Wallet.createRandom().privateKey, ...l1, ...common]);
    t.not(nobody.code, 0);
    t.regex(nobody.stderr + nobody.stdout, /nothing to claim/);
    t.is(await contractBalance(), balance);
  },
);
