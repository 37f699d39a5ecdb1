import test from "ava";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { OrderSpec } from "../../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { StrikeError } from "../../../../chain/types/errors.js";
import { checkSpecShape } from "../../../../modules/orderbook/orderSpec.js";

const valid = (): OrderSpec =>
  OrderSpec.fromPartial({
    market: "ETH-PERP",
    side: Side.SIDE_BUY,
    price: "3000",
    size: "1",
    orderType: OrderType.ORDER_TYPE_LIMIT,
    timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
  });

test("an order spec whose enums are outside their types, or unrecognized, is refused naming the field", (t) => {
  t.is(checkSpecShape(valid()).market, "ETH-PERP");
  // What a decoder hands over for a number the enum does not have (ts-proto keeps it as is).
  const cases: [Partial<OrderSpec>, RegExp][] = [
    [{ timeInForce: 99 as TimeInForce }, /unknown time in force/],
    [{ timeInForce: TimeInForce.UNRECOGNIZED }, /unknown time in force/],
    [{ orderType: 99 as OrderType }, /unknown order type/],
    [{ orderType: OrderType.UNRECOGNIZED }, /unknown order type/],
    [{ triggerType: 99 as TriggerType }, /unknown trigger type/],
    [{ triggerType: TriggerType.UNRECOGNIZED }, /unknown trigger type/],
    [{ selfTrade: 99 as SelfTradePrevention }, /unknown self-trade prevention/],
    [{ selfTrade: SelfTradePrevention.UNRECOGNIZED }, /unknown self-trade prevention/],
    [{ side: 99 as Side }, /side must be buy or sell/],
  ];
  for (const [change, message] of cases) {
    const e = t.throws(() => checkSpecShape({ ...valid(), ...change }), { instanceOf: StrikeError });
    t.regex(e.message, message, JSON.stringify(change));
  }
  // Every value each enum defines passes the enum checks (a market order only with IOC or FOK).
  for (const tif of [TimeInForce.TIME_IN_FORCE_IOC, TimeInForce.TIME_IN_FORCE_FOK])
    t.notThrows(() => checkSpecShape({ ...valid(), orderType: OrderType.ORDER_TYPE_MARKET, timeInForce: tif }));
  for (const v of Object.values(TimeInForce))
    if (typeof v === "number" && v !== TimeInForce.UNRECOGNIZED)
      t.notThrows(() => checkSpecShape({ ...valid(), timeInForce: v }));
  for (const v of Object.values(TriggerType))
    if (typeof v === "number" && v !== TriggerType.UNRECOGNIZED)
      t.notThrows(() => checkSpecShape({ ...valid(), triggerType: v }));
  for (const v of Object.values(SelfTradePrevention))
    if (typeof v === "number" && v !== SelfTradePrevention.UNRECOGNIZED)
      t.notThrows(() => checkSpecShape({ ...valid(), selfTrade: v }));
});
