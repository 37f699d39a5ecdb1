/** What `strike query bank|auth|tx` do when they run (query.ts defines them): cosmjs query clients. */
import type { Command } from "commander";
import { connectQueryClient, withNode } from "../client.js";
import { addressArg, globalOptions, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { print, toText } from "../output.js";

async function withQueryClient<T>(
  g: GlobalOptions,
  fn: (c: Awaited<ReturnType<typeof connectQueryClient>>) => Promise<T>,
): Promise<T> {
  const c = await connectQueryClient(g.node);
  try {
    return await withNode(g.node, () => fn(c));
  } finally {
    c.client.disconnect();
  }
}

export async function queryBalances(addr: string, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const address = addressArg(g, addr);
  const balances = await withQueryClient(g, ({ client }) => client.getAllBalances(address));
  print(g.output, { balances }, () =>
    balances.length === 0
      ? `${address} has no balances`
      : balances.map((c) => `${c.amount.padStart(20)} ${c.denom}`).join("\n"),
  );
}

export async function queryAccount(addr: string, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const address = addressArg(g, addr);
  const acc = await withQueryClient(g, ({ client }) => client.getAccount(address));
  if (acc === null)
    throw cliErrors.notFound(`account ${address} does not exist on chain (it has never received coins)`);
  const out = {
    "@type": "/cosmos.auth.v1beta1.BaseAccount",
    address: acc.address,
    pub_key: acc.pubkey === null ? null : { "@type": acc.pubkey.type, key: acc.pubkey.value as unknown },
    account_number: String(acc.accountNumber),
    sequence: String(acc.sequence),
  };
  print(g.output, out);
}

export async function queryTx(hash: string, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(hash)) throw cliErrors.badArgument(`"${hash}" is not a 64-character hex tx hash`);
  const h = hash.replace(/^0x/, "").toUpperCase();
  const r = await withQueryClient(g, async ({ comet }) => {
    try {
      return await comet.tx({ hash: Buffer.from(h, "hex") });
    } catch (e) {
      if (e instanceof Error && /not found/i.test(e.message)) return null;
      throw e;
    }
  });
  if (r === null) throw cliErrors.notFound(`tx ${h} not found (not committed yet, or the node does not index txs)`);
  // The registry pulls in cosmjs: loaded only by the command that decodes a tx.
  const [{ createStrikeRegistry }, { decodeTxRaw }] = await Promise.all([
    import("../../chain/codec/registry.js"),
    import("@cosmjs/proto-signing"),
  ]);
  const registry = createStrikeRegistry();
  const decoded = decodeTxRaw(r.tx);
  const messages = decoded.body.messages.map((m) => {
    try {
      return { "@type": m.typeUrl, ...(registry.decode(m) as Record<string, unknown>) };
    } catch {
      return { "@type": m.typeUrl, value: Buffer.from(m.value).toString("base64") };
    }
  });
  const out = {
    txhash: h,
    height: String(r.height),
    index: r.index,
    code: r.result.code,
    codespace: r.result.codespace ?? "",
    log: r.result.log ?? "",
    gas_wanted: String(r.result.gasWanted),
    gas_used: String(r.result.gasUsed),
    memo: decoded.body.memo,
    fee: decoded.authInfo.fee,
    messages,
    events: r.result.events.map((e) => ({
      type: e.type,
      attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })),
    })),
  };
  print(g.output, out, () => {
    const head = `txhash: ${h}\nheight: ${out.height}\nstatus: ${out.code === 0 ? "success" : `failed (code ${out.code}, codespace ${out.codespace}): ${out.log}`}`;
    return `${head}\ngas: ${out.gas_used} used of ${out.gas_wanted}\n${toText({ messages })}`;
  });
}
