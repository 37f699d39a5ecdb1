/** What the staking and slashing commands do when they run (staking.ts defines them). */
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import type * as q from "../../chain/codec/generated/strike/staking/v1/query.js";
import { BondStatus } from "../../chain/codec/generated/strike/staking/v1/staking.js";
import { cliQueries, withComet } from "../abciQuery.js";
import { addressArg, globalOptions, openKeyring, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { fetchSequencerInfo, sequencerText } from "../sequencerInfo.js";
import { signAndSend, type TxFlags } from "../txSend.js";
import { table } from "../table.js";

/** "1000000ustrike" → {denom, amount}; the chain checks that the denom is the bond denom. */
export function parseStakeAmount(text: string): { denom: string; amount: string } {
  const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(text.trim());
  if (m === null) throw cliErrors.badArgument(`"${text}" is not an amount with its denom, e.g. 1000000ustrike`);
  if (BigInt(m[1]!) === 0n) throw cliErrors.badArgument("the amount must be positive");
  return { denom: m[2]!, amount: BigInt(m[1]!).toString() };
}

export interface FromFlags extends TxFlags {
  from: string;
}

const ST = "/strike.staking.v1.";

const SL = "/strike.slashing.v1.";

function pubKeyFromKeyFile(path: string): Uint8Array {
  let json: { pub_key?: { value?: unknown } };
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as typeof json;
  } catch {
    throw cliErrors.badArgument(`${path} is not a readable priv_validator_key.json`);
  }
  const value = json.pub_key?.value;
  if (typeof value !== "string") throw cliErrors.badArgument(`${path} has no pub_key.value`);
  return decodePubKey(value, path);
}

function decodePubKey(base64: string, from: string): Uint8Array {
  const bytes = /^[A-Za-z0-9+/]{43}=$/.test(base64) ? new Uint8Array(Buffer.from(base64, "base64")) : undefined;
  if (bytes?.length !== 32) throw cliErrors.badArgument(`${from}: not a base64 ed25519 public key (32 bytes)`);
  return bytes;
}

/**
 * The consensus key: --pubkey as base64 or as a path to a priv_validator_key.json; without
 * it, the node's own key file under --home.
 */
export async function resolveConsensusPubKey(g: GlobalOptions, pubkey: string | undefined): Promise<Uint8Array> {
  if (pubkey !== undefined) return existsSync(pubkey) ? pubKeyFromKeyFile(pubkey) : decodePubKey(pubkey, "--pubkey");
  // The config's schema (zod) is slow to load: read only when the key file must be found.
  const { loadConfig, resolveHomePath } = await import("../../chain/node/config.js");
  let file = "config/priv_validator_key.json";
  try {
    file = loadConfig(g.home).privValidatorKeyFile;
  } catch {
    // No config.toml: the default location.
  }
  const path = resolveHomePath(g.home, file);
  if (!existsSync(path))
    throw cliErrors.badArgument(`no --pubkey given and ${path} does not exist (is --home the validator's home?)`);
  return pubKeyFromKeyFile(path);
}

const STATUS: Record<number, string> = {
  [BondStatus.BOND_STATUS_BONDED]: "bonded",
  [BondStatus.BOND_STATUS_UNBONDED]: "unbonded",
};

function validatorJson(v: q.ValidatorInfo) {
  const val = v.validator!;
  return {
    operator_address: val.operatorAddress,
    consensus_address: v.consensusAddress,
    consensus_pubkey: Buffer.from(val.consensusPubkey).toString("base64"),
    moniker: val.moniker,
    status: STATUS[val.status] ?? "unspecified",
    jailed: val.jailed,
    tokens: val.tokens,
    delegator_shares: val.delegatorShares,
    power: v.power.toString(),
    commission: {
      rate: val.commission?.rate ?? "",
      max_rate: val.commission?.maxRate ?? "",
      max_change_rate: val.commission?.maxChangeRate ?? "",
    },
  };
}

const trimDec = (d: string) => (d.includes(".") ? d.replace(/0+$/, "").replace(/\.$/, "") : d);

const coinsText = (coins: readonly { denom: string; amount: string }[]) =>
  coins.length === 0 ? "-" : coins.map((c) => `${c.amount}${c.denom}`).join(",");

/** A consensus address (40 hex characters) as given, or the one of the validator an address operates. */
async function consAddressArg(g: GlobalOptions, s: string): Promise<string> {
  if (/^[0-9a-fA-F]{40}$/.test(s)) return s.toUpperCase();
  const operatorAddress = addressArg(g, s);
  const res = await withComet(g, (c) => cliQueries(c).staking.Validator({ operatorAddress, consensusAddress: "" }));
  return res.validator!.consensusAddress;
}

/**
 * Refuses, before anything is signed, a stake in another denom than the chain's bond denom
 * (and, with `validator`, a validator that does not exist): the chain refuses both only in
 * the block, after charging the fee.
 */
async function checkStake(g: GlobalOptions, amount: { denom: string }, validator?: string): Promise<void> {
  const { params } = await withComet(g, (c) => cliQueries(c).staking.Params({}));
  const bondDenom = params?.bondDenom ?? "";
  if (amount.denom !== bondDenom)
    throw cliErrors.badArgument(`stake is in ${bondDenom}, not ${amount.denom}; nothing was sent`);
  if (validator !== undefined)
    await withComet(g, (c) =>
      cliQueries(c).staking.Validator({ operatorAddress: validator, consensusAddress: "" }),
    ).catch((e: unknown) => {
      if (cliErrors.notFound.is(e))
        throw cliErrors.notFound(
          `no validator ${validator} (see \`strike query staking validators\`); nothing was sent`,
        );
      throw e;
    });
}

export async function createValidator(o: FromFlags & Record<string, string>, self: Command): Promise<void> {
  const g = globalOptions(self);
  const operator = openKeyring(g).resolve(o.from).address;
  const pubkey = await resolveConsensusPubKey(g, o["pubkey"]);
  const selfDelegation = parseStakeAmount(o["amount"]!);
  await checkStake(g, selfDelegation);
  const msg: EncodeObject = {
    typeUrl: `${ST}MsgCreateValidator`,
    value: {
      operatorAddress: operator,
      pubkey,
      moniker: o["moniker"],
      commissionRate: o["commissionRate"],
      commissionMaxRate: o["commissionMaxRate"],
      commissionMaxChangeRate: o["commissionMaxChangeRate"],
      selfDelegation,
    },
  };
  await signAndSend(
    g,
    o.from,
    [msg],
    o,
    `Create validator "${o["moniker"]}"\n  operator:   ${operator}\n  pubkey:     ${Buffer.from(pubkey).toString("base64")}\n  bond:       ${selfDelegation.amount}${selfDelegation.denom}\n  commission: ${o["commissionRate"]}`,
  );
}

export async function editValidator(
  o: FromFlags & { moniker?: string; commissionRate?: string },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  if (o.moniker === undefined && o.commissionRate === undefined)
    throw cliErrors.badArgument("give --moniker and/or --commission-rate");
  const operator = openKeyring(g).resolve(o.from).address;
  const msg: EncodeObject = {
    typeUrl: `${ST}MsgEditValidator`,
    value: { operatorAddress: operator, moniker: o.moniker ?? "", commissionRate: o.commissionRate ?? "" },
  };
  await signAndSend(g, o.from, [msg], o, `Edit validator ${operator}`);
}

export async function delegation(
  name: "delegate" | "unbond",
  validatorArg: string,
  amountText: string,
  o: FromFlags,
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  const validator = addressArg(g, validatorArg);
  const delegator = openKeyring(g).resolve(o.from).address;
  const amount = parseStakeAmount(amountText);
  await checkStake(g, amount, validator);
  const typeUrl = name === "delegate" ? `${ST}MsgDelegate` : `${ST}MsgUndelegate`;
  const msg: EncodeObject = {
    typeUrl,
    value: { delegatorAddress: delegator, validatorAddress: validator, amount },
  };
  const verb = name === "delegate" ? "Delegate" : "Unbond";
  await signAndSend(g, o.from, [msg], o, `${verb} ${amount.amount}${amount.denom}\n  validator: ${validator}`);
}

export async function withdrawRewards(validatorArg: string, o: FromFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const validator = addressArg(g, validatorArg);
  const delegator = openKeyring(g).resolve(o.from).address;
  const msg: EncodeObject = {
    typeUrl: `${ST}MsgWithdrawRewards`,
    value: { delegatorAddress: delegator, validatorAddress: validator },
  };
  await signAndSend(g, o.from, [msg], o, `Withdraw rewards from ${validator}`);
}

export async function slashingTx(o: FromFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const operator = openKeyring(g).resolve(o.from).address;
  const msg: EncodeObject = { typeUrl: `${SL}MsgUnjail`, value: { validatorAddress: operator } };
  await signAndSend(g, o.from, [msg], o, `Unjail validator ${operator}`);
}

export async function showValidators(o: { status?: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const { validators } = await withComet(g, (c) => cliQueries(c).staking.Validators({ status: o.status ?? "" }));
  // The node's view of the current sequencer: the list is still worth showing without it.
  const sequencer = await fetchSequencerInfo(g.node).catch(() => undefined);
  const rows = validators.map((v) => {
    const row = validatorJson(v);
    return { ...row, sequencer: sequencer?.address === row.consensus_address };
  });
  print(g.output, { validators: rows, sequencer_info: sequencer ?? null }, () =>
    rows.length === 0
      ? "no validators"
      : [
          table(
            ["MONIKER", "OPERATOR", "STATUS", "POWER", "TOKENS", "COMMISSION", "CONSENSUS ADDRESS"],
            rows.map((v) => [
              v.sequencer ? `${v.moniker} *` : v.moniker,
              v.operator_address,
              v.jailed ? "jailed" : v.status,
              v.power,
              v.tokens,
              trimDec(v.commission.rate),
              v.consensus_address,
            ]),
          ),
          `* sequencer: ${sequencerText(sequencer)}`,
        ].join("\n"),
  );
}

export async function showDelegations(who: string, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const delegatorAddress = addressArg(g, who);
  const [d, u] = await withComet(
    g,
    async (c) =>
      [
        await cliQueries(c).staking.Delegations({ delegatorAddress }),
        await cliQueries(c).staking.UnbondingDelegations({ delegatorAddress }),
      ] as const,
  );
  const delegations = d.delegations.map((x) => ({
    validator_address: x.delegation!.validatorAddress,
    shares: x.delegation!.shares,
    balance: x.balance,
    rewards: x.rewards,
  }));
  const unbonding = u.entries.map((e) => ({
    validator_address: e.validatorAddress,
    balance: e.balance,
    initial_balance: e.initialBalance,
    creation_height: e.creationHeight.toString(),
    completion_time: new Date(Number(e.completionTime) * 1000).toISOString(),
  }));
  print(g.output, { delegator_address: delegatorAddress, delegations, unbonding }, () => {
    const parts = [
      delegations.length === 0
        ? "no delegations"
        : table(
            ["VALIDATOR", "BALANCE", "REWARDS"],
            delegations.map((x) => [x.validator_address, x.balance, coinsText(x.rewards)]),
          ),
    ];
    if (unbonding.length > 0)
      parts.push(
        `unbonding:\n${table(
          ["VALIDATOR", "BALANCE", "COMPLETES"],
          unbonding.map((e) => [e.validator_address, e.balance, e.completion_time]),
        )}`,
      );
    return parts.join("\n\n");
  });
}

export async function slashingQuery(who: string, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const consAddress = await consAddressArg(g, who);
  const { info } = await withComet(g, (c) => cliQueries(c).slashing.SigningInfo({ consAddress }));
  const i = info!;
  const out = {
    address: i.address,
    start_height: i.startHeight.toString(),
    index_offset: i.indexOffset.toString(),
    missed_blocks_counter: i.missedBlocksCounter.toString(),
    jailed_until: i.jailedUntil === 0n ? "" : new Date(Number(i.jailedUntil) * 1000).toISOString(),
    tombstoned: i.tombstoned,
  };
  print(g.output, out);
}
