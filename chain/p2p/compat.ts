/**
 * libp2p 3 and its helpers call `Promise.withResolvers` (ES2024, Node 22); Node 20 lacks it.
 * This installs the spec's behaviour when, and only when, it is missing. Imported for its
 * effect by host.ts before anything of libp2p can run.
 */
type Resolvers = { promise: Promise<unknown>; resolve: (v: unknown) => void; reject: (r?: unknown) => void };

if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers(this: PromiseConstructor): Resolvers {
      let resolve!: (v: unknown) => void;
      let reject!: (r?: unknown) => void;
      const promise = new this<unknown>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
