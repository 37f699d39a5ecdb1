/**
 * What a landed checkpoint carries, read back out of the L1 tx that landed it: the signed
 * fields and each signer's 65-byte signature (EcdsaSettlement's `checkpoint` or
 * `updateValidatorSet` calldata, decoded with the contract's ABI). Pure: the watcher
 * (forgedWatch.ts) and `strike tx checkpoint report-forged --l1-tx` fetch the tx and hand
 * its data here. Every signature is recovered against the digest, so a report names the key
 * that really signed, not just the member the bitmap points at.
 */
import {
  Interface,
  ZeroHash,
  getAddress,
  getBytes,
  hexlify,
  keccak256,
  recoverAddress,
  type InterfaceAbi,
} from "ethers";
import { checkpointDigest, type SettlementDomain } from "../chain/l1/digest.js";
import { relayerErrors } from "./errors.js";

const MEMBER_BYTES = 28;
const SIGNATURE_BYTES = 65;

/** The fields a checkpoint's digest covers (32-byte words as 0x hex; zero next-set hash: the set stays). */
export interface LandedFields {
  height: bigint;
  appHash: string;
  blockHash: string;
  withdrawalRoot: string;
  exitRoot: string;
  creditedDepositNonce: bigint;
  nextValidatorSetHash: string;
}

export interface LandedSignature {
  /** The member's index in the set the calldata carries (ascending address). */
  member: number;
  /** The member's address as the set names it (checksummed). */
  address: string;
  /** r || s || v as it sits in the calldata. */
  signature: Uint8Array;
}

export interface LandedCheckpoint {
  fields: LandedFields;
  /** Which function landed it. */
  method: "checkpoint" | "updateValidatorSet";
  signatures: LandedSignature[];
}

/** Decodes the `signatures` blob: uint16 n || n × (address || uint64 power) || bitmap || k × (r || s || v). */
export function decodeEcdsaSignatures(blob: Uint8Array): { members: string[]; signatures: LandedSignature[] } {
  const bad = (why: string) => relayerErrors.badCalldata(`signatures blob: ${why}`);
  if (blob.length < 34) throw bad(`${blob.length} bytes, fewer than the 34 of an empty set`);
  const n = (blob[0]! << 8) | blob[1]!;
  const setEnd = 2 + n * MEMBER_BYTES;
  if (blob.length < setEnd + 32) throw bad(`${n} members need ${setEnd + 32} bytes, got ${blob.length}`);
  const members = Array.from({ length: n }, (_, i) =>
    getAddress(hexlify(blob.subarray(2 + i * MEMBER_BYTES, 2 + i * MEMBER_BYTES + 20))),
  );
  const bitmap = BigInt(hexlify(blob.subarray(setEnd, setEnd + 32)));
  if (n < 256 && bitmap >> BigInt(n) !== 0n) throw bad(`the signer bitmap names members beyond the ${n}`);
  const signatures: LandedSignature[] = [];
  let cursor = setEnd + 32;
  for (let i = 0; i < n; i++) {
    if (((bitmap >> BigInt(i)) & 1n) === 0n) continue;
    if (cursor + SIGNATURE_BYTES > blob.length) throw bad(`member ${i}'s signature runs past the end`);
    signatures.push({ member: i, address: members[i]!, signature: blob.slice(cursor, cursor + SIGNATURE_BYTES) });
    cursor += SIGNATURE_BYTES;
  }
  if (cursor !== blob.length) throw bad(`${blob.length - cursor} bytes after the last signature`);
  return { members, signatures };
}

/**
 * The checkpoint in a settlement call's data, given the contract's ABI (its `checkpoint` and
 * `updateValidatorSet` functions). Throws relayer/4 for data that is neither.
 */
export function decodeLandedCheckpoint(abi: InterfaceAbi, data: string): LandedCheckpoint {
  const iface = new Interface(abi);
  let parsed;
  try {
    parsed = iface.parseTransaction({ data });
  } catch {
    parsed = null;
  }
  if (parsed === null || (parsed.name !== "checkpoint" && parsed.name !== "updateValidatorSet"))
    throw relayerErrors.badCalldata(
      `the tx calls ${parsed?.name ?? `selector ${data.slice(0, 10)}`}, not checkpoint or updateValidatorSet`,
    );
  const a = parsed.args;
  const setChange = parsed.name === "updateValidatorSet";
  const blob = getBytes(String(setChange ? a[7] : a[6]));
  return {
    fields: {
      height: BigInt(a[0] as bigint),
      appHash: String(a[1]),
      blockHash: String(a[2]),
      withdrawalRoot: String(a[3]),
      exitRoot: String(a[4]),
      creditedDepositNonce: BigInt(a[5] as bigint),
      nextValidatorSetHash: setChange ? keccak256(String(a[6])) : ZeroHash,
    },
    method: parsed.name,
    signatures: decodeEcdsaSignatures(blob).signatures,
  };
}

/** The digest the landed fields were signed over, in `domain`. */
export function landedDigest(domain: SettlementDomain, f: LandedFields): string {
  return checkpointDigest(
    domain,
    {
      height: f.height,
      appHash: f.appHash,
      blockHash: f.blockHash,
      withdrawalRoot: f.withdrawalRoot,
      exitRoot: f.exitRoot,
      creditedDepositNonce: f.creditedDepositNonce,
    },
    f.nextValidatorSetHash,
  );
}

/**
 * The address each signature recovers to over the landed digest in `domain`. The contract
 * accepted it only if that is the member's address, so a differing one means `domain` is
 * not the contract's (a wrong L1 chain, contract or Strike chain id).
 */
export function recoverLandedSigners(
  domain: SettlementDomain,
  landed: LandedCheckpoint,
): (LandedSignature & { recovered: string | undefined })[] {
  const digest = landedDigest(domain, landed.fields);
  return landed.signatures.map((s) => {
    let recovered: string | undefined;
    try {
      recovered = recoverAddress(digest, hexlify(s.signature));
    } catch {
      recovered = undefined;
    }
    return { ...s, recovered };
  });
}
