/**
 * MsgSubmitPrices: validate the feeder and prices, record the votes (the keeper emits events).
 * MsgRegisterFeeder: a bonded validator's operator names its feeder account.
 */
import {
  MsgRegisterFeeder,
  MsgRegisterFeederResponse,
  MsgSubmitPrices,
  MsgSubmitPricesResponse,
} from "../../chain/codec/generated/strike/oracle/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import type { OracleKeeper } from "./keeper.js";
import {
  MODULE_NAME,
  MSG_REGISTER_FEEDER_RESPONSE_TYPE_URL,
  MSG_REGISTER_FEEDER_TYPE_URL,
  MSG_SUBMIT_PRICES_RESPONSE_TYPE_URL,
  MSG_SUBMIT_PRICES_TYPE_URL,
} from "./keys.js";
import { parseAssetPrices } from "./validation.js";
import { encodeMessage } from "../../chain/codec/encode.js";

function checkAddress(field: string, address: string): void {
  if (!isValidAddress(address)) throw sdkErrors.invalidAddress(`invalid ${field} address "${address.slice(0, 100)}"`);
}

export function msgSubmitPricesRoute(keeper: OracleKeeper): MsgRoute<MsgSubmitPrices> {
  return {
    typeUrl: MSG_SUBMIT_PRICES_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgSubmitPrices.decode(b),
    signers: (msg) => [msg.feeder],
    validateBasic(msg) {
      checkAddress("feeder", msg.feeder);
      parseAssetPrices(msg.prices);
    },
    handle(ctx, msg) {
      keeper.submitPrices(ctx, msg.feeder, parseAssetPrices(msg.prices));
      return { typeUrl: MSG_SUBMIT_PRICES_RESPONSE_TYPE_URL, value: encodeMessage(MsgSubmitPricesResponse, {}) };
    },
  };
}

export function msgRegisterFeederRoute(keeper: OracleKeeper): MsgRoute<MsgRegisterFeeder> {
  return {
    typeUrl: MSG_REGISTER_FEEDER_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgRegisterFeeder.decode(b),
    signers: (msg) => [msg.operator],
    validateBasic(msg) {
      checkAddress("operator", msg.operator);
      checkAddress("feeder", msg.feeder);
    },
    handle(ctx, msg) {
      keeper.registerFeeder(ctx, msg.operator, msg.feeder);
      return { typeUrl: MSG_REGISTER_FEEDER_RESPONSE_TYPE_URL, value: encodeMessage(MsgRegisterFeederResponse, {}) };
    },
  };
}
