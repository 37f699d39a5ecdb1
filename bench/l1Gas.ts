/**
 * Gas of the settlement contracts on a real Hardhat 2 node (prague): a checkpoint at 4, 16,
 * 64 and 100 validators with all and with just over 2/3 signing, for the ECDSA and the
 * BLS12-381 scheme; a validator-set update (same members, new powers); a deposit, a
 * withdrawal claim, an exit claim and a deposit paid back in exit mode. Gas is deterministic, so one run of each is enough.
 * Writes bench/results/l1-gas.json.
 *
 *   npx tsx bench/l1Gas.ts
 */
import { loadavg } from "node:os";
import type { Contract, TransactionReceipt } from "ethers";
import { checkpointDigest } from "../chain/l1/digest.js";
import { validatorSetHash } from "../chain/l1/ecdsa.js";
import { exitLeaf, merkleProof, merkleRoot, withdrawalLeaf } from "../chain/l1/merkle.js";
import {
  blsScheme,
  checkpointArgs,
  deploy,
  ecdsaScheme,
  makeCheckpoint,
  range,
  startL1,
  submitCheckpoint,
  type Deployment,
  type L1,
  type Scheme,
} from "../test/l1/fixture.js";
import { writeResult } from "./lib/machine.js";

const SIZES = [4, 16, 64, 100];
const WITHDRAWALS = 1024;

interface CheckpointGas {
  scheme: string;
  validators: number;
  signers: number;
  gas: number;
  target?: number;
  withinTarget?: boolean;
}

const gasOf = (r: TransactionReceipt | null) => Number(r!.gasUsed);

function target(scheme: string, validators: number, signers: number): number | undefined {
  if (scheme === "ecdsa") return 6_000 * signers + 60_000;
  if (validators === 100 && signers === 100) return 250_000;
  return undefined;
}

/**
 * Steady state: the third of three checkpoints, each changing every root, so that no
 * storage slot goes from zero to non-zero in the one measured.
 */
async function checkpointGas(d: Deployment, signers: number[], height: bigint): Promise<number> {
  const fields = (h: bigint) => ({
    withdrawalRoot: makeCheckpoint(h + 1000n).appHash,
    exitRoot: makeCheckpoint(h + 2000n).appHash,
  });
  await submitCheckpoint(d, makeCheckpoint(height, fields(height)), { signers });
  await submitCheckpoint(d, makeCheckpoint(height + 1n, fields(height + 1n)), { signers });
  return gasOf(await submitCheckpoint(d, makeCheckpoint(height + 2n, fields(height + 2n)), { signers }));
}

async function validatorSetUpdateGas(d: Deployment, height: bigint): Promise<number> {
  const next = d.validators.map((v) => ({ ...v, power: v.power + 1n }));
  const encoded = d.scheme.encodeSet(next);
  const cp = makeCheckpoint(height);
  const sigs = d.scheme.sign(
    checkpointDigest(d.domain, cp, validatorSetHash(encoded)),
    d.validators,
    range(next.length),
  );
  const tx = await d.settlement.getFunction("updateValidatorSet")(...checkpointArgs(cp), encoded, sigs);
  return gasOf(await tx.wait());
}

async function schemeFigures(l1: L1, scheme: Scheme) {
  const checkpoints: CheckpointGas[] = [];
  const validatorSetUpdates: { validators: number; gas: number }[] = [];
  for (const n of SIZES) {
    const d = await deploy(l1, scheme, { powers: range(n).map(() => 1n), seed: `bench-${n}` });
    const justOver = Math.floor((2 * n) / 3) + 1;
    for (const [k, height] of [
      [n, 1n],
      [justOver, 10n],
    ] as const) {
      const gas = await checkpointGas(d, range(k), height);
      const t = target(scheme.name, n, k);
      checkpoints.push({
        scheme: scheme.name,
        validators: n,
        signers: k,
        gas,
        ...(t === undefined ? {} : { target: t, withinTarget: gas <= t }),
      });
      process.stdout.write(
        `${scheme.name} n=${n} signers=${k}: ${gas} gas${t === undefined ? "" : ` (target ${t})`}\n`,
      );
    }
    validatorSetUpdates.push({ validators: n, gas: await validatorSetUpdateGas(d, 20n) });
  }
  return { checkpoints, validatorSetUpdates };
}

async function transferFigures(l1: L1) {
  const d = await deploy(l1, ecdsaScheme, { powers: [1n], exitTimeoutSeconds: 10n });
  const usdc = d.usdc.connect(l1.trader) as Contract;
  const settlement = d.settlement.connect(l1.trader) as Contract;
  await (await usdc.getFunction("mint")(l1.trader.address, 10n ** 12n)).wait();
  await (await usdc.getFunction("approve")(d.domain.settlement, 10n ** 12n)).wait();
  const deposit = async () =>
    gasOf(await (await settlement.getFunction("deposit")(5_000_000_000n, "0x" + "11".repeat(20))).wait());
  const firstDeposit = await deposit();
  const deposit2 = await deposit();

  const ws = range(WITHDRAWALS).map((i) => ({ id: BigInt(i), recipient: l1.other.address, amount: 1_000_000n }));
  const leaves = ws.map(withdrawalLeaf);
  const equities = range(WITHDRAWALS).map((i) => ({
    account: "0x" + (i + 1).toString(16).padStart(40, "0"),
    recipient: l1.other.address,
    equity: 1_000_000n,
  }));
  const exitLeaves = equities.map(exitLeaf);
  await submitCheckpoint(
    d,
    makeCheckpoint(1n, { withdrawalRoot: merkleRoot(leaves), exitRoot: merkleRoot(exitLeaves) }),
    {
      signers: [0],
    },
  );
  const claim = async (i: number) => {
    const w = ws[i]!;
    const tx = await settlement.getFunction("claimWithdrawal")(w.id, w.recipient, w.amount, merkleProof(leaves, i));
    return gasOf(await tx.wait());
  };
  const firstClaim = await claim(0);
  const nextClaim = await claim(1);
  await l1.provider.send("evm_increaseTime", [11]);
  await (await settlement.getFunction("enterExitMode")()).wait();
  const e = equities[7]!;
  const exitTx = await settlement.getFunction("claimExit")(
    e.account,
    e.recipient,
    e.equity,
    merkleProof(exitLeaves, 7),
  );
  const exitGas = gasOf(await exitTx.wait());
  // The checkpoint credited no deposit (creditedDepositNonce 0): the second goes back to its payer.
  const reclaimTx = await settlement.getFunction("reclaimDeposit")(2n, l1.trader.address, 5_000_000_000n);
  return {
    deposit: { first: firstDeposit, next: deposit2 },
    withdrawalClaim: { treeLeaves: WITHDRAWALS, firstInItsWord: firstClaim, next: nextClaim },
    exitClaim: { treeLeaves: WITHDRAWALS, gas: exitGas },
    depositReclaim: { gas: gasOf(await reclaimTx.wait()) },
  };
}

const l1 = await startL1();
try {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const ecdsa = await schemeFigures(l1, ecdsaScheme);
  const bls = await schemeFigures(l1, blsScheme);
  const transfers = await transferFigures(l1);
  const path = writeResult("l1-gas", {
    node: "hardhat 2.26.5 (hardfork prague)",
    note: "gasUsed of each transaction; a checkpoint is the steady state (third of three, every root changing); validators have equal power",
    loadAverage1m: { before: loadBefore, after: loadavg()[0] },
    seconds: Math.round((performance.now() - started) / 1000),
    checkpoints: [...ecdsa.checkpoints, ...bls.checkpoints],
    validatorSetUpdates: { ecdsa: ecdsa.validatorSetUpdates, bls: bls.validatorSetUpdates },
    ...transfers,
  });
  process.stdout.write(`wrote ${path}\n`);
} finally {
  await l1.stop();
}
