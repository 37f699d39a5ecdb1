// The layer map of ARCHITECTURE.md ("Components and their rooms"), enforced: `make layers`
// (part of `make test`). Paths are relative to the folder the checker runs in. Each rule
// names what it keeps apart; test/unit/layers.test.ts shows every rule firing on a
// deliberate violation.
//
// Direction: cli → app → {rpc, p2p, mempool, sequencer, consensus, indexer} → runtime → store
// → types. Modules sit beside the runtime and are wired in by app/ (the composition root).
// chain/ is the framework and never imports the exchange (modules/) or anything above it.

/** What each chain/ folder may import inside chain/, besides itself. */
const CHAIN_LAYERS = {
  codec: [],
  types: ["codec"],
  crypto: ["types", "codec"],
  store: ["types", "crypto", "codec"],
  runtime: ["store", "types", "crypto", "codec"],
  // The driver persists blocks and its WAL through the store's Database interface.
  consensus: ["store", "types", "crypto", "codec"],
  p2p: ["types", "crypto", "codec"],
  mempool: ["runtime", "types", "crypto", "codec"],
  sequencer: ["consensus", "mempool", "runtime", "store", "types", "crypto", "codec"],
  indexer: ["store", "types", "crypto", "codec"],
  rpc: ["indexer", "store", "types", "crypto", "codec"],
  l1: ["types", "crypto", "codec"],
  // Typed query clients composed from the proto services: used by the CLI, tests, benchmarks, relayer.
  client: ["types", "codec"],
};

const ABOVE_CHAIN = "^(modules|genesis|feeder|app|cli|relayer|web|test|bench|bin)/";

const chainLayerRules = Object.entries(CHAIN_LAYERS).map(([layer, allowed]) => ({
  name: `chain-${layer}-layer`,
  comment: `chain/${layer}/ may import only ${allowed.length ? allowed.map((a) => `chain/${a}/`).join(", ") : "nothing else in chain/"} (the layer map).`,
  severity: "error",
  from: { path: `^chain/${layer}/` },
  to: { path: "^chain/", pathNot: `^chain/(${[layer, ...allowed].join("|")})/` },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycles, type-only ones included: a cycle means two rooms that are really one.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "chain-is-the-framework",
      comment: "chain/ (runtime, consensus, store, …) never imports the exchange or anything above it.",
      severity: "error",
      from: { path: "^chain/" },
      to: { path: ABOVE_CHAIN },
    },
    ...chainLayerRules,
    {
      name: "modules-meet-through-expected-keepers",
      comment: "A module reaches another only through the interfaces in its expectedKeepers.ts.",
      severity: "error",
      from: { path: "^modules/([^/]+)/", pathNot: "^modules/[^/]+/expectedKeepers\\.ts$" },
      to: { path: "^modules/", pathNot: "^modules/$1/" },
    },
    {
      name: "module-internals-stay-inside",
      comment:
        "A module's state, keeper, msg and query servers and registration are its own: others reach it through its index.ts (app/, genesis/) or the interfaces of their expectedKeepers.ts, never by importing its setters. Pure helpers (units, encodings, validation) stay importable for clients.",
      severity: "error",
      // $1 is the importer's own module (or top folder), so a module's files may use each other.
      from: { path: "^(modules/[^/]+/|[^/]+/)", pathNot: "^(test|bench)/" },
      to: { path: "^modules/[^/]+/(state|keeper|msgServer|queryServer|module|[a-zA-Z]+State)\\.ts$", pathNot: "^$1" },
    },
    {
      name: "modules-below-the-node",
      comment: "The state machine does not import the node's services (consensus, p2p, rpc, …) or anything above it.",
      severity: "error",
      from: { path: "^modules/" },
      to: {
        path: "^(genesis|feeder|app|cli|relayer|web|test|bench|bin)/|^chain/(node|rpc|p2p|mempool|indexer|consensus)/",
        // Pure functions: the canonical header encodings and Merkle trees that receipt
        // violations are proven against (modules/receipts).
        pathNot: "^chain/consensus/(merkle|encoding)\\.ts$",
      },
    },
    {
      name: "relayer-uses-client-code",
      comment: "The relayer talks to the chain as a client: never module internals, the node or the app.",
      severity: "error",
      from: { path: "^relayer/" },
      to: {
        path: "^(modules|app|cli|genesis|feeder)/|^chain/(node|consensus|p2p|mempool|runtime|store)/",
        pathNot: "^chain/node/logger\\.ts$",
      },
    },
    {
      name: "nothing-imports-the-cli",
      comment: "cli/ is the top: only itself, bin/ and tests may import it.",
      severity: "error",
      from: { pathNot: "^(cli|bin|test)/" },
      to: { path: "^cli/" },
    },
    {
      name: "app-is-not-a-library",
      comment: "The composition root is imported only by the CLI, tests and benchmarks.",
      severity: "error",
      from: { pathNot: "^(app|cli|bin|test|bench)/" },
      to: { path: "^app/" },
    },
    {
      name: "no-test-code-in-the-product",
      comment: "Tests and benchmarks import the product, never the other way round.",
      severity: "error",
      from: { pathNot: "^(test|bench)/" },
      to: { path: "^(test|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["es6", "cjs"],
  },
};
