export * from "./constants.js";
export * from "./errors.js";
export type * from "./types.js";
export * from "./coins.js";
export * from "./address.js";
export * from "./validate.js";
export * from "./genesis.js";
export * from "./sequencer.js";
