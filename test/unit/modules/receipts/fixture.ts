/**
 * The Strike app in process with two validators whose consensus keys are real ed25519
 * signers, so that receipts can be signed by them, and blocks run with a chosen proposer
 * and the header's last_results_hash as consensus passes them.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { createStrikeApp } from "../../../../app/strikeApp.js";
import {
  QueryHeaderRootsRequest,
  QueryHeaderRootsResponse,
} from "../../../../chain/codec/generated/strike/receipts/v1/query.js";
import type { HeaderRoots } from "../../../../chain/codec/generated/strike/receipts/v1/receipts.js";
import type { MsgReceiptViolation } from "../../../../chain/codec/generated/strike/receipts/v1/tx.js";
import { resultsHash } from "../../../../chain/consensus/encoding.js";
import { createEd25519Signer, ed25519Address, type Ed25519Signer } from "../../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../../chain/crypto/hash.js";
import { parseDecCoins } from "../../../../chain/runtime/coins.js";
import { ReceiptStatus, signReceipt, type Receipt, type SignedReceipt } from "../../../../chain/sequencer/receipt.js";
import {
  MSG_COMMIT_REPORT_TYPE_URL,
  MSG_RECEIPT_VIOLATION_TYPE_URL,
  reportCommitment,
} from "../../../../chain/sequencer/reportCommitment.js";
import { resultHashOf } from "../../../../chain/sequencer/receiptStore.js";
import { createMemoryDatabase } from "../../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../../chain/store/stateStore.js";
import type { FinalizeBlockResponse, TxResult } from "../../../../chain/types/abci.js";
import { toHex, utf8 } from "../../../../chain/types/bytes.js";
import {
  QuerySigningInfoRequest,
  QuerySigningInfoResponse,
} from "../../../../chain/codec/generated/strike/slashing/v1/query.js";
import {
  QueryValidatorRequest,
  QueryValidatorResponse,
} from "../../../../chain/codec/generated/strike/staking/v1/query.js";
import { defaultBankGenesis } from "../../../../modules/bank/index.js";
import { receiptsGenesisJson, defaultReceiptsParams, type ReceiptsParams } from "../../../../modules/receipts/index.js";
import { addGenesisValidator, defaultStakingGenesis, stakingPoolBalances } from "../../../../modules/staking/index.js";
import {
  CHAIN_ID,
  INITIAL_BALANCE,
  account,
  genesisAppState,
  query,
  signTx,
  testAccount,
  type Fixture,
  type TestAccount,
} from "../../runtime/fixture.js";

export const STRIKE = 1_000_000n;
export const SELF_DELEGATION = 1_000n * STRIKE;

export interface Validator {
  operator: TestAccount;
  signer: Ed25519Signer;
  address: Uint8Array;
}

export interface Block {
  height: bigint;
  txs: Uint8Array[];
  results: TxResult[];
  proposer: Uint8Array;
}

export interface ReceiptsFixture extends Fixture {
  validators: Validator[];
  /** Funded accounts that are not validators (the first is the usual reporter). */
  users: TestAccount[];
  blocks: Block[];
}

/**
 * The app with receipts params `params`; the reward claim window is 0 unless given, so that
 * a report's reward is paid at the end of its reveal's block (the commit–reveal tests set it).
 */
export async function createReceiptsFixture(params: Partial<ReceiptsParams> = {}): Promise<ReceiptsFixture> {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const accounts: TestAccount[] = [];
  for (let i = 0; i < 5; i++) accounts.push(await testAccount(i, BigInt(i)));
  const validators = accounts.slice(0, 2).map((operator, i) => {
    const signer = createEd25519Signer(sha256(utf8(`receipts test consensus key ${i}`)));
    return { operator, signer, address: ed25519Address(signer.publicKey) };
  });
  let staking: Record<string, unknown> = defaultStakingGenesis();
  for (const v of validators)
    staking = addGenesisValidator(staking, {
      operator: v.operator.address,
      consPubKey: v.signer.publicKey,
      moniker: `val-${v.operator.address.slice(-4)}`,
      selfDelegation: SELF_DELEGATION,
    });
  const base = genesisAppState(accounts);
  const bank = defaultBankGenesis();
  bank["balances"] = [
    ...(base["bank"] as { balances: unknown[] }).balances,
    ...stakingPoolBalances(staking)
      .filter((p) => p.amount > 0n)
      .map((p) => ({ address: p.address, coins: [{ denom: "ustrike", amount: p.amount.toString() }] })),
  ];
  const app = createStrikeApp({ state, minGasPrices: parseDecCoins("0.025ustrike") });
  app.initChain({
    chainId: CHAIN_ID,
    time: { seconds: 1_700_000_000n, nanos: 0 },
    initialHeight: 1n,
    consensusParams: {
      block: { maxBytes: 4_000_000n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    validators: validators.map((v) => ({ pubKey: v.signer.publicKey, power: SELF_DELEGATION / STRIKE })),
    appState: {
      ...base,
      bank,
      staking,
      receipts: receiptsGenesisJson({ ...defaultReceiptsParams(), claimWindow: 0n, ...params }),
    },
  });
  return {
    app,
    state,
    db,
    accounts,
    verifications: () => 0,
    height: 0n,
    validators,
    users: accounts.slice(2),
    blocks: [],
  };
}

/** Executes and commits a block proposed by `proposer`, with last_results_hash as the header would carry it. */
export async function runBlock(
  f: ReceiptsFixture,
  txs: Uint8Array[],
  proposer: Validator,
): Promise<FinalizeBlockResponse> {
  f.height += 1n;
  const previous = f.blocks[f.blocks.length - 1];
  const res: FinalizeBlockResponse = f.app.finalizeBlock({
    txs,
    height: f.height,
    time: { seconds: 1_700_000_000n + f.height, nanos: 0 },
    hash: new Uint8Array(32),
    proposerAddress: proposer.address,
    misbehavior: [],
    lastResultsHash: previous === undefined ? new Uint8Array(0) : resultsHash(previous.results),
  });
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  f.blocks.push({ height: f.height, txs, results: res.txResults, proposer: proposer.address });
  return res;
}

export async function emptyBlocks(f: ReceiptsFixture, n: number, proposer: Validator): Promise<void> {
  for (let i = 0; i < n; i++) await runBlock(f, [], proposer);
}

export function blockAt(f: ReceiptsFixture, height: bigint): Block {
  return f.blocks.find((b) => b.height === height)!;
}

/** A receipt as the sequencer would sign it; `fields` override what it promises. */
export function receiptFor(
  by: Validator,
  o: { height: bigint; index: number; tx: Uint8Array; result: TxResult } & Partial<Receipt>,
  signWith: Ed25519Signer = by.signer,
): SignedReceipt {
  const { tx, result, ...fields } = o;
  return signReceipt(
    {
      chainId: CHAIN_ID,
      txHash: sha256(tx),
      status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
      code: result.code,
      codespace: result.codespace,
      resultHash: resultHashOf(result),
      fills: [],
      sequencerAddress: by.address,
      epoch: 0n,
      previousReceiptHash: new Uint8Array(0),
      log: "",
      data: result.data,
      gasWanted: result.gasWanted,
      gasUsed: result.gasUsed,
      ...fields,
    },
    signWith,
  );
}

/** A bank send from `from` (a distinct tx each time through `n`). */
export async function transfer(f: ReceiptsFixture, from: TestAccount, n: number): Promise<Uint8Array> {
  const sequence = (await account(f, from.address))?.sequence ?? 0n;
  return signTx(from, {
    sequence,
    msgs: [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: {
          fromAddress: from.address,
          toAddress: f.users[2]!.address,
          amount: [{ denom: "uusdc", amount: String(n) }],
        },
      },
    ],
  });
}

export type ReportProof = Omit<MsgReceiptViolation, "reporter" | "salt">;

const REPORT_FEE = { amount: [{ denom: "ustrike", amount: "20000" }], gas: 800_000 };
let salts = 0;

/** A fresh 32-byte salt (deterministic in the test run). */
export function newSalt(): Uint8Array {
  return sha256(utf8(`report salt ${salts++}`));
}

export function commitmentOf(reporter: TestAccount, proof: ReportProof, salt: Uint8Array): Uint8Array {
  return reportCommitment({
    chainId: CHAIN_ID,
    reporter: reporter.address,
    salt,
    receipt: proof.receipt!.receipt,
    ...(proof.conflicting === undefined ? {} : { conflicting: proof.conflicting.receipt }),
  });
}

/** The signed MsgCommitReport tx for `proof` under `salt` (the account's next sequence, or `sequence`). */
export async function commitTx(
  f: ReceiptsFixture,
  reporter: TestAccount,
  proof: ReportProof,
  salt: Uint8Array,
  sequence?: bigint,
): Promise<Uint8Array> {
  const seq = sequence ?? (await account(f, reporter.address))?.sequence ?? 0n;
  const value = { reporter: reporter.address, commitment: commitmentOf(reporter, proof, salt) };
  return signTx(reporter, {
    sequence: seq,
    msgs: [{ typeUrl: MSG_COMMIT_REPORT_TYPE_URL, value } satisfies EncodeObject],
    fee: REPORT_FEE,
  });
}

/** The signed MsgReceiptViolation (reveal) tx for `proof` under `salt`. */
export async function revealTx(
  f: ReceiptsFixture,
  reporter: TestAccount,
  proof: ReportProof,
  salt: Uint8Array,
  sequence?: bigint,
): Promise<Uint8Array> {
  const seq = sequence ?? (await account(f, reporter.address))?.sequence ?? 0n;
  const value: MsgReceiptViolation = { ...proof, reporter: reporter.address, salt };
  return signTx(reporter, {
    sequence: seq,
    msgs: [{ typeUrl: MSG_RECEIPT_VIOLATION_TYPE_URL, value } satisfies EncodeObject],
    fee: REPORT_FEE,
  });
}

/**
 * Reports the violation from `reporter` as a client does: its commitment in a block of its
 * own, the reveal in the next. Returns the reveal's result (or the commitment's, if refused).
 */
export async function report(
  f: ReceiptsFixture,
  reporter: TestAccount,
  msg: ReportProof,
  proposer: Validator,
): Promise<TxResult> {
  const salt = newSalt();
  const committed = (await runBlock(f, [await commitTx(f, reporter, msg, salt)], proposer)).txResults[0]!;
  if (committed.code !== 0) return committed;
  return (await runBlock(f, [await revealTx(f, reporter, msg, salt)], proposer)).txResults[0]!;
}

export async function headerRoots(f: ReceiptsFixture, height: bigint): Promise<HeaderRoots | undefined> {
  const res = await query(
    f,
    "/strike.receipts.v1.Query/HeaderRoots",
    QueryHeaderRootsRequest.encode({ height }).finish(),
  );
  return res.code === 0 ? QueryHeaderRootsResponse.decode(res.value).roots : undefined;
}

export { INITIAL_BALANCE };

export interface ValidatorState {
  tokens: bigint;
  jailed: boolean;
  tombstoned: boolean;
  jailedUntil: bigint;
}

/** The validator as staking and slashing see it now. */
export async function validatorState(f: ReceiptsFixture, v: Validator): Promise<ValidatorState> {
  const res = await query(
    f,
    "/strike.staking.v1.Query/Validator",
    QueryValidatorRequest.encode({ operatorAddress: v.operator.address, consensusAddress: "" }).finish(),
  );
  const info = QueryValidatorResponse.decode(res.value).validator!.validator!;
  const signing = await query(
    f,
    "/strike.slashing.v1.Query/SigningInfo",
    QuerySigningInfoRequest.encode({ consAddress: toHex(v.address) }).finish(),
  );
  const s = signing.code === 0 ? QuerySigningInfoResponse.decode(signing.value).info : undefined;
  return {
    tokens: BigInt(info.tokens),
    jailed: info.jailed,
    tombstoned: s?.tombstoned ?? false,
    jailedUntil: s?.jailedUntil ?? 0n,
  };
}
