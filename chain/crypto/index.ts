export { sha256 } from "./hash.js";
export * from "./secp256k1.js";
export * from "./ed25519.js";
export * from "./address.js";
export * from "./sigCache.js";
