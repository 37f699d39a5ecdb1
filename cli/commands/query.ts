/** `strike query …`: read chain state through the node's RPC. */
import { bridgeQueryCommand } from "./bridge.js";
import { Command } from "commander";
import { connectQueryClient, withNode } from "../client.js";
import { addressArg, globalOptions, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { withExamples } from "../help.js";
import { print, toText } from "../output.js";
import { oracleQueryCommand } from "./oracle.js";
import { slashingQueryCommand, stakingQueryCommand } from "./staking.js";
import { checkpointQueryCommand } from "./checkpoint.js";
import { tradingQueryCommands } from "./tradingQueries.js";
import { marketDataQueryCommands } from "./marketData.js";

/** An address, or the address of a keyring key of that name. */
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

function balancesCommand(): Command {
  return withExamples(
    new Command("balances")
      .description("All coin balances of an address")
      .argument("<address>", "bech32 address or keyring key name")
      .action(async (addr: string, _o: unknown, self: Command) => {
        const g = globalOptions(self);
        const address = addressArg(g, addr);
        const balances = await withQueryClient(g, ({ client }) => client.getAllBalances(address));
        print(g.output, { balances }, () =>
          balances.length === 0
            ? `${address} has no balances`
            : balances.map((c) => `${c.amount.padStart(20)} ${c.denom}`).join("\n"),
        );
      }),
    "strike query bank balances strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv",
  );
}

function accountCommand(): Command {
  return withExamples(
    new Command("account")
      .description("An account's number, sequence and public key")
      .argument("<address>", "bech32 address or keyring key name")
      .action(async (addr: string, _o: unknown, self: Command) => {
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
      }),
    "strike query auth account strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv --output json",
  );
}

function txQueryCommand(): Command {
  return withExamples(
    new Command("tx")
      .description("A committed transaction by hash: result, events and decoded messages")
      .argument("<hash>", "hex tx hash")
      .action(async (hash: string, _o: unknown, self: Command) => {
        const g = globalOptions(self);
        if (!/^(0x)?[0-9a-fA-F]{64}$/.test(hash))
          throw cliErrors.badArgument(`"${hash}" is not a 64-character hex tx hash`);
        const h = hash.replace(/^0x/, "").toUpperCase();
        const r = await withQueryClient(g, async ({ comet }) => {
          try {
            return await comet.tx({ hash: Buffer.from(h, "hex") });
          } catch (e) {
            if (e instanceof Error && /not found/i.test(e.message)) return null;
            throw e;
          }
        });
        if (r === null)
          throw cliErrors.notFound(`tx ${h} not found (not committed yet, or the node does not index txs)`);
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
      }),
    "strike query tx 0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0",
  );
}

export function queryCommand(): Command {
  const q = new Command("query").alias("q").description("Query chain state");
  withExamples(q, "strike query bank balances alice");
  const bank = withExamples(
    new Command("bank").description("Bank module queries"),
    "strike query bank balances strike1...",
  );
  bank.addCommand(balancesCommand());
  const auth = withExamples(
    new Command("auth").description("Auth module queries"),
    "strike query auth account strike1...",
  );
  auth.addCommand(accountCommand());
  q.addCommand(bank);
  q.addCommand(auth);
  q.addCommand(txQueryCommand());
  for (const c of tradingQueryCommands()) q.addCommand(c);
  for (const c of marketDataQueryCommands()) q.addCommand(c);
  q.addCommand(oracleQueryCommand());
  q.addCommand(stakingQueryCommand());
  q.addCommand(slashingQueryCommand());
  q.addCommand(checkpointQueryCommand());
  q.addCommand(bridgeQueryCommand());
  return q;
}
