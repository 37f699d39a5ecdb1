/** The candle chart (lightweight-charts, bundled): history from strike_candles, live bars from the `candles` topic. */
import { CandlestickSeries, createChart, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";

export interface CandleJson {
  open_time: string;
  open: string;
  high: string;
  low: string;
  close: string;
}

const usdc = (v: string): number => Number(v) / 1e6;

export class CandleChart {
  private readonly series: ISeriesApi<"Candlestick">;

  constructor(el: HTMLElement) {
    const chart = createChart(el, {
      autoSize: true,
      layout: { background: { color: "#161d25" }, textColor: "#d8dee4" },
      grid: { vertLines: { color: "#222b35" }, horzLines: { color: "#222b35" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    this.series = chart.addSeries(CandlestickSeries, {
      upColor: "#3fb68b",
      downColor: "#ff5353",
      borderVisible: false,
      wickUpColor: "#3fb68b",
      wickDownColor: "#ff5353",
    });
  }

  private bar(c: CandleJson) {
    return {
      time: Number(c.open_time) as UTCTimestamp,
      open: usdc(c.open),
      high: usdc(c.high),
      low: usdc(c.low),
      close: usdc(c.close),
    };
  }

  set(candles: CandleJson[]): void {
    this.series.setData(candles.map((c) => this.bar(c)));
  }

  update(c: CandleJson): void {
    this.series.update(this.bar(c));
  }
}
