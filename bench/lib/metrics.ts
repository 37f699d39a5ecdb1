/** Reads a node's Prometheus endpoint in a benchmark. */

/** Every sample of the metric `name`, keyed by its label set as printed (`{step="finalize",result="reused"}`). */
export async function samples(metricsUrl: string, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^(\S+?)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    out[m[2] ?? ""] = Number(m[3]);
  }
  return out;
}
