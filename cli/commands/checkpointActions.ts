/** What the checkpoint commands do when they run (checkpoint.ts defines them): the L1 signing keys and their registration txs. */
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import { getBytes, hexlify } from "ethers";
import type * as q from "../../chain/codec/generated/strike/checkpoint/v1/query.js";
import { ETH_KEY_FILE, loadEthKey } from "../../chain/node/ethKey.js";
import { BLS_KEY_FILE, loadBlsKey } from "../../chain/node/blsKey.js";
import { resolveHomePath } from "../../chain/node/config.js";
import { signDigestEcdsa } from "../../chain/l1/ecdsa.js";
import { blsSignDigest, g2ToEip2537 } from "../../chain/l1/bls.js";
import { blsRegistrationDigest } from "../../modules/checkpoint/blsSig.js";
import { registrationDigest } from "../../modules/checkpoint/ethSig.js";
import { cliQueries, withComet } from "../abciQuery.js";
import { globalOptions, openKeyring } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { signAndSend, type TxFlags } from "../txSend.js";

export interface RegisterFlags extends TxFlags {
  from: string;
  ethKeyFile?: string;
}

export interface RegisterBlsFlags extends TxFlags {
  from: string;
  blsKeyFile?: string;
}

const P = "/strike.checkpoint.v1.";

/** A checkpoint as `query checkpoint` prints it (hex upper-case like CometBFT's hashes; 0x for Ethereum values). */
export function checkpointView(res: q.QueryCheckpointResponse) {
  const cp = res.checkpoint!;
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
  const status = cp.digest.length === 0 ? "unsigned (no L1 domain)" : cp.completedAt > 0n ? "complete" : "collecting";
  return {
    height: cp.height.toString(),
    app_hash: hex(cp.appHash),
    block_hash: hex(cp.blockHash),
    withdrawal_root: hexlify(cp.withdrawalRoot),
    exit_root: hexlify(cp.exitRoot),
    credited_deposit_nonce: cp.creditedDepositNonce.toString(),
    next_validator_set_hash: cp.nextValidatorSetHash.length === 0 ? "" : hexlify(cp.nextValidatorSetHash),
    digest: cp.digest.length === 0 ? "" : hexlify(cp.digest),
    status,
    completed_at: cp.completedAt.toString(),
    total_power: cp.totalPower.toString(),
    signed_power: cp.signedPower.toString(),
    signers: res.signatures.map((s) => ({
      validator: s.validator,
      eth_address: hexlify(s.ethAddress),
      power: s.power.toString(),
    })),
    set: cp.signersSet.map((m) => ({
      validator: m.operator,
      eth_address: m.ethAddress.length === 0 ? "" : hexlify(m.ethAddress),
      power: m.power.toString(),
    })),
  };
}

export async function showCheckpoint(which: string, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (which !== "latest" && !/^[1-9][0-9]{0,18}$/.test(which))
    throw cliErrors.badArgument(`"${which}" is neither "latest" nor a height`);
  const height = which === "latest" ? 0n : BigInt(which);
  const res = await withComet(g, (c) => cliQueries(c).checkpoint.Checkpoint({ height }));
  const v = checkpointView(res);
  print(g.output, v, () =>
    [
      `checkpoint ${v.height}: ${v.status} (${v.signed_power} of ${v.total_power} power signed${v.completed_at === "0" ? "" : `, complete at ${v.completed_at}`})`,
      `  app hash:        ${v.app_hash}`,
      `  block hash:      ${v.block_hash}`,
      `  withdrawal root: ${v.withdrawal_root}`,
      `  exit root:       ${v.exit_root}`,
      `  deposits credited through nonce ${v.credited_deposit_nonce}`,
      ...(v.next_validator_set_hash === "" ? [] : [`  next set hash:   ${v.next_validator_set_hash}`]),
      `  signers:`,
      ...v.signers.map((s) => `    ${s.validator}  ${s.eth_address}  power ${s.power}`),
    ].join("\n"),
  );
}

export async function registerEthKey(o: RegisterFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const operator = openKeyring(g).resolve(o.from).address;
  const key = loadEthKey(o.ethKeyFile ?? resolveHomePath(g.home, ETH_KEY_FILE));
  const chainId = g.chainId ?? (await withComet(g, async (c) => (await c.status()).nodeInfo.network));
  const sig = signDigestEcdsa(hexlify(registrationDigest(chainId, operator)), key.privateKey);
  const proof = getBytes(`${sig.r}${sig.s.slice(2)}${sig.v.toString(16)}`);
  const msg: EncodeObject = {
    typeUrl: `${P}MsgRegisterEthKey`,
    value: { operator, ethAddress: key.address, proof },
  };
  await signAndSend(g, o.from, [msg], o, `Register Ethereum key ${key.address} for validator ${operator}`);
}

export async function registerBlsKey(o: RegisterBlsFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const operator = openKeyring(g).resolve(o.from).address;
  const key = loadBlsKey(o.blsKeyFile ?? resolveHomePath(g.home, BLS_KEY_FILE));
  const chainId = g.chainId ?? (await withComet(g, async (c) => (await c.status()).nodeInfo.network));
  // The proof of possession names no operator: the key also signs this registration.
  const operatorSignature = getBytes(
    g2ToEip2537(blsSignDigest(hexlify(blsRegistrationDigest(chainId, operator)), key.secretKey)),
  );
  const msg: EncodeObject = {
    typeUrl: `${P}MsgRegisterBlsKey`,
    value: {
      operator,
      publicKey: getBytes(key.publicKey),
      proofOfPossession: getBytes(key.proofOfPossession),
      operatorSignature,
    },
  };
  await signAndSend(g, o.from, [msg], o, `Register BLS key ${key.publicKey.slice(0, 18)}… for validator ${operator}`);
}
