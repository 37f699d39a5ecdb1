// Flat config: typescript-eslint's recommended rules plus the house rules of STYLE.md.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "chain/codec/generated/",
      "contracts/generated/",
      "bench/results/",
      ".localnet/",
      // Untracked by .gitignore (scratch files, test output): they must not fail the build.
      "tmp/",
      "test/output/",
      "eslint.config.js",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Named exports only (STYLE.md)." },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The state machine reports failures as typed, registered errors: they are consensus data.
    files: ["modules/**/*.ts", "chain/runtime/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Named exports only (STYLE.md)." },
        { selector: "ThrowStatement > NewExpression[callee.name='Error']", message: "Throw a registered StrikeError." },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: "No randomness in the state machine.",
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: "No clock in the state machine: use the block time.",
        },
        {
          selector: "NewExpression[callee.name='Date']",
          message: "No clock in the state machine: use the block time.",
        },
      ],
    },
  },
);
