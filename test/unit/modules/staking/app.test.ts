/**
 * staking and slashing inside the real base app: txs signed by cosmjs wallets go through
 * decoding, the ante pipeline (fees into the fee collector) and the msg router, and the
 * next block's begin block pays those fees to the validators.
 */
import test from "ava";
import {
  DirectSecp256k1Wallet,
  Registry,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  type EncodeObject,
} from "@cosmjs/proto-signing";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import * as stx from "../../../../chain/codec/generated/strike/staking/v1/tx.js";
import { MsgUnjail } from "../../../../chain/codec/generated/strike/slashing/v1/tx.js";
import { sha256 } from "../../../../chain/crypto/hash.js";
import { createBaseApp } from "../../../../chain/runtime/app.js";
import { parseDecCoins } from "../../../../chain/runtime/coins.js";
import { createQueryContext } from "../../../../chain/runtime/context.js";
import { createMemoryDatabase } from "../../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../../chain/store/stateStore.js";
import { utf8 } from "../../../../chain/types/bytes.js";
import { createAccountKeeper, createAuthModule, type Account } from "../../../../modules/auth/index.js";
import { baseAccountJson, defaultAuthGenesis } from "../../../../modules/auth/genesis.js";
import { createBankKeeper, createBankModule, defaultBankGenesis } from "../../../../modules/bank/index.js";
import { createSlashingKeeper, createSlashingModule } from "../../../../modules/slashing/index.js";
import { createStakingKeeper, createStakingModule, stakingPoolBalances } from "../../../../modules/staking/index.js";
import { MODULE_ACCOUNTS, STRIKE, pubKey, slashingTestGenesis, stakingGenesisFor } from "./fixture.js";

const CHAIN_ID = "strike-test-1";
const registry = new Registry([
  ...defaultRegistryTypes,
  ["/strike.staking.v1.MsgCreateValidator", stx.MsgCreateValidator],
  ["/strike.staking.v1.MsgDelegate", stx.MsgDelegate],
  ["/strike.staking.v1.MsgWithdrawRewards", stx.MsgWithdrawRewards],
  ["/strike.slashing.v1.MsgUnjail", MsgUnjail],
]);

async function wallet(n: number) {
  const w = await DirectSecp256k1Wallet.fromKey(sha256(utf8(`strike staking app test ${n}`)), "strike");
  const [a] = await w.getAccounts();
  return { w, address: a!.address, pubkey: a!.pubkey, accountNumber: BigInt(n) };
}

test("create-validator and delegate txs run through the ante pipeline, and their fees reach the validators", async (t) => {
  const [op, alice] = [await wallet(0), await wallet(1)];
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const accounts = createAccountKeeper({ moduleAccounts: Object.fromEntries(MODULE_ACCOUNTS.map((n) => [n, []])) });
  const bank = createBankKeeper(accounts);
  const staking = createStakingKeeper({ bank, accounts });
  const slashing = createSlashingKeeper(staking);
  const app = createBaseApp({
    state,
    modules: [
      createAuthModule(accounts, MODULE_ACCOUNTS),
      createBankModule(bank),
      createStakingModule(staking),
      createSlashingModule(slashing, { cometInfo: () => undefined }),
    ],
    accounts: {
      getAccount: (ctx, a) => accounts.getAccount(ctx, a),
      setAccount: (ctx, a) => accounts.setAccount(ctx, a as Account),
      params: (ctx) => accounts.params(ctx),
    },
    bank,
    feeCollector: "fee_collector",
    minGasPrices: parseDecCoins("0.025ustrike"),
  });
  const stakingGenesis = stakingGenesisFor([]);
  const auth = defaultAuthGenesis();
  auth.accounts = [baseAccountJson(op.address, 0n), baseAccountJson(alice.address, 1n)];
  const bankGenesis = defaultBankGenesis();
  bankGenesis.balances = [op, alice].map((a) => ({
    address: a.address,
    coins: [{ denom: "ustrike", amount: (10_000n * STRIKE).toString() }],
  }));
  t.deepEqual(
    stakingPoolBalances(stakingGenesis).map((p) => p.amount),
    [0n, 0n],
  );
  app.initChain({
    chainId: CHAIN_ID,
    time: { seconds: 1_700_000_000n, nanos: 0 },
    initialHeight: 1n,
    consensusParams: {
      block: { maxBytes: 4_000_000n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    validators: [],
    appState: { auth, bank: bankGenesis, staking: stakingGenesis, slashing: slashingTestGenesis() },
  });

  let height = 0n;
  async function sign(who: typeof op, sequence: bigint, msgs: EncodeObject[]): Promise<Uint8Array> {
    const bodyBytes = registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: msgs, memo: "" } });
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(who.pubkey)), sequence }],
      [{ denom: "ustrike", amount: "10000" }],
      400_000,
      undefined,
      undefined,
    );
    const { signature } = await who.w.signDirect(
      who.address,
      makeSignDoc(bodyBytes, authInfoBytes, CHAIN_ID, who.accountNumber),
    );
    return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature.signature)] }).finish();
  }
  async function block(txs: Uint8Array[]) {
    height += 1n;
    const res = app.finalizeBlock({
      txs,
      height,
      time: { seconds: 1_700_000_000n + height, nanos: 0 },
      hash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
      misbehavior: [],
    });
    const batch = db.batch();
    app.commit(batch);
    await batch.write();
    return res;
  }

  const create = await sign(op, 0n, [
    {
      typeUrl: "/strike.staking.v1.MsgCreateValidator",
      value: stx.MsgCreateValidator.fromPartial({
        operatorAddress: op.address,
        pubkey: pubKey(0),
        moniker: "op",
        commissionRate: "0.1",
        commissionMaxRate: "0.2",
        commissionMaxChangeRate: "0.01",
        selfDelegation: { denom: "ustrike", amount: (1_000n * STRIKE).toString() },
      }),
    },
  ]);
  const r1 = await block([create]);
  t.is(r1.txResults[0]!.code, 0, r1.txResults[0]!.log);
  const delegate = await sign(alice, 0n, [
    {
      typeUrl: "/strike.staking.v1.MsgDelegate",
      value: {
        delegatorAddress: alice.address,
        validatorAddress: op.address,
        amount: { denom: "ustrike", amount: (1_000n * STRIKE).toString() },
      },
    },
  ]);
  const r2 = await block([delegate]);
  t.is(r2.txResults[0]!.code, 0, r2.txResults[0]!.log);
  // A delegation from a key that is not the signer is refused by the runtime's signer check.
  const forged = await sign(alice, 1n, [
    {
      typeUrl: "/strike.staking.v1.MsgDelegate",
      value: { delegatorAddress: op.address, validatorAddress: op.address, amount: { denom: "ustrike", amount: "1" } },
    },
  ]);
  const r3 = await block([forged]);
  t.not(r3.txResults[0]!.code, 0);

  const ctx = createQueryContext(state.working, height);
  // Block 1's fee (op's 10000ustrike) went to op alone at block 2's begin block; block 2's
  // (alice's) was split at block 3's: 10% commission, the rest half to each 1000 STRIKE.
  t.deepEqual(staking.pendingCommission(ctx, op.address), [{ denom: "ustrike", amount: 2_000n }]);
  const aliceRewards = staking.pendingRewards(ctx, alice.address, op.address);
  t.deepEqual(aliceRewards, [{ denom: "ustrike", amount: 4_500n }], "half of 90% of block 2's fee");
});
