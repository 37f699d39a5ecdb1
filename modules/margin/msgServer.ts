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

function route<T extends { owner: string }>(
  typeUrl: string,
  codec: { decode(b: Uint8Array): T },
  validate: (m: T) => void,
  handle: MsgRoute<T>["handle"],
): MsgRoute<T> {
  return {
    typeUrl,
    module: MODULE_NAME,
    decode: (b) => codec.decode(b),
    signers: (m) => [m.owner],
    validateBasic(m) {
      checkOwner(m.owner);
      validate(m);
    },
    handle,
  };
}

export function marginMsgRoutes(keeper: MarginKeeper): MsgRoute<unknown>[] {
  return [
    route(
      "/strike.margin.v1.MsgDeposit",
      MsgDeposit,
      (m) => void parseAmount(m.amount),
      (ctx, m) => {
        keeper.deposit(ctx, { owner: m.owner, number: m.subaccount }, parseAmount(m.amount));
        return { typeUrl: "/strike.margin.v1.MsgDepositResponse", value: MsgDepositResponse.encode({}).finish() };
      },
    ),
    route(
      "/strike.margin.v1.MsgWithdraw",
      MsgWithdraw,
      (m) => void parseAmount(m.amount),
      (ctx, m) => {
        keeper.withdraw(ctx, { owner: m.owner, number: m.subaccount }, parseAmount(m.amount));
        return { typeUrl: "/strike.margin.v1.MsgWithdrawResponse", value: MsgWithdrawResponse.encode({}).finish() };
      },
    ),
    route(
      "/strike.margin.v1.MsgSetMarginMode",
      MsgSetMarginMode,
      () => undefined,
      (ctx, m) => {
        keeper.setMarginMode(ctx, { owner: m.owner, number: m.subaccount }, m.portfolioMargin);
        return {
          typeUrl: "/strike.margin.v1.MsgSetMarginModeResponse",
          value: MsgSetMarginModeResponse.encode({}).finish(),
        };
      },
    ),
  ] as MsgRoute<unknown>[];
}
