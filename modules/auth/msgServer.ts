/**
 * auth has no user messages (MsgUpdateParams needs governance, which Strike does not have
 * yet); signatures, sequences and fees are the ante pipeline's job (chain/runtime/ante).
 */
import type { MsgRoute } from "../../chain/runtime/types.js";

export const authMsgRoutes: readonly MsgRoute<unknown>[] = [];
