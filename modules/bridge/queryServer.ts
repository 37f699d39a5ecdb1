/** bridge queries on /strike.bridge.v1.Query/*. Withdrawal reads points only, so it serves past heights. */
import {
  QueryExitProofRequest,
  QueryExitProofResponse,
  QueryDepositRequest,
  QueryDepositResponse,
  QueryStatusResponse,
  QueryWithdrawalRequest,
  QueryWithdrawalResponse,
} from "../../chain/codec/generated/strike/bridge/v1/query.js";
import type { QueryRoute } from "../../chain/runtime/types.js";
import { toHex } from "../../chain/types/bytes.js";
import { bridgeErrors } from "./errors.js";
import type { BridgeKeeper } from "./keeper.js";
import { QUERY_PATH_PREFIX } from "./keys.js";
import { frontierRoot } from "./merkleTree.js";
import { getFrontier } from "./state.js";
import { checkStrikeAddress } from "./validation.js";

const hex = (b: Uint8Array) => `0x${toHex(b)}`;

export function bridgeQueryRoutes(keeper: BridgeKeeper): QueryRoute[] {
  return [
    {
      path: `${QUERY_PATH_PREFIX}Withdrawal`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const { id } = QueryWithdrawalRequest.decode(data);
        const p = keeper.withdrawalProof(ctx, id);
        if (p === undefined) throw bridgeErrors.withdrawalNotFound(`id ${id} at height ${ctx.height}`);
        return QueryWithdrawalResponse.encode({
          withdrawal: p.withdrawal,
          leaf: hex(p.leaf),
          proof: p.proof.map(hex),
          root: hex(p.root),
          count: p.count,
        }).finish();
      },
    },
    {
      // Checkpoint H's exit tree is in state from H + 1 on: query there for the contract's last checkpoint.
      path: `${QUERY_PATH_PREFIX}ExitProof`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const { account } = QueryExitProofRequest.decode(data);
        checkStrikeAddress(account, "account");
        const p = keeper.exitProof(ctx, account);
        if (p === undefined) throw bridgeErrors.exitClaimNotFound(`${account} at height ${ctx.height}`);
        return QueryExitProofResponse.encode({
          account,
          accountBytes: hex(p.record.account),
          recipient: hex(p.record.recipient),
          equity: p.record.equity.toString(),
          leaf: hex(p.leaf),
          proof: p.proof.map(hex),
          root: hex(p.header.root),
          checkpointHeight: p.header.height,
          slot: p.slot,
        }).finish();
      },
    },
    {
      path: `${QUERY_PATH_PREFIX}Deposit`,
      handle(ctx, data) {
        const req = QueryDepositRequest.decode(data);
        if (req.attester !== "") checkStrikeAddress(req.attester, "attester");
        const s = keeper.depositStatus(ctx, req.nonce, req.attester === "" ? undefined : req.attester);
        return QueryDepositResponse.encode({
          credited: s.credited !== undefined,
          votes: s.votes.map(([hash, power]) => ({ contentHash: hex(hash), power: power.toString() })),
          attesterVoted: s.attesterVoted,
          waiting: s.waiting,
          deposit: s.credited,
        }).finish();
      },
    },
    {
      path: `${QUERY_PATH_PREFIX}Status`,
      pointReadsOnly: true,
      handle(ctx) {
        const c = keeper.counters(ctx);
        const tree = getFrontier(ctx);
        return QueryStatusResponse.encode({
          bridgedSupply: c.bridgedSupply.toString(),
          withdrawals: tree.count,
          withdrawalRoot: hex(frontierRoot(tree)),
          depositsCredited: c.depositsCredited,
          highestNonceCredited: c.highestNonceCredited,
        }).finish();
      },
    },
  ];
}
