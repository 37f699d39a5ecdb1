/** MsgDeposit, MsgWithdraw, MsgSetMarginMode: validate, call the keeper. */
import {
  MsgDeposit,
  MsgDepositResponse,
  MsgSetMarginMode,
  MsgSetMarginModeResponse,
  MsgWithdraw,
  MsgWithdrawResponse,
} from "../../chain/codec/generated/strike/margin/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { msgRoute } from "../../chain/runtime/msgRoute.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { marginErrors } from "./errors.js";
import type { MarginKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";

const AMOUNT = /^[0-9]{1,30}$/;

function checkOwner(owner: string): void {
  if (!isValidAddress(owner)) throw sdkErrors.invalidAddress(`invalid owner address "${owner}"`);
}

function parseAmount(text: string): bigint {
  const t = text.endsWith("uusdc") ? text.slice(0, -"uusdc".length) : text;
  if (!AMOUNT.test(t)) {
    if (/^[0-9]+[a-z]/.test(text)) throw marginErrors.wrongDenom(`got "${text}"`);
    throw marginErrors.invalidAmount(`"${text}" is not a whole number of uusdc`);
  }
  const n = BigInt(t);
  if (n <= 0n) throw marginErrors.invalidAmount("amount must be positive");
  return n;
}

export function marginMsgRoutes(keeper: MarginKeeper): MsgRoute<unknown>[] {
  const account = (m: { owner: string; subaccount: number }) => ({ owner: m.owner, number: m.subaccount });
  return [
    msgRoute({
      module: MODULE_NAME,
      typeUrl: "/strike.margin.v1.MsgDeposit",
      codec: MsgDeposit,
      response: MsgDepositResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkOwner(m.owner);
        parseAmount(m.amount);
      },
      handle(ctx, m) {
        keeper.deposit(ctx, account(m), parseAmount(m.amount));
        return {};
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: "/strike.margin.v1.MsgWithdraw",
      codec: MsgWithdraw,
      response: MsgWithdrawResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkOwner(m.owner);
        parseAmount(m.amount);
      },
      handle(ctx, m) {
        keeper.withdraw(ctx, account(m), parseAmount(m.amount));
        return {};
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: "/strike.margin.v1.MsgSetMarginMode",
      codec: MsgSetMarginMode,
      response: MsgSetMarginModeResponse,
      signer: (m) => m.owner,
      validateBasic: (m) => checkOwner(m.owner),
      handle(ctx, m) {
        keeper.setMarginMode(ctx, account(m), m.portfolioMargin);
        return {};
      },
    }),
  ];
}
