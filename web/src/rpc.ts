/** One websocket to the node: JSON-RPC calls by id, and topic messages pushed with their subscribe call's id. */
import { jsonRpcAbciQuerier } from "../../chain/client/jsonRpc.js";
import { strikeQueries, type StrikeQueries } from "../../chain/client/strikeQueries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";

export type Push = (result: unknown) => void;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class NodeSocket {
  private ws: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pushes = new Map<number, Push>();
  onStatus: (up: boolean) => void = () => {};

  constructor(private readonly url: string) {}

  async open(): Promise<void> {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`cannot connect to ${this.url}`));
    });
    this.onStatus(true);
    ws.onclose = () => this.onStatus(false);
    ws.onmessage = (ev: MessageEvent<string>) => {
      const msg = JSON.parse(ev.data) as { id: number; result?: unknown; error?: { message: string; data?: string } };
      const waiting = this.pending.get(msg.id);
      if (waiting !== undefined) {
        this.pending.delete(msg.id);
        if (msg.error !== undefined) waiting.reject(new Error(`${msg.error.message} ${msg.error.data ?? ""}`));
        else waiting.resolve(msg.result);
        return;
      }
      if (msg.result !== undefined) this.pushes.get(msg.id)?.(msg.result);
    };
  }

  call<T>(method: string, params: Record<string, string> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws!.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  /** Subscribes and routes the pushed messages to `push`; resolves with the call's answer and its id. */
  async subscribe<T>(method: string, params: Record<string, string>, push: Push): Promise<{ id: number; answer: T }> {
    const id = this.nextId;
    this.pushes.set(id, push);
    try {
      return { id, answer: await this.call<T>(method, params) };
    } catch (e) {
      this.pushes.delete(id);
      throw e;
    }
  }

  /** Stops routing a subscription's messages and tells the node. */
  async unsubscribe(id: number, method: string, params: Record<string, string>): Promise<void> {
    this.pushes.delete(id);
    await this.call(method, params).catch(() => undefined);
  }
}

/** The chain's typed query clients (chain/client/), over this socket's `abci_query`. */
export function nodeQueries(node: NodeSocket): StrikeQueries {
  return strikeQueries(createQueryRpc(jsonRpcAbciQuerier((method, params) => node.call(method, params))));
}
