/**
 * Compiles contracts/*.sol with the pinned npm `solc` (no compiler download, so it works
 * offline) and writes ABI + bytecode to contracts/generated/<Contract>.json. The output is
 * committed like the protobuf code; scripts/contracts-check.sh fails when it is stale.
 *
 *   npx tsx contracts/build.ts [outDir]
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import solc from "solc";

const sourceDir = import.meta.dirname;
const outDir = resolve(process.argv[2] ?? join(sourceDir, "generated"));
/** The contracts a deployment uses; libraries and interfaces are compiled into them. */
const deployable = ["EcdsaSettlement", "BlsSettlement", "MockUSDC"];

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

const sources: Record<string, { content: string }> = {};
for (const f of readdirSync(sourceDir)
  .filter((n) => n.endsWith(".sol"))
  .sort()) {
  sources[f] = { content: readFileSync(join(sourceDir, f), "utf8") };
}

const input = {
  language: "Solidity",
  sources,
  settings: {
    evmVersion: "prague",
    optimizer: { enabled: true, runs: 1000 },
    // No metadata hash: the bytecode then depends only on the sources and these settings.
    metadata: { bytecodeHash: "none", appendCBOR: false },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
for (const e of output.errors ?? []) process.stderr.write(e.formattedMessage + "\n");
if (errors.length > 0) process.exit(1);

mkdirSync(outDir, { recursive: true });
for (const name of deployable) {
  const contract = output.contracts[`${name}.sol`]?.[name];
  if (contract === undefined) {
    process.stderr.write(`contract ${name} not found in ${name}.sol\n`);
    process.exit(1);
  }
  const artifact = {
    contractName: name,
    compiler: `solc ${solc.version()}`,
    evmVersion: "prague",
    abi: contract.abi,
    bytecode: "0x" + contract.evm.bytecode.object,
  };
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
}
process.stdout.write(`compiled ${deployable.join(", ")} into ${outDir}\n`);
