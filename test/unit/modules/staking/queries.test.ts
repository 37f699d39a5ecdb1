import test from "ava";
import * as q from "../../../../chain/codec/generated/strike/staking/v1/query.js";
import * as sq from "../../../../chain/codec/generated/strike/slashing/v1/query.js";
import { BondStatus } from "../../../../chain/codec/generated/strike/staking/v1/staking.js";
import { STRIKE, addr, createChain, hexConsAddr, msgs, payFees, votesMissing } from "./fixture.js";

const chain = () =>
  createChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 300n },
      { operator: 3, strike: 50n },
      { operator: 4, strike: 10n },
    ],
  });

test("validators are listed by tokens with status, consensus address and power; the filter keeps one status", (t) => {
  const c = chain();
  const all = q.QueryValidatorsResponse.decode(
    c.query("/strike.staking.v1.Query/Validators", q.QueryValidatorsRequest.encode({ status: "" }).finish()),
  ).validators;
  t.deepEqual(
    all.map((v) => [v.validator!.operatorAddress, v.power, v.validator!.status, v.consensusAddress]),
    [
      [addr(2), 300n, BondStatus.BOND_STATUS_BONDED, hexConsAddr(2)],
      [addr(1), 100n, BondStatus.BOND_STATUS_BONDED, hexConsAddr(1)],
      [addr(3), 50n, BondStatus.BOND_STATUS_BONDED, hexConsAddr(3)],
      [addr(4), 0n, BondStatus.BOND_STATUS_UNBONDED, hexConsAddr(4)],
    ],
  );
  const unbonded = q.QueryValidatorsResponse.decode(
    c.query("/strike.staking.v1.Query/Validators", q.QueryValidatorsRequest.encode({ status: "unbonded" }).finish()),
  ).validators;
  t.deepEqual(
    unbonded.map((v) => v.validator!.operatorAddress),
    [addr(4)],
  );
  const one = q.QueryValidatorResponse.decode(
    c.query(
      "/strike.staking.v1.Query/Validator",
      q.QueryValidatorRequest.encode({ operatorAddress: "", consensusAddress: hexConsAddr(3).toLowerCase() }).finish(),
    ),
  );
  t.is(one.validator!.validator!.operatorAddress, addr(3));
});

test("delegations show shares, token balance and pending rewards; unbonding entries are listed", (t) => {
  const c = chain();
  c.send(msgs.delegate(5, 2, 100n * STRIKE));
  c.send(msgs.undelegate(5, 2, 40n * STRIKE));
  payFees(c, 6, 1_000_000n);
  c.block();
  const res = q.QueryDelegationsResponse.decode(
    c.query(
      "/strike.staking.v1.Query/Delegations",
      q.QueryDelegationsRequest.encode({ delegatorAddress: addr(5) }).finish(),
    ),
  );
  t.is(res.delegations.length, 1);
  const d = res.delegations[0]!;
  t.is(d.delegation!.shares, "60000000.000000000000000000");
  t.is(d.balance, (60n * STRIKE).toString());
  t.is(d.rewards[0]!.denom, "ustrike");
  t.true(BigInt(d.rewards[0]!.amount) > 0n);
  const u = q.QueryUnbondingDelegationsResponse.decode(
    c.query(
      "/strike.staking.v1.Query/UnbondingDelegations",
      q.QueryUnbondingDelegationsRequest.encode({ delegatorAddress: addr(5) }).finish(),
    ),
  );
  t.deepEqual(
    u.entries.map((e) => [e.validatorAddress, e.balance]),
    [[addr(2), (40n * STRIKE).toString()]],
  );
  const pool = q.QueryPoolResponse.decode(c.query("/strike.staking.v1.Query/Pool", new Uint8Array(0)));
  t.is(pool.bondedTokens, (510n * STRIKE).toString());
  t.is(pool.notBondedTokens, (50n * STRIKE).toString());
  t.is(pool.totalPower, 510n);
});

test("signing info is found by consensus address and shows missed blocks", (t) => {
  const c = chain();
  c.block();
  c.blocks(3, { votes: votesMissing(c, [1]) });
  const res = sq.QuerySigningInfoResponse.decode(
    c.query(
      "/strike.slashing.v1.Query/SigningInfo",
      sq.QuerySigningInfoRequest.encode({ consAddress: hexConsAddr(1) }).finish(),
    ),
  );
  t.is(res.info!.missedBlocksCounter, 3n);
  t.is(res.info!.startHeight, 2n);
  const all = sq.QuerySigningInfosResponse.decode(c.query("/strike.slashing.v1.Query/SigningInfos", new Uint8Array(0)));
  t.is(all.infos.length, 3);
  const err = t.throws(() =>
    c.query(
      "/strike.slashing.v1.Query/SigningInfo",
      sq.QuerySigningInfoRequest.encode({ consAddress: hexConsAddr(4) }).finish(),
    ),
  );
  t.regex(err.message, /NotFound/);
});
