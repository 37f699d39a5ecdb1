/**
 * The type-URL registry: every protobuf message Strike accepts inside an `Any`, from the
 * Cosmos SDK (via cosmjs-types) and from Strike's own `proto/` (generated into
 * `chain/codec/generated/`). It is a plain @cosmjs/proto-signing `Registry`, so clients
 * and the chain agree on type URLs by construction.
 */
import { Registry, type GeneratedType } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import * as checkpoint from "./generated/strike/checkpoint/v1/tx.js";
import * as bridge from "./generated/strike/bridge/v1/tx.js";
import * as margin from "./generated/strike/margin/v1/tx.js";
import * as oracle from "./generated/strike/oracle/v1/tx.js";
import * as orderbook from "./generated/strike/orderbook/v1/tx.js";
import * as receipts from "./generated/strike/receipts/v1/tx.js";
import { Receipt, SignedReceipt } from "./generated/strike/sequencer/v1/receipt.js";
import * as slashing from "./generated/strike/slashing/v1/tx.js";
import * as staking from "./generated/strike/staking/v1/tx.js";

/** Strike's own message types, by type URL. */
export const strikeTypes: ReadonlyArray<[string, GeneratedType]> = [
  ["/strike.sequencer.v1.Receipt", Receipt],
  ["/strike.sequencer.v1.SignedReceipt", SignedReceipt],
  ["/strike.oracle.v1.MsgSubmitPrices", oracle.MsgSubmitPrices],
  ["/strike.oracle.v1.MsgRegisterFeeder", oracle.MsgRegisterFeeder],
  ["/strike.margin.v1.MsgDeposit", margin.MsgDeposit],
  ["/strike.margin.v1.MsgWithdraw", margin.MsgWithdraw],
  ["/strike.margin.v1.MsgSetMarginMode", margin.MsgSetMarginMode],
  ["/strike.orderbook.v1.MsgPlaceOrder", orderbook.MsgPlaceOrder],
  ["/strike.orderbook.v1.MsgCancelOrder", orderbook.MsgCancelOrder],
  ["/strike.orderbook.v1.MsgBatchCancel", orderbook.MsgBatchCancel],
  ["/strike.orderbook.v1.MsgCancelAll", orderbook.MsgCancelAll],
  ["/strike.orderbook.v1.MsgReplaceOrder", orderbook.MsgReplaceOrder],
  ["/strike.orderbook.v1.MsgPlaceBundle", orderbook.MsgPlaceBundle],
  ["/strike.orderbook.v1.MsgCreateMarket", orderbook.MsgCreateMarket],
  ["/strike.orderbook.v1.MsgSetImpliedVolatility", orderbook.MsgSetImpliedVolatility],
  ["/strike.staking.v1.MsgCreateValidator", staking.MsgCreateValidator],
  ["/strike.staking.v1.MsgEditValidator", staking.MsgEditValidator],
  ["/strike.staking.v1.MsgDelegate", staking.MsgDelegate],
  ["/strike.staking.v1.MsgUndelegate", staking.MsgUndelegate],
  ["/strike.staking.v1.MsgWithdrawRewards", staking.MsgWithdrawRewards],
  ["/strike.slashing.v1.MsgUnjail", slashing.MsgUnjail],
  ["/strike.receipts.v1.MsgCommitReport", receipts.MsgCommitReport],
  ["/strike.receipts.v1.MsgReceiptViolation", receipts.MsgReceiptViolation],
  ["/strike.checkpoint.v1.MsgRegisterEthKey", checkpoint.MsgRegisterEthKey],
  ["/strike.checkpoint.v1.MsgRegisterBlsKey", checkpoint.MsgRegisterBlsKey],
  ["/strike.checkpoint.v1.MsgSignCheckpoint", checkpoint.MsgSignCheckpoint],
  ["/strike.checkpoint.v1.MsgCheckpointEquivocation", checkpoint.MsgCheckpointEquivocation],
  ["/strike.checkpoint.v1.MsgForgedCheckpoint", checkpoint.MsgForgedCheckpoint],
  ["/strike.bridge.v1.MsgAttestDeposit", bridge.MsgAttestDeposit],
  ["/strike.bridge.v1.MsgWithdraw", bridge.MsgWithdraw],
  ["/strike.bridge.v1.MsgSetExitAddress", bridge.MsgSetExitAddress],
];

/** Strike's generated packages, by protobuf package name. */
const packages: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "strike.bridge.v1": bridge,
  "strike.checkpoint.v1": checkpoint,
  "strike.margin.v1": margin,
  "strike.oracle.v1": oracle,
  "strike.orderbook.v1": orderbook,
  "strike.receipts.v1": receipts,
  "strike.slashing.v1": slashing,
  "strike.staking.v1": staking,
};

/**
 * The response of each of Strike's messages, by type URL: what a tx's `msgResponses`
 * (TxMsgData) hold, under the message's URL with `Response` appended, so that a cosmjs
 * client decodes them with `registry.decode`. Every message has one; some are empty.
 */
export const strikeResponseTypes: ReadonlyArray<[string, GeneratedType]> = strikeTypes.flatMap(([url]) => {
  const [, pkg, name] = /^\/(.+)\.(Msg\w+)$/.exec(url) ?? [];
  const response = pkg === undefined ? undefined : packages[pkg]?.[`${name}Response`];
  return response === undefined ? [] : [[`${url}Response`, response as GeneratedType] as [string, GeneratedType]];
});

/** A registry with the Cosmos SDK's default types plus Strike's own messages and their responses. */
export function createStrikeRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...strikeTypes, ...strikeResponseTypes]);
}
