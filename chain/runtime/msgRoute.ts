/**
 * One message's route, as every msg server builds it: the codec that decodes the message,
 * the address that signs it, its stateless checks, and a handler whose result is encoded as
 * the message's response (the type URL with `Response` appended, as the SDK names them).
 */
import type { Context, MsgRoute } from "./types.js";

export interface MsgRouteSpec<M, R> {
  module: string;
  typeUrl: string;
  codec: { decode(bytes: Uint8Array): M };
  response: { encode(r: R): { finish(): Uint8Array } };
  /** The one address that must sign. */
  signer(m: M): string;
  /** Stateless checks, before the ante pipeline; throws a StrikeError. */
  validateBasic(m: M): void;
  handle(ctx: Context, m: M): R;
}

export function msgRoute<M, R>(s: MsgRouteSpec<M, R>): MsgRoute<unknown> {
  const route: MsgRoute<M> = {
    typeUrl: s.typeUrl,
    module: s.module,
    decode: (b) => s.codec.decode(b),
    signers: (m) => [s.signer(m)],
    validateBasic: (m) => s.validateBasic(m),
    handle: (ctx, m) => ({ typeUrl: `${s.typeUrl}Response`, value: s.response.encode(s.handle(ctx, m)).finish() }),
  };
  return route as MsgRoute<unknown>;
}
