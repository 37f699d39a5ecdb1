/**
 * What `strike tx checkpoint report-forged | report-equivocation` do when they run
 * (checkpoint.ts defines them): read a validator's signed checkpoint(s) from a file or flags
 * and send the evidence. The chain judges it; a refusal comes back with its code.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import type { SignedCheckpointFields } from "../../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { globalOptions, openKeyring } from "../context.js";
import { cliErrors } from "../errors.js";
import { signAndSend, type TxFlags } from "../txSend.js";
import { reportForgedFromL1 } from "./checkpointL1Evidence.js";

/** The signed fields as flags (report-forged without a file). */
export interface SignedFieldFlags {
  height?: string;
  appHash?: string;
  blockHash?: string;
  withdrawalRoot?: string;
  exitRoot?: string;
  creditedDepositNonce?: string;
  nextSetHash?: string;
  signature?: string;
}

export interface ReportForgedFlags extends TxFlags, SignedFieldFlags {
  from: string;
  validator?: string;
  l1Tx?: string;
  l1Rpc?: string;
  contract?: string;
}

export interface ReportEquivocationFlags extends TxFlags {
  from: string;
  validator: string;
}

const P = "/strike.checkpoint.v1.";

/** The field names of a signed-checkpoint file: `query checkpoint --output json`'s, plus `signature`. */
const FILE_FIELDS = {
  height: "height",
  appHash: "app_hash",
  blockHash: "block_hash",
  withdrawalRoot: "withdrawal_root",
  exitRoot: "exit_root",
  creditedDepositNonce: "credited_deposit_nonce",
  nextSetHash: "next_validator_set_hash",
  signature: "signature",
} as const satisfies Record<keyof SignedFieldFlags, string>;

function nonceOf(what: string, text: string): bigint {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(text) || BigInt(text) > 0xffffffffffffffffn)
    throw cliErrors.badArgument(
      `${what} must be a deposit nonce (a whole number below 2^64), got "${text.slice(0, 80)}"`,
    );
  return BigInt(text);
}

function bytesOf(what: string, text: string, lengths: readonly number[]): Uint8Array {
  const hex = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  const bytes = hex.length / 2;
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0 || !lengths.includes(bytes))
    throw cliErrors.badArgument(
      `${what} must be ${lengths.map((n) => (n === 0 ? "empty" : `${n} bytes`)).join(" or ")} of hex (0x optional), got "${text.slice(0, 80)}"`,
    );
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/** The signed checkpoint described by `values` (flag values or a file's fields); `source` names where they came from. */
function signedFields(values: SignedFieldFlags, source: (field: keyof SignedFieldFlags) => string) {
  const need = (field: keyof SignedFieldFlags): string => {
    const v = values[field];
    if (v === undefined || v === "") throw cliErrors.badArgument(`${source(field)} is required`);
    return v;
  };
  const height = need("height");
  if (!/^[1-9][0-9]{0,18}$/.test(height))
    throw cliErrors.badArgument(`${source("height")} must be a height (a positive integer), got "${height}"`);
  const fields: SignedCheckpointFields = {
    height: BigInt(height),
    appHash: bytesOf(source("appHash"), need("appHash"), [32]),
    blockHash: bytesOf(source("blockHash"), need("blockHash"), [32]),
    withdrawalRoot: bytesOf(source("withdrawalRoot"), need("withdrawalRoot"), [32]),
    exitRoot: bytesOf(source("exitRoot"), need("exitRoot"), [32]),
    creditedDepositNonce: nonceOf(source("creditedDepositNonce"), need("creditedDepositNonce")),
    nextValidatorSetHash: bytesOf(source("nextSetHash"), values.nextSetHash ?? "", [0, 32]),
    // ecdsa: r || s || v; bls: an EIP-2537 G2 point.
    signature: bytesOf(source("signature"), need("signature"), [65, 256]),
  };
  return fields;
}

/** A signed checkpoint from a JSON file: `query checkpoint <h> --output json`'s fields plus `signature` (others are ignored). */
export function readSignedCheckpointFile(file: string): SignedCheckpointFields {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (e) {
    throw cliErrors.badArgument(`cannot read ${file} as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw cliErrors.badArgument(`${file} must hold a JSON object with the signed checkpoint's fields`);
  const doc = json as Record<string, unknown>;
  const values: SignedFieldFlags = {};
  for (const [field, name] of Object.entries(FILE_FIELDS) as [keyof SignedFieldFlags, string][]) {
    const v = doc[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" && typeof v !== "number")
      throw cliErrors.badArgument(`${file}: "${name}" must be a string, got ${typeof v}`);
    values[field] = String(v);
  }
  return signedFields(values, (field) => `${file}: "${FILE_FIELDS[field]}"`);
}

function checkValidator(validator: string): void {
  if (!isValidAddress(validator))
    throw cliErrors.badArgument(`--validator must be the validator's bech32 operator address, got "${validator}"`);
}

const flagName = (field: keyof SignedFieldFlags) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export async function reportForged(file: string | undefined, o: ReportForgedFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (o.validator !== undefined) checkValidator(o.validator);
  const given = (Object.keys(FILE_FIELDS) as (keyof SignedFieldFlags)[]).filter((f) => o[f] !== undefined);
  if (o.l1Tx !== undefined || o.l1Rpc !== undefined || o.contract !== undefined) {
    if (file !== undefined || given.length > 0)
      throw cliErrors.badArgument(
        `--l1-tx reads the signed checkpoint from L1: give no file or field flags with it (${[...(file === undefined ? [] : [file]), ...given.map(flagName)].join(", ")})`,
      );
    return reportForgedFromL1(o, g);
  }
  if (o.validator === undefined)
    throw cliErrors.badArgument("--validator is required with a signed checkpoint file or flags");
  const validator = o.validator;
  if (file !== undefined && given.length > 0)
    throw cliErrors.badArgument(
      `give the signed checkpoint as a file or as flags, not both (${given.map(flagName).join(", ")} with ${file})`,
    );
  if (file === undefined && given.length === 0)
    throw cliErrors.badArgument("give the signed checkpoint: a JSON file, or --height, --app-hash, … --signature");
  const signed = file !== undefined ? readSignedCheckpointFile(file) : signedFields(o, flagName);
  // Anyone may submit evidence: --from signs and pays; the signature names the validator.
  const submitter = openKeyring(g).resolve(o.from).address;
  const msg: EncodeObject = {
    typeUrl: `${P}MsgForgedCheckpoint`,
    value: { submitter, validator, signed },
  };
  await signAndSend(
    g,
    o.from,
    [msg],
    o,
    `Report validator ${validator} for signing a checkpoint of height ${signed.height} that the chain did not record (app hash ${Buffer.from(signed.appHash).toString("hex").toUpperCase()})`,
  );
}

export async function reportEquivocation(
  firstFile: string,
  secondFile: string,
  o: ReportEquivocationFlags,
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  checkValidator(o.validator);
  const first = readSignedCheckpointFile(firstFile);
  const second = readSignedCheckpointFile(secondFile);
  if (first.height !== second.height)
    throw cliErrors.badArgument(
      `an equivocation is two signatures for one height: ${firstFile} is for ${first.height}, ${secondFile} for ${second.height}`,
    );
  const submitter = openKeyring(g).resolve(o.from).address;
  const msg: EncodeObject = {
    typeUrl: `${P}MsgCheckpointEquivocation`,
    value: { submitter, validator: o.validator, first, second },
  };
  await signAndSend(
    g,
    o.from,
    [msg],
    o,
    `Report validator ${o.validator} for signing two different checkpoints of height ${first.height}`,
  );
}
