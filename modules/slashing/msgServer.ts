/** MsgUnjail: validate, call the keeper. */
import { MsgUnjail, MsgUnjailResponse } from "../../chain/codec/generated/strike/slashing/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import type { SlashingKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export function slashingMsgRoutes(keeper: SlashingKeeper): MsgRoute<unknown>[] {
  const unjail: MsgRoute<MsgUnjail> = {
    typeUrl: "/strike.slashing.v1.MsgUnjail",
    module: MODULE_NAME,
    decode: (b) => MsgUnjail.decode(b),
    signers: (m) => [m.validatorAddress],
    validateBasic(m) {
      if (!isValidAddress(m.validatorAddress))
        throw sdkErrors.invalidAddress(`invalid validator address "${m.validatorAddress}"`);
    },
    handle(ctx, m) {
      keeper.unjail(ctx, m.validatorAddress);
      return { typeUrl: "/strike.slashing.v1.MsgUnjailResponse", value: encodeMessage(MsgUnjailResponse, {}) };
    },
  };
  return [unjail as MsgRoute<unknown>];
}
