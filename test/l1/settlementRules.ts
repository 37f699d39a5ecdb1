/**
 * The rules of Settlement.sol that do not depend on the signature scheme, registered as
 * ava tests against one scheme. Each scheme's test file runs them on its own Hardhat node.
 */
import type { TestFn } from "ava";
import type { Contract } from "ethers";
import { checkpointDigest } from "../../chain/l1/digest.js";
import { validatorSetHash } from "../../chain/l1/ecdsa.js";
import {
  exitLeaf,
  merkleProof,
  merkleRoot,
  withdrawalLeaf,
  type ExitEquity,
  type Withdrawal,
} from "../../chain/l1/merkle.js";
import {
  checkpointArgs,
  deploy,
  makeCheckpoint,
  range,
  revertName,
  submitCheckpoint,
  type Deployment,
  type L1,
  type Scheme,
  type Validator,
} from "./fixture.js";

export interface Context {
  l1: L1;
}

/** Positions (in the sorted set) of the validators whose powers are listed, each used once. */
export function withPowers(validators: readonly Validator[], powers: readonly bigint[]): number[] {
  const used = new Set<number>();
  return powers
    .map((p) => {
      const i = validators.findIndex((v, j) => v.power === p && !used.has(j));
      if (i < 0) throw new Error(`no unused validator with power ${p}`);
      used.add(i);
      return i;
    })
    .sort((a, b) => a - b);
}

async function updateSet(d: Deployment, height: bigint, next: readonly Validator[], signers: readonly number[]) {
  const encoded = d.scheme.encodeSet(next);
  const cp = makeCheckpoint(height);
  const digest = checkpointDigest(d.domain, cp, validatorSetHash(encoded));
  const sigs = d.scheme.sign(digest, d.validators, signers);
  return d.settlement.getFunction("updateValidatorSet")(...checkpointArgs(cp), encoded, sigs);
}

async function fund(l1: L1, d: Deployment, amount: bigint): Promise<void> {
  const usdc = d.usdc.connect(l1.trader) as Contract;
  await (await usdc.getFunction("mint")(l1.trader.address, amount)).wait();
  await (await usdc.getFunction("approve")(d.domain.settlement, amount)).wait();
  const settlement = d.settlement.connect(l1.trader) as Contract;
  await (await settlement.getFunction("deposit")(amount, "0x" + "11".repeat(20))).wait();
}

async function usdcBalance(d: Deployment, who: string): Promise<bigint> {
  return (await d.usdc.getFunction("balanceOf")(who)) as bigint;
}

export function registerSettlementRules(test: TestFn<Context>, scheme: Scheme): void {
  const unevenPowers = [200n, 200n, 199n, 1n];

  test.serial(`${scheme.name}: exactly 2/3 of the power is refused and just over 2/3 is accepted`, async (t) => {
    const d = await deploy(t.context.l1, scheme, { powers: unevenPowers });
    const exactly = withPowers(d.validators, [200n, 200n]);
    t.is(
      await revertName(submitCheckpoint(d, makeCheckpoint(1n), { signers: exactly }), d.settlement),
      "InsufficientPower",
    );
    await submitCheckpoint(d, makeCheckpoint(1n), { signers: withPowers(d.validators, [200n, 200n, 1n]) });
    const [height, appHash] = (await d.settlement.getFunction("lastCheckpoint")()) as [bigint, string, string];
    t.is(height, 1n);
    t.is(appHash, makeCheckpoint(1n).appHash);
  });

  test.serial(
    `${scheme.name}: a signature over another domain (L1 chain, contract or Strike chain) is refused`,
    async (t) => {
      const d = await deploy(t.context.l1, scheme, { powers: [1n, 1n, 1n] });
      const cp = makeCheckpoint(5n);
      const wrong = [
        { ...d.domain, l1ChainId: d.domain.l1ChainId + 1n },
        { ...d.domain, settlement: t.context.l1.other.address },
        { ...d.domain, strikeChainId: "strike-other" },
      ];
      for (const domain of wrong) {
        const name = await revertName(
          submitCheckpoint(d, cp, { signers: [0, 1, 2], digest: checkpointDigest(domain, cp) }),
          d.settlement,
        );
        t.is(name, "InvalidSignature");
      }
      t.is(((await d.settlement.getFunction("lastCheckpoint")()) as [bigint])[0], 0n);
    },
  );

  test.serial(`${scheme.name}: the contract's digest is the one the TypeScript client computes`, async (t) => {
    const d = await deploy(t.context.l1, scheme, { powers: [1n] });
    const cp = makeCheckpoint(7n);
    const next = "0x" + "ab".repeat(32);
    t.is(
      await d.settlement.getFunction("checkpointDigest")(...checkpointArgs(cp), next),
      checkpointDigest(d.domain, cp, next),
    );
  });

  test.serial(`${scheme.name}: a checkpoint at the same or a lower height than the last one is refused`, async (t) => {
    const d = await deploy(t.context.l1, scheme, { powers: [1n, 1n, 1n] });
    const all = [0, 1, 2];
    await submitCheckpoint(d, makeCheckpoint(10n), { signers: all });
    t.is(await revertName(submitCheckpoint(d, makeCheckpoint(10n), { signers: all }), d.settlement), "StaleHeight");
    t.is(await revertName(submitCheckpoint(d, makeCheckpoint(9n), { signers: all }), d.settlement), "StaleHeight");
    await submitCheckpoint(d, makeCheckpoint(11n), { signers: all });
    t.is(((await d.settlement.getFunction("lastCheckpoint")()) as [bigint])[0], 11n);
  });

  test.serial(`${scheme.name}: the current set installs a new set, after which only the new set signs`, async (t) => {
    const d = await deploy(t.context.l1, scheme, { powers: [1n, 1n, 1n] });
    const next = scheme.makeValidators([5n, 5n, 5n], "next");
    await scheme.register(d.settlement, next);
    const foreignSet = scheme.name === "ecdsa" ? "ValidatorSetMismatch" : "InvalidSignature";
    // The new set alone cannot install itself.
    const byNewSet = { ...d, validators: next };
    t.is(await revertName(updateSet(byNewSet, 1n, next, [0, 1, 2]), d.settlement), foreignSet);
    t.is(await revertName(updateSet(d, 1n, next, [0, 1]), d.settlement), "InsufficientPower");
    await (await updateSet(d, 1n, next, [0, 1, 2])).wait();
    t.is(await d.settlement.getFunction("validatorSetHash")(), validatorSetHash(scheme.encodeSet(next)));
    t.is(await revertName(submitCheckpoint(d, makeCheckpoint(2n), { signers: [0, 1, 2] }), d.settlement), foreignSet);
    await submitCheckpoint(byNewSet, makeCheckpoint(2n), { signers: [0, 1, 2] });
    t.is(((await d.settlement.getFunction("lastCheckpoint")()) as [bigint])[0], 2n);
  });

  test.serial(
    `${scheme.name}: empty, duplicate-member, zero-power, under-powered and overflowing sets are refused`,
    async (t) => {
      const d = await deploy(t.context.l1, scheme, { powers: [1n, 1n, 1n], minTotalPower: 3n });
      const all = [0, 1, 2];
      const good = scheme.makeValidators([2n, 2n], "good");
      await scheme.register(d.settlement, good);
      const cases: [string, Validator[]][] = [
        ["EmptyValidatorSet", []],
        ["DuplicateOrUnsortedValidator", [good[0]!, good[0]!]],
        ["DuplicateOrUnsortedValidator", [good[1]!, good[0]!]],
        ["ZeroPower", [good[0]!, { ...good[1]!, power: 0n }]],
        [
          "UnderPoweredValidatorSet",
          [
            { ...good[0]!, power: 1n },
            { ...good[1]!, power: 1n },
          ],
        ],
        [
          "PowerOverflow",
          [
            { ...good[0]!, power: 2n ** 63n },
            { ...good[1]!, power: 2n ** 63n },
          ],
        ],
      ];
      for (const [error, set] of cases) {
        t.is(await revertName(updateSet(d, 1n, set, all), d.settlement), error, error);
      }
      t.is(await d.settlement.getFunction("validatorSetHash")(), validatorSetHash(scheme.encodeSet(d.validators)));
    },
  );

  test.serial(`${scheme.name}: deposits take USDC, number each deposit and name the Strike recipient`, async (t) => {
    const { l1 } = t.context;
    const d = await deploy(l1, scheme, { powers: [1n], minDeposit: 1000n });
    const usdc = d.usdc.connect(l1.trader) as Contract;
    await (await usdc.getFunction("mint")(l1.trader.address, 5000n)).wait();
    await (await usdc.getFunction("approve")(d.domain.settlement, 5000n)).wait();
    const settlement = d.settlement.connect(l1.trader) as Contract;
    t.is(
      await revertName(settlement.getFunction("deposit")(999n, "0x" + "22".repeat(20)), d.settlement),
      "DepositTooSmall",
    );
    t.is(
      await revertName(settlement.getFunction("deposit")(1000n, "0x" + "00".repeat(20)), d.settlement),
      "ZeroRecipient",
    );
    const r1 = await (await settlement.getFunction("deposit")(1000n, "0x" + "22".repeat(20))).wait();
    const r2 = await (await settlement.getFunction("deposit")(4000n, "0x" + "33".repeat(20))).wait();
    const events = [r1, r2].map((r) => d.settlement.interface.parseLog(r.logs.at(-1))!);
    t.deepEqual(
      events.map((e) => [e.name, e.args[0], e.args[1], e.args[2], e.args[3]]),
      [
        ["Deposited", 1n, l1.trader.address, "0x" + "22".repeat(20), 1000n],
        ["Deposited", 2n, l1.trader.address, "0x" + "33".repeat(20), 4000n],
      ],
    );
    t.is(await usdcBalance(d, d.domain.settlement), 5000n);
  });

  test.serial(
    `${scheme.name}: a withdrawal is paid once against a checkpointed root; replays and forgeries are refused`,
    async (t) => {
      const { l1 } = t.context;
      const d = await deploy(l1, scheme, { powers: [1n, 1n, 1n] });
      await fund(l1, d, 10_000n);
      const ws: Withdrawal[] = range(5).map((i) => ({
        id: BigInt(i),
        recipient: l1.other.address,
        amount: 100n * BigInt(i + 1),
      }));
      const leaves = ws.map(withdrawalLeaf);
      const root = merkleRoot(leaves);
      const claim = (w: Withdrawal, proof: string[]) =>
        d.settlement.getFunction("claimWithdrawal")(w.id, w.recipient, w.amount, proof);
      // Not yet checkpointed: nothing is paid.
      t.is(await revertName(claim(ws[2]!, merkleProof(leaves, 2)), d.settlement), "InvalidProof");
      await submitCheckpoint(d, makeCheckpoint(1n, { withdrawalRoot: root }), { signers: [0, 1, 2] });
      await (await claim(ws[2]!, merkleProof(leaves, 2))).wait();
      t.is(await usdcBalance(d, l1.other.address), 300n);
      t.is(await revertName(claim(ws[2]!, merkleProof(leaves, 2)), d.settlement), "WithdrawalAlreadyPaid");
      t.is(await revertName(claim({ ...ws[3]!, amount: 5000n }, merkleProof(leaves, 3)), d.settlement), "InvalidProof");
      t.is(
        await revertName(claim({ ...ws[3]!, recipient: l1.trader.address }, merkleProof(leaves, 3)), d.settlement),
        "InvalidProof",
      );
      t.is(await revertName(claim(ws[3]!, merkleProof(leaves, 4)), d.settlement), "InvalidProof");
      // An inner node is not a leaf: leaves are double-hashed.
      t.is(await revertName(claim({ ...ws[0]!, id: 99n }, []), d.settlement), "InvalidProof");
      // A newer root keeps the previous one claimable; the root before that is gone.
      const more = [...ws, { id: 5n, recipient: l1.other.address, amount: 1n }];
      await submitCheckpoint(d, makeCheckpoint(2n, { withdrawalRoot: merkleRoot(more.map(withdrawalLeaf)) }), {
        signers: [0, 1, 2],
      });
      await (await claim(ws[0]!, merkleProof(leaves, 0))).wait();
      const evenMore = [...more, { id: 6n, recipient: l1.other.address, amount: 1n }];
      await submitCheckpoint(d, makeCheckpoint(3n, { withdrawalRoot: merkleRoot(evenMore.map(withdrawalLeaf)) }), {
        signers: [0, 1, 2],
      });
      t.is(await revertName(claim(ws[1]!, merkleProof(leaves, 1)), d.settlement), "InvalidProof");
      await (await claim(ws[1]!, merkleProof(evenMore.map(withdrawalLeaf), 1))).wait();
      t.is(await usdcBalance(d, l1.other.address), 600n);
      t.is(await usdcBalance(d, d.domain.settlement), 9_400n);
    },
  );

  test.serial(
    `${scheme.name}: exit mode cannot be entered before the timeout, and stops checkpoints and deposits`,
    async (t) => {
      const { l1 } = t.context;
      const d = await deploy(l1, scheme, { powers: [1n, 1n, 1n], exitTimeoutSeconds: 1000n });
      await submitCheckpoint(d, makeCheckpoint(1n), { signers: [0, 1, 2] });
      const enter = () => (d.settlement.connect(l1.other) as Contract).getFunction("enterExitMode")();
      await l1.provider.send("evm_increaseTime", [990]);
      await l1.provider.send("evm_mine", []);
      t.is(await revertName(enter(), d.settlement), "ExitTooEarly");
      // A checkpoint resets the clock.
      await submitCheckpoint(d, makeCheckpoint(2n), { signers: [0, 1, 2] });
      await l1.provider.send("evm_increaseTime", [990]);
      await l1.provider.send("evm_mine", []);
      t.is(await revertName(enter(), d.settlement), "ExitTooEarly");
      await l1.provider.send("evm_increaseTime", [20]);
      await (await enter()).wait();
      t.true(await d.settlement.getFunction("exitMode")());
      t.is(
        await revertName(submitCheckpoint(d, makeCheckpoint(3n), { signers: [0, 1, 2] }), d.settlement),
        "ExitModeActive",
      );
      t.is(await revertName(enter(), d.settlement), "ExitModeActive");
      t.is(
        await revertName(
          (d.settlement.connect(l1.trader) as Contract).getFunction("deposit")(10n, "0x" + "11".repeat(20)),
          d.settlement,
        ),
        "ExitModeActive",
      );
    },
  );

  test.serial(
    `${scheme.name}: in exit mode each account claims its equity once and claims never exceed the balance`,
    async (t) => {
      const { l1 } = t.context;
      const d = await deploy(l1, scheme, { powers: [1n, 1n, 1n], exitTimeoutSeconds: 100n });
      await fund(l1, d, 1_000n);
      const account = (i: number) => "0x" + (i + 1).toString(16).padStart(2, "0").repeat(20);
      // A faulty exit tree promising 1,200 against a balance of 1,000: the contract pays at most its balance.
      const equities: ExitEquity[] = [500n, 400n, 300n].map((equity, i) => ({
        account: account(i),
        recipient: l1.other.address,
        equity,
      }));
      const leaves = equities.map(exitLeaf);
      const claim = (e: ExitEquity, proof: string[]) =>
        d.settlement.getFunction("claimExit")(e.account, e.recipient, e.equity, proof);
      await submitCheckpoint(d, makeCheckpoint(1n, { exitRoot: merkleRoot(leaves) }), { signers: [0, 1, 2] });
      t.is(await revertName(claim(equities[0]!, merkleProof(leaves, 0)), d.settlement), "NotInExitMode");
      await l1.provider.send("evm_increaseTime", [101]);
      await (await d.settlement.getFunction("enterExitMode")()).wait();
      await (await claim(equities[0]!, merkleProof(leaves, 0))).wait();
      t.is(await revertName(claim(equities[0]!, merkleProof(leaves, 0)), d.settlement), "ExitAlreadyClaimed");
      t.is(
        await revertName(claim({ ...equities[1]!, equity: 900n }, merkleProof(leaves, 1)), d.settlement),
        "InvalidProof",
      );
      await (await claim(equities[1]!, merkleProof(leaves, 1))).wait();
      t.is(await revertName(claim(equities[2]!, merkleProof(leaves, 2)), d.settlement), "InsufficientBalance");
      t.is(await usdcBalance(d, l1.other.address), 900n);
      t.is(await usdcBalance(d, d.domain.settlement), 100n);
      t.false(await d.settlement.getFunction("exitClaimed")(equities[2]!.account));
    },
  );

  test.serial(
    `${scheme.name}: in exit mode a deposit Strike had not credited at the last checkpoint goes back to its payer, once; a credited one never`,
    async (t) => {
      const { l1 } = t.context;
      const d = await deploy(l1, scheme, { powers: [1n, 1n, 1n], exitTimeoutSeconds: 100n });
      for (const amount of [100n, 200n, 300n]) await fund(l1, d, amount); // nonces 1, 2, 3
      const reclaim = (nonce: bigint, payer: string, amount: bigint) =>
        (d.settlement.connect(l1.other) as Contract).getFunction("reclaimDeposit")(nonce, payer, amount);
      const reclaimable = (nonce: bigint) => d.settlement.getFunction("depositReclaimable")(nonce) as Promise<boolean>;
      // A checkpoint cannot uncredit a deposit.
      await submitCheckpoint(d, makeCheckpoint(1n, { creditedDepositNonce: 2n }), { signers: [0, 1, 2] });
      t.is(
        await revertName(
          submitCheckpoint(d, makeCheckpoint(2n, { creditedDepositNonce: 1n }), { signers: [0, 1, 2] }),
          d.settlement,
        ),
        "CreditedDepositsWentBack",
      );
      t.is(await d.settlement.getFunction("creditedDepositNonce")(), 2n);
      t.deepEqual(await Promise.all([1n, 2n, 3n, 4n].map(reclaimable)), [false, false, true, false]);
      const payer = l1.trader.address;
      t.is(await revertName(reclaim(3n, payer, 300n), d.settlement), "NotInExitMode", "not before exit mode");
      await l1.provider.send("evm_increaseTime", [101]);
      await (await d.settlement.getFunction("enterExitMode")()).wait();
      const payerBefore = await usdcBalance(d, payer);
      // Credited on Strike at the last checkpoint: its USDC is in an equity there, never paid twice.
      t.is(await revertName(reclaim(2n, payer, 200n), d.settlement), "DepositWasCredited");
      // Not the deposit's own payer or amount: refused (anyone may submit, only its payer is paid).
      t.is(await revertName(reclaim(3n, l1.other.address, 300n), d.settlement), "DepositMismatch");
      t.is(await revertName(reclaim(3n, payer, 301n), d.settlement), "DepositMismatch");
      t.is(await revertName(reclaim(4n, payer, 1n), d.settlement), "NoDepositToReclaim", "never made");
      await (await reclaim(3n, payer, 300n)).wait();
      t.is(await usdcBalance(d, payer), payerBefore + 300n, "paid back to the address that deposited");
      t.is(await revertName(reclaim(3n, payer, 300n), d.settlement), "NoDepositToReclaim", "once");
      t.false(await reclaimable(3n));
      t.is(await usdcBalance(d, d.domain.settlement), 300n, "the credited 100 + 200 stay for the exit claims");
    },
  );

  test.serial(`${scheme.name}: only the deployer initializes, once`, async (t) => {
    const { l1 } = t.context;
    const d = await deploy(l1, scheme, { powers: [1n] });
    const encoded = scheme.encodeSet(d.validators);
    t.is(
      await revertName((d.settlement.connect(l1.other) as Contract).getFunction("initialize")(encoded), d.settlement),
      "NotDeployer",
    );
    t.is(await revertName(d.settlement.getFunction("initialize")(encoded), d.settlement), "AlreadyInitialized");
  });
}
