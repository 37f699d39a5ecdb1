/**
 * Strike knows no extension options, so any in `extension_options` is rejected (sdk 31), as
 * Cosmos' RejectExtensionOptionsDecorator. `non_critical_extension_options` are by
 * definition safe to ignore, and cosmjs/Keplr may set them, so they are ignored as in Cosmos.
 */
import { sdkErrors } from "../../types/errors.js";
import type { AnteStep } from "./types.js";

export const rejectExtensionOptions: AnteStep = (_ctx, tx) => {
  const first = tx.body.extensionOptions[0];
  if (first !== undefined) throw sdkErrors.unknownExtensionOptions(`unknown extension option ${first.typeUrl}`);
};
