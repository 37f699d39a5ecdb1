/** The bridge's messages: thin handlers that validate, call the keeper and answer. */
import {
  MsgAttestDeposit,
  MsgAttestDepositResponse,
  MsgSetExitAddress,
  MsgSetExitAddressResponse,
  MsgWithdraw,
  MsgWithdrawResponse,
} from "../../chain/codec/generated/strike/bridge/v1/tx.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import type { BridgeKeeper } from "./keeper.js";
import {
  MODULE_NAME,
  MSG_ATTEST_DEPOSIT_TYPE_URL,
  MSG_SET_EXIT_ADDRESS_TYPE_URL,
  MSG_WITHDRAW_TYPE_URL,
} from "./keys.js";
import { checkStrikeAddress, normalizeDeposit, parseAmount, parseL1Address } from "./validation.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export function msgAttestDepositRoute(keeper: BridgeKeeper): MsgRoute<MsgAttestDeposit> {
  return {
    typeUrl: MSG_ATTEST_DEPOSIT_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgAttestDeposit.decode(b),
    signers: (msg) => [msg.attester],
    validateBasic(msg) {
      checkStrikeAddress(msg.attester, "attester");
      normalizeDeposit(msg.deposit);
    },
    handle(ctx, msg) {
      const { credited } = keeper.attestDeposit(ctx, msg.attester, msg.deposit!);
      return {
        typeUrl: `${MSG_ATTEST_DEPOSIT_TYPE_URL}Response`,
        value: encodeMessage(MsgAttestDepositResponse, { credited }),
      };
    },
  };
}

export function msgWithdrawRoute(keeper: BridgeKeeper): MsgRoute<MsgWithdraw> {
  return {
    typeUrl: MSG_WITHDRAW_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgWithdraw.decode(b),
    signers: (msg) => [msg.from],
    validateBasic(msg) {
      checkStrikeAddress(msg.from, "from");
      parseAmount(msg.amount);
      parseL1Address(msg.l1Recipient);
    },
    handle(ctx, msg) {
      const id = keeper.withdraw(ctx, msg.from, parseAmount(msg.amount), parseL1Address(msg.l1Recipient));
      return { typeUrl: `${MSG_WITHDRAW_TYPE_URL}Response`, value: encodeMessage(MsgWithdrawResponse, { id }) };
    },
  };
}

export function msgSetExitAddressRoute(keeper: BridgeKeeper): MsgRoute<MsgSetExitAddress> {
  return {
    typeUrl: MSG_SET_EXIT_ADDRESS_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgSetExitAddress.decode(b),
    signers: (msg) => [msg.account],
    validateBasic(msg) {
      checkStrikeAddress(msg.account, "account");
      parseL1Address(msg.l1Address);
    },
    handle(ctx, msg) {
      keeper.setExitAddress(ctx, msg.account, parseL1Address(msg.l1Address));
      return {
        typeUrl: `${MSG_SET_EXIT_ADDRESS_TYPE_URL}Response`,
        value: encodeMessage(MsgSetExitAddressResponse, {}),
      };
    },
  };
}
