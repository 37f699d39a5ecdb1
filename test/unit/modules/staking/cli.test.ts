import test from "ava";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stakingTxCommand } from "../../../../cli/commands/staking.js";
import { parseStakeAmount, resolveConsensusPubKey } from "../../../../cli/commands/stakingActions.js";
import type { GlobalOptions } from "../../../../cli/context.js";
import { cliErrors } from "../../../../cli/errors.js";
import { pubKey } from "./fixture.js";

const options = (home: string): GlobalOptions => ({
  home,
  node: "tcp://127.0.0.1:1",
  chainId: undefined,
  output: "json",
  keyringBackend: "test",
  yes: true,
});

test("stake amounts need a whole positive number followed by a denom", (t) => {
  t.deepEqual(parseStakeAmount("1000000ustrike"), { denom: "ustrike", amount: "1000000" });
  for (const bad of ["1000000", "ustrike", "0ustrike", "1.5ustrike", "-5ustrike"])
    t.true(cliErrors.badArgument.is(t.throws(() => parseStakeAmount(bad))), bad);
});

test("the consensus key comes from --pubkey as base64, from a key file path, or from the home's key file", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-staking-cli-"));
  const key = pubKey(1);
  const b64 = Buffer.from(key).toString("base64");
  t.deepEqual(await resolveConsensusPubKey(options(home), b64), key);
  t.true(
    cliErrors.badArgument.is(await t.throwsAsync(() => resolveConsensusPubKey(options(home), undefined))),
    "no key file yet",
  );
  mkdirSync(join(home, "config"));
  const file = join(home, "config", "priv_validator_key.json");
  writeFileSync(file, JSON.stringify({ address: "", pub_key: { type: "tendermint/PubKeyEd25519", value: b64 } }));
  t.deepEqual(await resolveConsensusPubKey(options(home), file), key);
  t.deepEqual(await resolveConsensusPubKey(options(home), undefined), key);
  t.true(cliErrors.badArgument.is(await t.throwsAsync(() => resolveConsensusPubKey(options(home), "AAAA"))), "3 bytes");
});

test("the staking tx command offers create-validator, delegate, unbond and withdraw-rewards", (t) => {
  const names = stakingTxCommand().commands.map((c) => c.name());
  for (const n of ["create-validator", "edit-validator", "delegate", "unbond", "withdraw-rewards"])
    t.true(names.includes(n), n);
});
