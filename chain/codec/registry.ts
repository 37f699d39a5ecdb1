/**
 * The type-URL registry: every protobuf message Strike accepts inside an `Any`, from the
 * Cosmos SDK (via cosmjs-types) and from Strike's own `proto/` (generated into
 * `chain/codec/generated/`). It is a plain @cosmjs/proto-signing `Registry`, so clients
 * and the chain agree on type URLs by construction.
 */
import { Registry, type GeneratedType } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { Receipt, SignedReceipt } from "./generated/strike/sequencer/v1/receipt.js";

/** Strike's own message types, by type URL. */
export const strikeTypes: ReadonlyArray<[string, GeneratedType]> = [
  ["/strike.sequencer.v1.Receipt", Receipt],
  ["/strike.sequencer.v1.SignedReceipt", SignedReceipt],
];

/** A registry with the Cosmos SDK's default types plus Strike's own. */
export function createStrikeRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...strikeTypes]);
}
