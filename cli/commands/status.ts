/** `strike status`: what the node says about itself. */
import { Command } from "commander";
import { connectComet, withNode } from "../client.js";
import { globalOptions, rpcHttpUrl } from "../context.js";
import { withExamples } from "../help.js";
import { print } from "../output.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

interface NetInfo {
  peers: { node_info: { id: string }; remote_ip: string }[];
}

/** `net_info` (cosmjs' Comet38Client does not offer it). */
async function netInfo(node: string): Promise<NetInfo> {
  const res = await fetch(rpcHttpUrl(node), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "net_info", params: {} }),
  });
  const body = (await res.json()) as { result?: NetInfo };
  return body.result ?? { peers: [] };
}

export function statusCommand(): Command {
  const cmd = new Command("status")
    .description("Show the node's identity, latest block, sync state, validator and peers")
    .action(async (_o: unknown, self: Command) => {
      const g = globalOptions(self);
      const [comet, { toRfc3339WithNanoseconds }] = await Promise.all([
        connectComet(g.node),
        import("@cosmjs/tendermint-rpc"),
      ]);
      try {
        const [s, net] = await withNode(g.node, () => Promise.all([comet.status(), netInfo(g.node)]));
        const out = {
          node_info: {
            id: hex(s.nodeInfo.id).toLowerCase(),
            network: s.nodeInfo.network,
            version: s.nodeInfo.version,
            moniker: s.nodeInfo.moniker,
            listen_addr: s.nodeInfo.listenAddr,
          },
          sync_info: {
            latest_block_hash: hex(s.syncInfo.latestBlockHash),
            latest_app_hash: hex(s.syncInfo.latestAppHash),
            latest_block_height: String(s.syncInfo.latestBlockHeight),
            latest_block_time: toRfc3339WithNanoseconds(s.syncInfo.latestBlockTime),
            catching_up: s.syncInfo.catchingUp,
          },
          validator_info: {
            address: hex(s.validatorInfo.address ?? new Uint8Array()),
            voting_power: String(s.validatorInfo.votingPower),
          },
          peers: net.peers.map((p) => ({ id: p.node_info.id, remote_ip: p.remote_ip })),
        };
        print(g.output, out, () =>
          [
            `node:       ${out.node_info.moniker} (${out.node_info.id}), CometBFT ${out.node_info.version}`,
            `chain:      ${out.node_info.network}`,
            `height:     ${out.sync_info.latest_block_height} at ${out.sync_info.latest_block_time}${out.sync_info.catching_up ? " (catching up: block sync)" : " (in sync)"}`,
            `peers:      ${out.peers.length}${out.peers.length === 0 ? "" : ` (${out.peers.map((p) => p.remote_ip).join(", ")})`}`,
            `block hash: ${out.sync_info.latest_block_hash}`,
            `app hash:   ${out.sync_info.latest_app_hash}`,
            `validator:  ${out.validator_info.address} (power ${out.validator_info.voting_power})`,
          ].join("\n"),
        );
      } finally {
        comet.disconnect();
      }
    });
  return withExamples(cmd, "strike status --node tcp://127.0.0.1:26657 --output json");
}
