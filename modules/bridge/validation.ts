/** Stateless checks of bridge messages: amounts, L1 addresses and hashes, deposit contents. */
import type { DepositAttestation } from "../../chain/codec/generated/strike/bridge/v1/bridge.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { fromHex } from "../../chain/types/bytes.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { bridgeErrors } from "./errors.js";

const UINT256_MAX = (1n << 256n) - 1n;

export function parseAmount(text: string): bigint {
  if (!/^[0-9]{1,78}$/.test(text)) throw bridgeErrors.invalidAmount(`"${text.slice(0, 100)}"`);
  const n = BigInt(text);
  if (n <= 0n || n > UINT256_MAX) throw bridgeErrors.invalidAmount(`"${text.slice(0, 100)}"`);
  return n;
}

/** A 0x address as 20 bytes; the zero address is refused (it cannot be paid). */
export function parseL1Address(text: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw bridgeErrors.invalidL1Address(`"${text.slice(0, 100)}"`);
  const bytes = fromHex(text.slice(2));
  if (bytes.every((b) => b === 0)) throw bridgeErrors.invalidL1Address("the zero address");
  return bytes;
}

export function checkStrikeAddress(address: string, field: string): void {
  if (!isValidAddress(address)) throw sdkErrors.invalidAddress(`invalid ${field} "${address.slice(0, 100)}"`);
}

/** The canonical form validators vote on: lower-case hex, so that equal events hash equally. */
export function normalizeDeposit(d: DepositAttestation | undefined): DepositAttestation {
  if (d === undefined) throw bridgeErrors.invalidDeposit("missing deposit");
  if (d.nonce < 1n) throw bridgeErrors.invalidDeposit("nonce starts at 1");
  parseL1Address(d.l1Sender);
  checkStrikeAddress(d.recipient, "recipient");
  parseAmount(d.amount);
  if (!/^0x[0-9a-fA-F]{64}$/.test(d.l1TxHash))
    throw bridgeErrors.invalidDeposit("l1_tx_hash must be 0x and 64 hex digits");
  return {
    nonce: d.nonce,
    l1Sender: d.l1Sender.toLowerCase(),
    recipient: d.recipient,
    amount: BigInt(d.amount).toString(),
    l1TxHash: d.l1TxHash.toLowerCase(),
    l1Block: d.l1Block,
  };
}
