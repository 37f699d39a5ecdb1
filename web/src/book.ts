/** The chosen market's book: snapshot + deltas from the `book` topic, a ladder and a depth chart. */
import { fill, row } from "./format.js";
import { price, units } from "./numbers.js";

type Level = [string, string];

export interface BookMessage {
  market: string;
  seq: string;
  snapshot: boolean;
  bids: Level[];
  asks: Level[];
}

export class BookView {
  private bids = new Map<string, string>();
  private asks = new Map<string, string>();
  private seq = -1n;
  sizeDecimals = 0;

  /** Applies a snapshot or the next delta; false when a delta does not follow (a gap: resubscribe). */
  apply(m: BookMessage): boolean {
    const seq = BigInt(m.seq);
    if (m.snapshot) {
      this.bids = new Map(m.bids);
      this.asks = new Map(m.asks);
    } else {
      if (seq !== this.seq + 1n) return false;
      for (const [p, s] of m.bids)
        if (s === "0") this.bids.delete(p);
        else this.bids.set(p, s);
      for (const [p, s] of m.asks)
        if (s === "0") this.asks.delete(p);
        else this.asks.set(p, s);
    }
    this.seq = seq;
    this.render(m.market);
    return true;
  }

  private sorted(side: Map<string, string>, descending: boolean): Level[] {
    return [...side].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1) * (descending ? -1 : 1));
  }

  render(market: string): void {
    document.getElementById("book-market")!.textContent = market;
    document.getElementById("book-seq")!.textContent = `seq ${this.seq}`;
    const bids = this.sorted(this.bids, true);
    const asks = this.sorted(this.asks, false);
    const size = (s: string) => units(s, this.sizeDecimals);
    fill(document.querySelector("#ladder tbody")!, [
      ...asks
        .slice(0, 12)
        .reverse()
        .map(([p, s]) => row([[price(p), "ask"], size(s)])),
      ...bids.slice(0, 12).map(([p, s]) => row([[price(p), "bid"], size(s)])),
    ]);
    drawDepth(document.getElementById("depth") as HTMLCanvasElement, bids, asks);
  }
}

const BID = "rgba(63,182,139,0.5)";
const ASK = "rgba(255,83,83,0.5)";

/** Cumulative size against price, bids left of the mid and asks right (display only: floats are fine here). */
function drawDepth(canvas: HTMLCanvasElement, bids: Level[], asks: Level[]): void {
  const g = canvas.getContext("2d")!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (bids.length + asks.length === 0) return;
  const cum = (levels: Level[]) => {
    let total = 0;
    return levels.map(([p, s]) => [Number(p), (total += Number(s))] as const);
  };
  const b = cum(bids);
  const a = cum(asks);
  const prices = [...b, ...a].map(([p]) => p);
  // A lone level (or one price) still gets a visible range: ±0.5% around it.
  const lo = Math.min(...prices) * 0.995;
  const hi = Math.max(...prices) * 1.005;
  const top = Math.max(...[...b, ...a].map(([, c]) => c));
  const x = (p: number) => (hi === lo ? canvas.width / 2 : ((p - lo) / (hi - lo)) * (canvas.width - 20) + 10);
  const y = (c: number) => canvas.height - 10 - (c / top) * (canvas.height - 20);
  const area = (pts: (readonly [number, number])[], colour: string) => {
    if (pts.length === 0) return;
    g.beginPath();
    // A step line out to the edge of the chart: bids step down to the left, asks to the right.
    const edge = colour === BID ? lo : hi;
    g.moveTo(x(pts[0]![0]), canvas.height - 10);
    for (const [p, c] of pts) g.lineTo(x(p), y(c));
    g.lineTo(x(edge), y(pts[pts.length - 1]![1]));
    g.lineTo(x(edge), canvas.height - 10);
    g.closePath();
    g.fillStyle = colour;
    g.fill();
  };
  area(b, BID);
  area(a, ASK);
}
