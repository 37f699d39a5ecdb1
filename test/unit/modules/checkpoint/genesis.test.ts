import test from "ava";
import { getBytes } from "ethers";
import { blsProofOfPossession, blsPublicKey } from "../../../../chain/l1/bls.js";
import { checkBlsProof } from "../../../../modules/checkpoint/blsSig.js";
import {
  checkpointGenesisParams,
  defaultCheckpointGenesis,
  validateCheckpointGenesis,
} from "../../../../modules/checkpoint/genesis.js";
import { DEFAULT_CHECKPOINT_PARAMS } from "../../../../modules/checkpoint/state.js";
import { blsSecret } from "./fixture.js";

test("the default checkpoint genesis parses back to the default params", (t) => {
  t.deepEqual(validateCheckpointGenesis(defaultCheckpointGenesis()), {
    params: DEFAULT_CHECKPOINT_PARAMS,
    ethKeys: [],
    blsKeys: [],
  });
});

test("checkpoint genesis is refused field by field, naming the key and what is allowed", (t) => {
  const params = (defaultCheckpointGenesis() as { params: Record<string, unknown> }).params;
  const cases: [unknown, RegExp][] = [
    [{ params: { ...params, interval: "0" } }, /params\.interval: must be at least 1/],
    [{ params: { ...params, scheme: "schnorr" } }, /params\.scheme: must be one of "ecdsa", "bls"/],
    [
      { bls_keys: [{ operator: "strike1x", public_key: "0x12", proof_of_possession: "0x" + "00".repeat(256) }] },
      /bls_keys\[0\]\.public_key: must be 0x and 256 hex digits/,
    ],
    [
      { params: { ...params, settlement_address: "0x12" } },
      /params\.settlement_address: must be "" or 0x and 40 hex digits/,
    ],
    [
      { params: { ...params, l1_chain_id: "31337" } },
      /params\.l1_chain_id: l1_chain_id and settlement_address are set together/,
    ],
    [
      { params: { ...params, slash_fraction_equivocation: "2" } },
      /params\.slash_fraction_equivocation: must be between 0 and 1/,
    ],
    [{ params: { ...params, keep_heights: "-5" } }, /params\.keep_heights: /],
    [{ params: { ...params, intervall: "10" } }, /params\.intervall: unknown key; allowed here: interval, l1_chain_id/],
    [
      { eth_keys: [{ operator: "strike1x", eth_address: "0x0" }] },
      /eth_keys\[0\]\.eth_address: must be 0x and 40 hex digits/,
    ],
  ];
  for (const [raw, why] of cases) {
    const e = t.throws(() => validateCheckpointGenesis(raw))!;
    t.regex(e.message, new RegExp(`^app_state\\.checkpoint\\.${why.source}`));
  }
});

test("a validated genesis's params are read without checking its keys again, and bad params are still refused", (t) => {
  const params = (defaultCheckpointGenesis() as { params: Record<string, unknown> }).params;
  const withL1 = { params: { ...params, l1_chain_id: "31337", settlement_address: "0x" + "ab".repeat(20) } };
  t.deepEqual(checkpointGenesisParams(withL1), validateCheckpointGenesis(withL1).params);
  t.deepEqual(checkpointGenesisParams(defaultCheckpointGenesis()), DEFAULT_CHECKPOINT_PARAMS);
  // Another key's proof: the node start reads the params, the full check still refuses it.
  const badProof = {
    ...withL1,
    bls_keys: [
      {
        operator: "strike1x",
        public_key: blsPublicKey(blsSecret(1)),
        proof_of_possession: blsProofOfPossession(blsSecret(2)),
      },
    ],
  };
  t.is(checkpointGenesisParams(badProof).settlementAddress, "0x" + "ab".repeat(20));
  t.throws(() => validateCheckpointGenesis(badProof), { message: /bls_keys\[0\]\.proof_of_possession/ });
  for (const raw of [
    { params: { ...params, l1_chain_id: "31337" } },
    { params: { ...params, interval: "0" } },
    { params: { ...params, intervall: "10" } },
  ]) {
    const e = t.throws(() => checkpointGenesisParams(raw))!;
    t.is(e.message, t.throws(() => validateCheckpointGenesis(raw))!.message);
  }
});

test("a proof of possession verified before is accepted again, and a bad one is refused every time", (t) => {
  const key = getBytes(blsPublicKey(blsSecret(3)));
  const proof = getBytes(blsProofOfPossession(blsSecret(3)));
  const otherProof = getBytes(blsProofOfPossession(blsSecret(4)));
  for (let i = 0; i < 2; i++) {
    t.notThrows(() => checkBlsProof(key, proof));
    t.throws(() => checkBlsProof(key, otherProof), { message: /proof of possession/i });
    // The same bytes changed after they were checked are checked afresh.
    const tampered = proof.slice();
    tampered[200] = tampered[200]! ^ 1;
    t.throws(() => checkBlsProof(key, tampered));
  }
});
