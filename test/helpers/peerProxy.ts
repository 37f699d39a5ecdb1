/**
 * Loopback TCP proxies between validators, for partition tests. Each ordered pair (i -> j)
 * gets its own listening port that forwards to j's p2p port; node i's persistent_peers name
 * j through it, so every byte between i and j crosses one proxy. Cutting a pair FREEZES its
 * streams: bytes are held, not dropped, and flow again on heal, as TCP does across a
 * partition shorter than its retransmission timeout (connections survive, nothing is
 * reordered). New connections made while cut are held the same way.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

interface Pipe {
  /** "i>j": node i dialled node j through this pipe. */
  route: string;
  from: Socket;
  to: Socket;
  held: { dir: "up" | "down"; data: Buffer }[];
}

export interface PeerProxy {
  /** The port node `from` must dial to reach node `to`. */
  port(from: number, to: number): number;
  /** Cuts every pair between the groups (each node in at most one group; others untouched). */
  cut(groupA: readonly number[], groupB: readonly number[]): void;
  /** Restores every pair and releases what was held. */
  heal(): void;
  /** Destroys the TCP connections node `from` dialled to node `to` (a connection lost; the other direction stays). */
  reset(from: number, to: number): number;
  close(): Promise<void>;
}

const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

export async function startPeerProxy(targets: readonly number[]): Promise<PeerProxy> {
  const servers: Server[] = [];
  const ports = new Map<string, number>();
  const cutPairs = new Set<string>();
  const pipes = new Map<string, Set<Pipe>>();

  const forward = (p: Pipe, dir: "up" | "down", pair: string, data: Buffer) => {
    if (cutPairs.has(pair) || p.held.length > 0) p.held.push({ dir, data });
    else (dir === "up" ? p.to : p.from).write(data);
  };

  for (let from = 0; from < targets.length; from++) {
    for (let to = 0; to < targets.length; to++) {
      if (from === to) continue;
      const pair = key(from, to);
      const server = createServer((client) => {
        const upstream = connect(targets[to]!, "127.0.0.1");
        const p: Pipe = { route: `${from}>${to}`, from: client, to: upstream, held: [] };
        const set = pipes.get(pair) ?? new Set<Pipe>();
        pipes.set(pair, set);
        set.add(p);
        const end = () => {
          set.delete(p);
          client.destroy();
          upstream.destroy();
        };
        client.on("data", (d: Buffer) => forward(p, "up", pair, d));
        upstream.on("data", (d: Buffer) => forward(p, "down", pair, d));
        client.on("error", end).on("close", end);
        upstream.on("error", end).on("close", end);
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("proxy has no port");
      ports.set(`${from}>${to}`, address.port);
      servers.push(server);
    }
  }

  return {
    port(from, to) {
      const p = ports.get(`${from}>${to}`);
      if (p === undefined) throw new Error(`no proxy ${from}>${to}`);
      return p;
    },
    cut(groupA, groupB) {
      for (const a of groupA) for (const b of groupB) if (a !== b) cutPairs.add(key(a, b));
    },
    heal() {
      cutPairs.clear();
      for (const set of pipes.values()) {
        for (const p of set) {
          for (const h of p.held.splice(0)) (h.dir === "up" ? p.to : p.from).write(h.data);
        }
      }
    },
    reset(from, to) {
      let n = 0;
      for (const p of [...(pipes.get(key(from, to)) ?? [])]) {
        if (p.route !== `${from}>${to}`) continue;
        p.from.destroy();
        p.to.destroy();
        n++;
      }
      return n;
    },
    async close() {
      for (const set of pipes.values()) {
        for (const p of set) {
          p.from.destroy();
          p.to.destroy();
        }
      }
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
