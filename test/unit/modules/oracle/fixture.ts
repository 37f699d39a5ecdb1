/** An oracle keeper and module on the in-memory store, driven block by block. */
import { MsgRegisterFeeder, MsgSubmitPrices } from "../../../../chain/codec/generated/strike/oracle/v1/tx.js";
import { addressToBech32 } from "../../../../chain/crypto/address.js";
import { createContext } from "../../../../chain/runtime/context.js";
import { createGasMeter } from "../../../../chain/runtime/gas.js";
import type { Context, ExecMode, MsgRoute } from "../../../../chain/runtime/types.js";
import { createMemoryKV } from "../../../../chain/store/memoryKv.js";
import { toHex } from "../../../../chain/types/bytes.js";
import type { AbciEvent } from "../../../../chain/types/abci.js";
import {
  createOracleKeeper,
  createOracleModule,
  type OracleKeeper,
  type OracleKeeperOptions,
} from "../../../../modules/oracle/index.js";
import { createQueryContext } from "../../../../chain/runtime/context.js";

export const GENESIS_TIME = 1_700_000_000n;

/** A deterministic account address: 20 bytes of `n`. */
export function feederAddress(n: number): string {
  return addressToBech32(new Uint8Array(20).fill(n));
}

export interface OracleFixture {
  keeper: OracleKeeper;
  ctxAt(height: bigint, mode?: ExecMode): Context;
  /** Runs MsgSubmitPrices through its route (validateBasic, then handle) in block `height`. */
  submit(height: bigint, feeder: string, prices: Record<string, string> | [string, string][]): AbciEvent[];
  /** Runs MsgRegisterFeeder through its route (validateBasic, then handle) in block `height`. */
  register(height: bigint, operator: string, feeder: string): AbciEvent[];
  /** The accounts that must sign a MsgRegisterFeeder. */
  registerSigners(operator: string, feeder: string): string[];
  endBlock(height: bigint): AbciEvent[];
  query(path: string, data: Uint8Array, height: bigint): Uint8Array;
  /** Every key and value in the store, for "nothing changed" checks. */
  snapshot(): string;
}

export function oracleGenesis(
  feeders: [string, number][],
  params: Record<string, string> = {},
  assets: [string, string][] = [
    ["BTC", "60000"],
    ["ETH", "3000"],
  ],
): unknown {
  return {
    params,
    assets: assets.map(([asset, price]) => ({ asset, price })),
    feeders: feeders.map(([address, weight]) => ({ address, weight: String(weight) })),
  };
}

export function createOracleFixture(
  genesis: unknown,
  options: OracleKeeperOptions & { secondsPerBlock?: bigint } = {},
): OracleFixture {
  const store = createMemoryKV();
  const keeper = createOracleKeeper(options);
  const perBlock = options.secondsPerBlock ?? 1n;
  const module = createOracleModule(keeper);
  const route = module.msgs![0]! as MsgRoute<MsgSubmitPrices>;
  const registerRoute = module.msgs![1]! as MsgRoute<MsgRegisterFeeder>;
  const ctxAt = (height: bigint, mode: ExecMode = "finalize"): Context =>
    createContext({
      block: { chainId: "strike-test-1", height, time: { seconds: GENESIS_TIME + height * perBlock, nanos: 0 } },
      mode,
      store,
      gasMeter: createGasMeter(undefined),
    });
  module.initGenesis!(ctxAt(1n, "genesis"), genesis);
  return {
    keeper,
    ctxAt,
    submit(height, feeder, prices) {
      const msg = route.decode(
        MsgSubmitPrices.encode({
          feeder,
          prices: (Array.isArray(prices) ? prices : Object.entries(prices)).map(([asset, price]) => ({ asset, price })),
        }).finish(),
      );
      route.validateBasic(msg);
      const ctx = ctxAt(height);
      route.handle(ctx, msg);
      return [...ctx.events.events];
    },
    register(height, operator, feeder) {
      const msg = registerRoute.decode(MsgRegisterFeeder.encode({ operator, feeder }).finish());
      registerRoute.validateBasic(msg);
      const ctx = ctxAt(height);
      registerRoute.handle(ctx, msg);
      return [...ctx.events.events];
    },
    registerSigners: (operator, feeder) => registerRoute.signers({ operator, feeder }),
    endBlock(height) {
      const ctx = ctxAt(height);
      module.endBlock!(ctx);
      return [...ctx.events.events];
    },
    query(path, data, height) {
      const r = module.queries!.find((q) => q.path === path)!;
      return r.handle(createQueryContext(store, height, { seconds: GENESIS_TIME + height * perBlock, nanos: 0 }), data);
    },
    snapshot: () => [...store.iterator()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`).join("\n"),
  };
}

export function attr(e: AbciEvent, key: string): string | undefined {
  return e.attributes.find((a) => a.key === key)?.value;
}
