/**
 * Websocket clients that follow every block as the web dashboard does
 * (`subscribe tm.event='NewBlock'`) and read everything, so a benchmark can show what each
 * open dashboard costs a node.
 */
import WebSocket from "ws";

export interface BlockWatchers {
  /** Blocks and bytes each watcher has received so far. */
  received(): { blocks: number; bytes: number }[];
  close(): void;
}

export async function watchBlocks(wsUrl: string, count: number): Promise<BlockWatchers> {
  const sockets: WebSocket[] = [];
  const stats = Array.from({ length: count }, () => ({ blocks: 0, bytes: 0 }));
  await Promise.all(
    stats.map(async (s, i) => {
      const ws = new WebSocket(wsUrl);
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      await new Promise<void>((resolve, reject) => {
        ws.once("message", (data: Buffer) => {
          const reply = JSON.parse(data.toString()) as { error?: { message?: string } };
          if (reply.error !== undefined)
            reject(new Error(`watcher ${i}: ${reply.error.message ?? "subscribe failed"}`));
          else resolve();
        });
        ws.send(
          JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlock'" } }),
        );
      });
      ws.on("message", (data: Buffer) => {
        s.blocks++;
        s.bytes += data.length;
      });
    }),
  );
  return {
    received: () => stats.map((s) => ({ ...s })),
    close: () => {
      for (const ws of sockets) ws.terminate();
    },
  };
}
