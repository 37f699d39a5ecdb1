// The local L1 for tests, benchmarks and `make start`: Hardhat 2's in-process chain
// (hardfork prague, so the EIP-2537 BLS12-381 precompiles exist). Contracts are compiled
// by contracts/build.ts, never by Hardhat (which would download a compiler).
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: "prague",
      // Deterministic local accounts from Hardhat's well-known test mnemonic.
      accounts: { count: 10 },
    },
  },
};
