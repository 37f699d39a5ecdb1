/**
 * One message's route, as every msg server builds it: the codec that decodes the message,
 * the address that signs it, its stateless checks, and a handler whose result is encoded as
 * the message's response (the type URL with `Response` appended, as the SDK names them).
 */
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { encodeMessage, type MessageEncoder } from "../codec/encode.js";
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
  const responseTypeUrl = `${s.typeUrl}Response`;
  /**
   * Strike's generated codecs (ts-proto over @bufbuild's wire format) take a writer, and one
   * reused writer spares a fresh one's buffer per response (encode.ts): ~20 µs of an order's
   * delivery went there. Other codecs (cosmjs-types') are told apart by the writer their
   * first encode returns.
   */
  let reusable: boolean | undefined;
  const encode = (r: R): Uint8Array => {
    if (reusable === true) return encodeMessage(s.response as unknown as MessageEncoder<R>, r);
    const w = s.response.encode(r);
    reusable ??= w instanceof BinaryWriter;
    return w.finish();
  };
  const route: MsgRoute<M> = {
    typeUrl: s.typeUrl,
    module: s.module,
    decode: (b) => s.codec.decode(b),
    signers: (m) => [s.signer(m)],
    validateBasic: (m) => s.validateBasic(m),
    handle: (ctx, m) => ({ typeUrl: responseTypeUrl, value: encode(s.handle(ctx, m)) }),
  };
  return route as MsgRoute<unknown>;
}
