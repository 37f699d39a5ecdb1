/** What `strike testnet` does when it runs (testnet.ts defines it): the homes, keys and shared genesis of a local network. */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { toHex } from "../../chain/types/bytes.js";
import { DEFAULT_VALIDATOR_POWER } from "../../genesis/constants.js";
import { cliCoins } from "../fees.js";
import type { BondedValidatorInput } from "../../genesis/validators.js";
import type { LocalL1 } from "./testnetL1.js";
import { cliErrors } from "../errors.js";
import { checkL1Rpc } from "./l1Flags.js";
import { cosmosHdPath, deriveFromMnemonic, generateMnemonic } from "../keyring/hd.js";
import { Keyring } from "../keyring/keyring.js";
import { print } from "../output.js";

export interface TestnetFlags {
  validators: string;
  output: string;
  startingPort: string;
  accounts: string;
  funds: string;
  feeder?: string;
  genesisTime?: string;
  timeoutCommit: string;
  l1Rpc?: string;
  l1Key?: string;
  checkpointScheme: string;
}

/** 100 STRIKE bonded per validator: voting power 100. */
const DEFAULT_SELF_DELEGATION = 100_000_000n;

function parseTimeout(text: string): number {
  const m = /^(\d+)(ms|s)$/.exec(text);
  if (m === null) throw cliErrors.badArgument(`--timeout-commit must look like 500ms or 1s, got "${text}"`);
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

export async function testnet(o: TestnetFlags, self: Command): Promise<void> {
  // The global --output names the folder here (`strike testnet --output ./localnet`).
  const all = self.optsWithGlobals<Record<string, unknown>>();
  const dir = typeof all["output"] === "string" && all["output"] !== "text" ? all["output"] : "";
  if (dir === "" || dir === "json") throw cliErrors.badArgument("--output <dir> names the folder for the node homes");
  o.output = dir;
  const g = { chainId: typeof all["chainId"] === "string" ? all["chainId"] : undefined, output: "text" as const };
  const n = Number(o.validators);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw cliErrors.badArgument("--validators must be between 1 and 50");
  if (o.l1Rpc !== undefined) checkL1Rpc(o.l1Rpc);
  const base = Number(o.startingPort);
  if (!Number.isInteger(base) || base < 1024 || base + 10 * n > 65535)
    throw cliErrors.badArgument("--starting-port must leave room for 10 ports per node below 65536");
  const chainId = g.chainId ?? "strike-local-1";
  if (o.checkpointScheme !== "ecdsa" && o.checkpointScheme !== "bls")
    throw cliErrors.badArgument(`--checkpoint-scheme must be ecdsa or bls, got "${o.checkpointScheme}"`);
  const scheme = o.checkpointScheme;
  const homes = Array.from({ length: n }, (_, i) => join(o.output, `node${i}`));
  for (const h of homes) {
    if (existsSync(join(h, "config", "genesis.json")))
      throw cliErrors.alreadyInitialized(`${h} already holds a node; choose another --output or remove it`);
  }

  // libp2p's key code and the genesis code (every module) are slow to load: only this action needs them.
  const [{ p2pPeerId }, { addGenesisAccount, defaultGenesis, writeGenesis }, { addBondedValidators }, oracle, config] =
    await Promise.all([
      import("../../chain/p2p/identity.js"),
      import("../../genesis/genesis.js"),
      import("../../genesis/validators.js"),
      import("../../modules/oracle/genesis.js"),
      import("../../chain/node/config.js"),
    ]);
  const { defaultConfig, resolveHomePath, writeConfig } = config;
  const [
    { ensureNodeKeys },
    { ensureFeederKey },
    { ETH_KEY_FILE, ensureEthKey },
    { addGenesisBlsKey, addGenesisEthKey, setGenesisCheckpointScheme },
    { BLS_KEY_FILE, ensureBlsKey },
  ] = await Promise.all([
    import("../../chain/node/home.js"),
    import("../../chain/node/feederKey.js"),
    import("../../chain/node/ethKey.js"),
    import("../../modules/checkpoint/index.js"),
    import("../../chain/node/blsKey.js"),
  ]);
  const { addOracleFeeder, addValidatorFeeder } = oracle;
  const nodes = homes.map((home, i) => {
    const cfg = defaultConfig(`node${i}`);
    cfg.p2p.laddr = `tcp://127.0.0.1:${base + 10 * i}`;
    cfg.rpc.laddr = `tcp://127.0.0.1:${base + 10 * i + 1}`;
    cfg.consensus.timeoutCommitMs = parseTimeout(o.timeoutCommit);
    // These validators share one machine: the sequencer's receipts go first (app/sequencerPriority.ts).
    cfg.sequencer.priorityBoost = 10;
    cfg.sequencer.realtimePriority = 1;
    cfg.oracleFeeder.enable = o.feeder === undefined;
    // With a local L1 the finality ladder reads the settlement contract genesis names.
    if (o.l1Rpc !== undefined) {
      cfg.settlement.enable = true;
      cfg.settlement.l1Rpc = o.l1Rpc;
    }
    const keys = ensureNodeKeys(home, cfg);
    const feederKey = ensureFeederKey(resolveHomePath(home, cfg.oracleFeeder.keyFile));
    const ethKey = ensureEthKey(resolveHomePath(home, ETH_KEY_FILE));
    const blsKey = ensureBlsKey(resolveHomePath(home, BLS_KEY_FILE));
    const peerId = p2pPeerId(keys.nodeKey.privKey.subarray(0, 32));
    return { home, cfg, keys, feederKey, ethKey, blsKey, peerId, port: base + 10 * i };
  });
  for (const node of nodes)
    node.cfg.p2p.persistentPeers = nodes.filter((x) => x !== node).map((x) => `${x.peerId}@127.0.0.1:${x.port}`);

  let doc = defaultGenesis({
    chainId,
    validator: { pubKey: nodes[0]!.keys.validatorKey.pubKey, name: "node0", power: DEFAULT_VALIDATOR_POWER },
    genesisTime: o.genesisTime ?? new Date(),
  });
  // Each validator's operator is a key named "validator" in its own node's test keyring;
  // its stake is bonded in genesis, so voting power comes from staking from block 1.
  const funds = cliCoins(o.funds, "--funds");
  const bonded: BondedValidatorInput[] = [];
  for (const [i, node] of nodes.entries()) {
    const mnemonic = generateMnemonic();
    const derived = deriveFromMnemonic(mnemonic, cosmosHdPath());
    const info = await new Keyring({ home: node.home, backend: "test" }).add("validator", derived.privKey, {
      hdPath: cosmosHdPath(),
    });
    writeFileSync(join(node.home, "validator.mnemonic"), `${mnemonic}\n`, { mode: 0o600 });
    doc = addGenesisAccount(doc, info.address, funds);
    // The validator's feeder key (in its home) votes prices with the validator's stake.
    doc = addGenesisAccount(doc, node.feederKey.address, funds);
    doc.app_state["oracle"] = addValidatorFeeder(doc.app_state["oracle"], info.address, node.feederKey.address);
    // The validator signs checkpoints with the Ethereum key in its home.
    doc.app_state["checkpoint"] = addGenesisEthKey(doc.app_state["checkpoint"], info.address, node.ethKey.address);
    doc.app_state["checkpoint"] = addGenesisBlsKey(
      doc.app_state["checkpoint"],
      info.address,
      node.blsKey.publicKey,
      node.blsKey.proofOfPossession,
    );
    bonded.push({
      operator: info.address,
      consPubKey: node.keys.validatorKey.pubKey,
      moniker: `node${i}`,
      selfDelegation: DEFAULT_SELF_DELEGATION,
    });
  }
  doc = addBondedValidators(doc, bonded);
  if (scheme === "bls") doc.app_state["checkpoint"] = setGenesisCheckpointScheme(doc.app_state["checkpoint"], "bls");

  const keyring = new Keyring({ home: homes[0]!, backend: "test" });
  const accounts: Record<string, string> = {};
  for (const name of o.accounts
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    const mnemonic = generateMnemonic();
    const derived = deriveFromMnemonic(mnemonic, cosmosHdPath());
    const info = await keyring.add(name, derived.privKey, { hdPath: cosmosHdPath() });
    writeFileSync(join(homes[0]!, `${name}.mnemonic`), `${mnemonic}\n`, { mode: 0o600 });
    doc = addGenesisAccount(doc, info.address, funds);
    accounts[name] = info.address;
  }
  const feeder = o.feeder;
  if (feeder !== undefined) {
    const address = accounts[feeder];
    if (address === undefined) throw cliErrors.badArgument(`--feeder ${feeder} is not one of --accounts`);
    doc.app_state["oracle"] = addOracleFeeder(doc.app_state["oracle"], address, 1n);
  }
  let l1: LocalL1 | undefined;
  if (o.l1Rpc !== undefined) {
    // ethers and the contracts load only when a local L1 is wanted.
    const [{ deployLocalL1, LOCAL_L1_DEPOSITORS }, { HARDHAT_KEYS }] = await Promise.all([
      import("./testnetL1.js"),
      import("../../chain/l1/hardhatNode.js"),
    ]);
    // On Hardhat's chain (no --l1-key) two of its well-known accounts get mock USDC to deposit with.
    l1 = await deployLocalL1(doc, {
      l1Rpc: o.l1Rpc,
      l1Key: o.l1Key ?? HARDHAT_KEYS[0],
      scheme,
      fund: o.l1Key === undefined ? LOCAL_L1_DEPOSITORS : [],
    });
    // Every validator watches the contract's deposits and attests them from its feeder key
    // (registered for it above). A local L1 (Hardhat's automine) has no reorgs: no depth.
    for (const node of nodes)
      node.cfg.bridge = {
        ...node.cfg.bridge,
        enable: true,
        l1Rpc: o.l1Rpc,
        contract: l1.settlement,
        confirmations: 0,
        startBlock: l1.deployBlock,
      };
  }
  for (const node of nodes) {
    writeConfig(node.home, node.cfg);
    writeGenesis(resolveHomePath(node.home, node.cfg.genesisFile), doc);
  }

  const out = {
    chain_id: chainId,
    nodes: nodes.map((x, i) => ({
      home: x.home,
      p2p: x.cfg.p2p.laddr,
      rpc: x.cfg.rpc.laddr,
      peer_id: x.peerId,
      validator_address: toHex(x.keys.validatorKey.address).toUpperCase(),
      eth_address: x.ethKey.address,
      moniker: `node${i}`,
    })),
    accounts,
    ...(l1 === undefined
      ? {}
      : {
          l1: {
            rpc: o.l1Rpc,
            chain_id: l1.l1ChainId.toString(),
            settlement: l1.settlement,
            usdc: l1.usdc,
            scheme,
            funded: l1.funded.map((f) => ({ address: f.address, key: f.key, usdc: f.amount.toString() })),
          },
        }),
  };
  print(g.output, out, () =>
    [
      `Created ${n} validator homes for ${chainId} in ${o.output}:`,
      ...out.nodes.map((x) => `  ${x.home}  p2p ${x.p2p}  rpc ${x.rpc}`),
      `Accounts in ${homes[0]} (--keyring-backend test): ${Object.keys(accounts).join(", ") || "none"}`,
      ...(l1 === undefined ? [] : [`L1 ${o.l1Rpc}: settlement ${l1.settlement} (${scheme}), mock USDC ${l1.usdc}`]),
      ...(l1?.funded.map((f) => `  ${f.address} holds ${f.amount / 1_000_000n} mock USDC (L1 key ${f.key})`) ?? []),
      `Start each with: strike start --home ${join(o.output, "node<i>")}`,
    ].join("\n"),
  );
}
