/** Recent blocks with their time to commit (block time since the previous block), and the validator set. */
import { fill, row } from "./format.js";
import type { ReceiptsView } from "./receipts.js";
import type { NodeSocket } from "./rpc.js";

interface HeaderJson {
  height: string;
  time: string;
  proposer_address: string;
}

const MAX_ROWS = 15;

export class BlocksView {
  private readonly rows: { h: HeaderJson; txs: number }[] = [];

  constructor(
    private readonly node: NodeSocket,
    private readonly receipts: ReceiptsView,
  ) {}

  async start(): Promise<void> {
    const status = await this.node.call<{ sync_info: { latest_block_height: string } }>("status");
    const top = BigInt(status.sync_info.latest_block_height);
    const from = top > BigInt(MAX_ROWS) ? top - BigInt(MAX_ROWS) + 1n : 1n;
    const chain = await this.node.call<{ block_metas: { header: HeaderJson; num_txs: string }[] }>("blockchain", {
      minHeight: from.toString(),
      maxHeight: top.toString(),
    });
    for (const m of [...chain.block_metas].reverse()) this.rows.push({ h: m.header, txs: Number(m.num_txs) });
    this.render();
    await this.validators();
    await this.node.subscribe("subscribe", { query: "tm.event='NewBlock'" }, (r) => {
      const block = (r as { data: { value: { block: { header: HeaderJson; data: { txs: string[] | null } } } } }).data
        .value.block;
      this.rows.push({ h: block.header, txs: block.data.txs?.length ?? 0 });
      if ((block.data.txs ?? []).length > 0) void this.receipts.block(block.header.height, block.data.txs ?? []);
      if (this.rows.length > MAX_ROWS + 1) this.rows.shift();
      this.render();
    });
  }

  private render(): void {
    const out: HTMLTableRowElement[] = [];
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const { h, txs } = this.rows[i]!;
      const prev = this.rows[i - 1]?.h;
      const ms = prev === undefined ? undefined : Date.parse(h.time) - Date.parse(prev.time);
      out.push(
        row([
          h.height,
          new Date(Date.parse(h.time)).toISOString().slice(11, 23),
          ms === undefined ? "–" : `${ms} ms`,
          String(txs),
          `${h.proposer_address.slice(0, 12)}…`,
        ]),
      );
    }
    fill(document.querySelector("#blocks tbody")!, out.slice(0, MAX_ROWS));
  }

  private async validators(): Promise<void> {
    const v = await this.node.call<{ validators: { address: string; voting_power: string }[] }>("validators", {});
    const total = v.validators.reduce((s, x) => s + BigInt(x.voting_power), 0n);
    fill(
      document.querySelector("#validators tbody")!,
      v.validators.map((x) =>
        row([x.address, x.voting_power, total === 0n ? "–" : `${(BigInt(x.voting_power) * 10000n) / total / 100n}%`]),
      ),
    );
  }
}
