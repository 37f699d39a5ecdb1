/** MsgSend and MsgMultiSend: validate, call the keeper; the keeper emits the transfer events. */
import { MsgMultiSend, MsgMultiSendResponse, MsgSend, MsgSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { bech32ToAddressBytes } from "../../chain/crypto/address.js";
import { coinsEqual, parseCoins, sumCoins, type Coin } from "../../chain/runtime/coins.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { StrikeError, sdkErrors } from "../../chain/types/errors.js";
import { bankErrors } from "./errors.js";
import { assertSendEnabled, type BankKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";

function checkAddress(address: string, what: string): void {
  try {
    bech32ToAddressBytes(address);
  } catch (e) {
    throw sdkErrors.invalidAddress(
      `invalid ${what} address: ${e instanceof StrikeError ? e.message.replace(/: invalid address$/, "") : String(address)}`,
    );
  }
}

function positiveCoins(coins: readonly { denom: string; amount: string }[], field: string): Coin[] {
  const parsed = parseCoins(coins, field);
  if (parsed.length === 0) throw sdkErrors.invalidCoins(`${field}: must not be empty`);
  return parsed;
}

export function msgSendRoute(keeper: BankKeeper): MsgRoute<MsgSend> {
  return {
    typeUrl: MsgSend.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgSend.decode(b),
    signers: (msg) => [msg.fromAddress],
    validateBasic(msg) {
      checkAddress(msg.fromAddress, "from");
      checkAddress(msg.toAddress, "to");
      positiveCoins(msg.amount, "amount");
    },
    handle(ctx, msg) {
      const coins = positiveCoins(msg.amount, "amount");
      assertSendEnabled(ctx, keeper, coins);
      if (keeper.isBlockedAddress(msg.toAddress))
        throw sdkErrors.unauthorized(`${msg.toAddress} is not allowed to receive funds`);
      keeper.sendCoins(ctx, msg.fromAddress, msg.toAddress, coins);
      // MsgSendResponse has no fields: its encoding is empty.
      return { typeUrl: MsgSendResponse.typeUrl, value: new Uint8Array(0) };
    },
  };
}

export function msgMultiSendRoute(keeper: BankKeeper): MsgRoute<MsgMultiSend> {
  const parse = (msg: MsgMultiSend) => {
    if (msg.inputs.length === 0) throw bankErrors.noInputs();
    if (msg.inputs.length > 1) throw bankErrors.multipleSenders(`got ${msg.inputs.length} inputs`);
    if (msg.outputs.length === 0) throw bankErrors.noOutputs();
    const input = msg.inputs[0]!;
    checkAddress(input.address, "input");
    const inputCoins = positiveCoins(input.coins, "inputs[0].coins");
    const outputs = msg.outputs.map((o, i) => {
      checkAddress(o.address, `outputs[${i}]`);
      return { address: o.address, coins: positiveCoins(o.coins, `outputs[${i}].coins`) };
    });
    if (!coinsEqual(inputCoins, sumCoins(outputs.map((o) => o.coins)))) throw bankErrors.inputOutputMismatch();
    return { input: { address: input.address, coins: inputCoins }, outputs };
  };
  return {
    typeUrl: MsgMultiSend.typeUrl,
    module: MODULE_NAME,
    decode: (b) => MsgMultiSend.decode(b),
    signers: (msg) => (msg.inputs[0] === undefined ? [] : [msg.inputs[0].address]),
    validateBasic: (msg) => void parse(msg),
    handle(ctx, msg) {
      const { input, outputs } = parse(msg);
      assertSendEnabled(ctx, keeper, input.coins);
      for (const o of outputs) {
        if (keeper.isBlockedAddress(o.address))
          throw sdkErrors.unauthorized(`${o.address} is not allowed to receive funds`);
      }
      keeper.inputOutputCoins(ctx, input, outputs);
      return { typeUrl: MsgMultiSendResponse.typeUrl, value: MsgMultiSendResponse.encode({}).finish() };
    },
  };
}
