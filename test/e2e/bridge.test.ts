/**
 * The bridge end to end on real processes: a Hardhat 2 L1 with the settlement contract and
 * mock USDC, and a Strike validator node whose in-node watcher attests L1 deposits. A
 * deposit made with `strike l1 deposit` is credited on Strike; `strike tx bridge withdraw`
 * burns it into the withdrawal tree; the test checkpoints that root on L1 itself (signed
 * with the contract's validator key, as the relayer will); `strike l1 claim` pays once and
 * a second claim is refused. At every step the contract's USDC equals the chain's bridged
 * supply plus unclaimed withdrawals. Gas per deposit and claim is logged (bench/l1Gas.ts measures it).
 */
import test from "ava";
import { JsonRpcProvider, Wallet, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { checkpointDigest } from "../../chain/l1/digest.js";
import { deployMockUsdc, deploySettlement, initializeSettlement } from "../../chain/l1/deploy.js";
import { encodeEcdsaValidatorSet, ethAddressOf, signCheckpointEcdsa } from "../../chain/l1/ecdsa.js";
import { HARDHAT_KEYS, startHardhatNode } from "../../chain/l1/hardhatNode.js";
import { createTestNode, freePort, latestHeight, runCli, runCliOk } from "../helpers/localNode.js";

const CHECKPOINT_KEY = keccak256(toUtf8Bytes("bridge e2e validator"));
const DEPOSIT = 5_000_000_000n; // 5,000 USDC
const WITHDRAW = 2_000_000_000n;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test("deposit on L1 → credited on Strike → withdraw → checkpoint → claim on L1 pays once", async (t) => {
  t.timeout(900_000);
  const l1 = await startHardhatNode({ port: await freePort() });
  const provider = new JsonRpcProvider(l1.url, undefined, { pollingInterval: 50, cacheTimeout: -1 });
  const deployer = new Wallet(HARDHAT_KEYS[0]!, provider);
  const trader = new Wallet(HARDHAT_KEYS[1]!, provider);
  const relayer = HARDHAT_KEYS[2]!;
  const usdc = await deployMockUsdc(deployer);
  const settlement = await deploySettlement(deployer, {
    scheme: "ecdsa",
    usdc: await usdc.getAddress(),
    strikeChainId: "strike-e2e-1",
    exitTimeoutSeconds: 3600n,
    minTotalPower: 1n,
    minDeposit: 1n,
  });
  const members = [{ address: ethAddressOf(CHECKPOINT_KEY), power: 1n }];
  await initializeSettlement(settlement, encodeEcdsaValidatorSet(members), []);
  const contract = await settlement.getAddress();
  await (await usdc.getFunction("mint")(trader.address, DEPOSIT)).wait();

  const node = await createTestNode({
    accounts: ["alice"],
    funds: "1000000000000ustrike",
    startFlags: [
      ...["--bridge.enable", "true", "--bridge.l1-rpc", l1.url, "--bridge.contract", contract],
      ...["--bridge.confirmations", "1", "--bridge.poll-interval", "300ms"],
    ],
  });
  const contractBalance = async () => (await usdc.getFunction("balanceOf")(contract)) as bigint;
  const query = async <T>(args: string[]): Promise<T> =>
    JSON.parse(await runCliOk(["query", ...args, "--output", "json", ...node.common])) as T;
  const uusdcOf = async (address: string) => {
    const b = await query<{ balances: { denom: string; amount: string }[] }>(["bank", "balances", address]);
    return BigInt(b.balances.find((c) => c.denom === "uusdc")?.amount ?? "0");
  };
  const bridged = async () => BigInt((await query<{ bridged_supply: string }>(["bridge", "status"])).bridged_supply);
  const l1Flags = ["--l1-rpc", l1.url, "--contract", contract, "--output", "json"];
  const gas: Record<string, string> = {};
  try {
    const alice = node.accounts["alice"]!.address;
    const dep = JSON.parse(
      await runCliOk(["l1", "deposit", String(DEPOSIT), "--to", alice, "--l1-key", HARDHAT_KEYS[1]!, ...l1Flags]),
    ) as { nonce: string; gas_used: string; approve_gas_used: string };
    t.is(dep.nonce, "1");
    gas["deposit"] = dep.gas_used;
    gas["approve"] = dep.approve_gas_used;

    // One confirmation: the watcher waits for one more L1 block before attesting.
    await (await usdc.getFunction("mint")(deployer.address, 1n)).wait();
    await until(
      "the deposit to be credited",
      async () => ((await uusdcOf(alice)) === DEPOSIT ? true : undefined),
      180_000,
    );
    t.is(await bridged(), DEPOSIT);
    t.is(await contractBalance(), DEPOSIT);

    const recipient = new Wallet(HARDHAT_KEYS[3]!).address;
    await runCliOk([
      "tx",
      "bridge",
      "withdraw",
      `${WITHDRAW}uusdc`,
      "--to",
      recipient,
      "--from",
      "alice",
      "--yes",
      ...node.common,
    ]);
    t.is(await uusdcOf(alice), DEPOSIT - WITHDRAW);
    t.is(await bridged(), DEPOSIT - WITHDRAW);
    // Invariant: contract = bridged + unclaimed.
    t.is(await contractBalance(), (await bridged()) + WITHDRAW);

    const early = await runCli(["l1", "claim", "0", "--l1-key", relayer, ...l1Flags, ...node.common]);
    t.not(early.code, 0);
    t.regex(early.stderr + early.stdout, /not yet checkpointed/);

    // Checkpoint the withdrawal root at a height that includes the withdrawal.
    const height = await latestHeight(node.rpcUrl);
    const w = await query<{ root: string; count: string }>(["bridge", "withdrawal", "0", "--height", String(height)]);
    t.is(w.count, "1");
    const cp = {
      height,
      appHash: keccak256(toUtf8Bytes("app")),
      blockHash: keccak256(toUtf8Bytes("block")),
      withdrawalRoot: w.root,
      exitRoot: ZeroHash,
      creditedDepositNonce: 0n,
    };
    const { chainId } = await provider.getNetwork();
    const digest = checkpointDigest({ l1ChainId: chainId, settlement: contract, strikeChainId: "strike-e2e-1" }, cp);
    const sigs = signCheckpointEcdsa(digest, members, [CHECKPOINT_KEY], [0]);
    await (
      await settlement.getFunction("checkpoint")(
        cp.height,
        cp.appHash,
        cp.blockHash,
        cp.withdrawalRoot,
        cp.exitRoot,
        cp.creditedDepositNonce,
        sigs,
      )
    ).wait();

    const claim = JSON.parse(await runCliOk(["l1", "claim", "0", "--l1-key", relayer, ...l1Flags, ...node.common])) as {
      amount: string;
      gas_used: string;
    };
    t.is(claim.amount, String(WITHDRAW));
    gas["claim"] = claim.gas_used;
    t.is((await usdc.getFunction("balanceOf")(recipient)) as bigint, WITHDRAW);
    t.is(await contractBalance(), await bridged());

    const again = await runCli(["l1", "claim", "0", "--l1-key", relayer, ...l1Flags, ...node.common]);
    t.not(again.code, 0);
    t.regex(again.stderr + again.stdout, /already paid/);
    t.is((await usdc.getFunction("balanceOf")(recipient)) as bigint, WITHDRAW);
    t.is(await contractBalance(), await bridged());

    // Gas is a benchmark figure (bench/l1Gas.ts writes it to bench/results/l1-gas.json); a test only shows it.
    t.log(`gas: ${JSON.stringify(gas)} (first deposit and first claim of the contract: cold storage)`);
  } finally {
    await node.destroy();
    provider.destroy();
    await l1.stop();
  }
});
