/**
 * `strike query checkpoint latest|<height>` (a checkpoint, its signers and status) and
 * `strike tx checkpoint register-eth-key` (a validator created after genesis registers the
 * Ethereum key it signs checkpoints with), `strike tx checkpoint register-bls-key` (its
 * BLS key, for the bls scheme), `report-forged` and `report-equivocation` (evidence that a
 * validator's key signed what honest nodes never sign).
 */
import { Command } from "commander";
import { BLS_KEY_FILE, ETH_KEY_FILE } from "../../chain/node/keyFiles.js";
import { withExamples } from "../help.js";
import { addTxOptions } from "../txSend.js";
import type { RegisterBlsFlags, RegisterFlags } from "./checkpointActions.js";
import type { ReportEquivocationFlags, ReportForgedFlags } from "./checkpointEvidenceActions.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./checkpointActions.js");
const evidenceActions = () => import("./checkpointEvidenceActions.js");

/** Evidence txs slash and jail, and under bls pay a pairing check per signature: more than the default gas. */
const EVIDENCE_GAS = "400000";
const SIGNED_FILE =
  "`strike query checkpoint <h> --output json`'s fields (height, app_hash, block_hash, withdrawal_root, exit_root, next_validator_set_hash) plus signature (0x hex: 65 bytes r||s||v under ecdsa, a 256-byte G2 point under bls); other fields are ignored";

function reportForgedCommand(): Command {
  const cmd = addTxOptions(
    new Command("report-forged")
      .description(
        "Report a validator whose checkpoint key signed a checkpoint the chain did not record: a digest for a height at or " +
          "below the newest checkpoint that differs from the chain's checkpoint there, or for a height the chain never " +
          "checkpointed. Honest nodes sign only the chain's own checkpoints, so one such signature proves a forged state " +
          "root (what a colluding majority would land on Ethereum). The validator is slashed slash_fraction_equivocation " +
          "of the power it had in the set signing that height and jailed, once per height (an equivocation for the same " +
          "height counts). Refused: the chain's own digest (code 25), a height above the newest checkpoint (24: not judged " +
          "yet, report it later), a height more than keep_heights below it (23: expired), a signature not by the validator's " +
          "registered key (7, or 22 under bls). Give the signed checkpoint as a JSON file, as flags, or as the L1 tx " +
          "that landed it (--l1-tx: the signed fields and every signature are read from its calldata, and each signer, or " +
          "the one --validator names, is reported, one tx each; ecdsa only, a bls aggregate names no signer)",
      )
      .argument("[file]", `the signed checkpoint as JSON: ${SIGNED_FILE}`)
      .option(
        "--validator <operator>",
        "bech32 operator address of the validator whose key signed (required with a file or flags; with --l1-tx: only this signer)",
      )
      .option("--l1-tx <hash>", "the L1 tx that landed the forged checkpoint on the settlement contract")
      .option("--l1-rpc <url>", "Ethereum JSON-RPC URL to read --l1-tx from")
      .option("--contract <address>", "the settlement contract the tx must call (default: the tx's own target)")
      .requiredOption("--from <key>", "key that signs and pays for the report (anyone may report)")
      .option("--height <h>", "the signed checkpoint's height")
      .option("--app-hash <hex>", "its app hash (32 bytes, 0x optional)")
      .option("--block-hash <hex>", "its block hash (32 bytes)")
      .option("--withdrawal-root <hex>", "its withdrawal root (32 bytes)")
      .option("--exit-root <hex>", "its exit root (32 bytes)")
      .option("--credited-deposit-nonce <n>", "its credited deposit nonce (every L1 deposit up to it credited)")
      .option("--next-set-hash <hex>", "its next validator set hash (32 bytes; omit when it changes no set)")
      .option("--signature <hex>", "the validator's signature over the digest: 65 bytes r||s||v (ecdsa) or 256 (bls)"),
    EVIDENCE_GAS,
  );
  cmd.action(async (file: string | undefined, o: ReportForgedFlags, self: Command) =>
    (await evidenceActions()).reportForged(file, o, self),
  );
  return withExamples(
    cmd,
    "strike tx checkpoint report-forged signed.json --validator strike1... --from alice",
    "strike tx checkpoint report-forged --height 120 --app-hash 0x... --block-hash 0x... --withdrawal-root 0x... --exit-root 0x... --credited-deposit-nonce 7 --signature 0x... --validator strike1... --from alice --yes",
    "strike tx checkpoint report-forged --l1-tx 0x... --l1-rpc http://127.0.0.1:8545 --from alice --yes",
  );
}

function reportEquivocationCommand(): Command {
  const cmd = addTxOptions(
    new Command("report-equivocation")
      .description(
        "Report a validator whose checkpoint key signed two different checkpoints for one height: it is slashed " +
          "slash_fraction_equivocation of the power it had in the set signing that height and jailed, once per height " +
          "(a forged-checkpoint report for the same height counts). When the chain's own checkpoint is one of the two, " +
          "`report-forged` with the other alone is enough",
      )
      .argument("<first>", `the first signed checkpoint as JSON: ${SIGNED_FILE}`)
      .argument("<second>", "the second, for the same height with a different digest")
      .requiredOption("--validator <operator>", "bech32 operator address of the validator whose key signed both")
      .requiredOption("--from <key>", "key that signs and pays for the report (anyone may report)"),
    EVIDENCE_GAS,
  );
  cmd.action(async (first: string, second: string, o: ReportEquivocationFlags, self: Command) =>
    (await evidenceActions()).reportEquivocation(first, second, o, self),
  );
  return withExamples(
    cmd,
    "strike tx checkpoint report-equivocation a.json b.json --validator strike1... --from alice",
  );
}

export function checkpointQueryCommand(): Command {
  const cmd = new Command("checkpoint")
    .description(
      "A state checkpoint for Ethereum: height, app hash, block hash, bridge roots, who signed with what power, and whether more than 2/3 signed",
    )
    .argument("<which>", '"latest" or a height')
    .action(async (which: string, o: unknown, self: Command) => (await actions()).showCheckpoint(which, o, self));
  return withExamples(cmd, "strike query checkpoint latest", "strike query checkpoint 120 --output json");
}

export function checkpointTxCommand(): Command {
  const cmd = new Command("checkpoint").description("Checkpoint transactions");
  const register = addTxOptions(
    new Command("register-eth-key")
      .description(
        "Register the Ethereum key --from's validator signs checkpoints with (once per validator; an address can belong to one validator only)",
      )
      .requiredOption("--from <key>", "the validator's operator key (name or address)")
      .option("--eth-key-file <path>", `the Ethereum key file (default: --home's ${ETH_KEY_FILE})`),
  );
  register.action(async (o: RegisterFlags, self: Command) => (await actions()).registerEthKey(o, self));
  cmd.addCommand(withExamples(register, "strike tx checkpoint register-eth-key --from validator --home ./node4"));
  const registerBls = addTxOptions(
    new Command("register-bls-key")
      .description(
        "Register the BLS12-381 key --from's validator signs checkpoints with under the bls scheme, with its proof of possession (once per validator; a key can belong to one validator only)",
      )
      .requiredOption("--from <key>", "the validator's operator key (name or address)")
      .option("--bls-key-file <path>", `the BLS key file (default: --home's ${BLS_KEY_FILE})`),
  );
  registerBls.action(async (o: RegisterBlsFlags, self: Command) => (await actions()).registerBlsKey(o, self));
  cmd.addCommand(withExamples(registerBls, "strike tx checkpoint register-bls-key --from validator --home ./node4"));
  cmd.addCommand(reportForgedCommand());
  cmd.addCommand(reportEquivocationCommand());
  return withExamples(cmd, "strike tx checkpoint register-eth-key --from validator --home ./node4");
}
