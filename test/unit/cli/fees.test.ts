import test from "ava";
import { resolveFee } from "../../../cli/fees.js";

const noSim = async (): Promise<number> => {
  throw new Error("simulate must not be called");
};

test("the default fee is 200000 gas at 0.025ustrike = 5000ustrike", async (t) => {
  t.deepEqual(await resolveFee({ gas: "200000", gasAdjustment: "1.3" }, noSim), {
    amount: [{ denom: "ustrike", amount: "5000" }],
    gas: "200000",
  });
});

test("--fees is used as given", async (t) => {
  t.deepEqual(await resolveFee({ fees: "7000ustrike", gas: "150000", gasAdjustment: "1.3" }, noSim), {
    amount: [{ denom: "ustrike", amount: "7000" }],
    gas: "150000",
  });
});

test("--gas auto simulates and applies the adjustment", async (t) => {
  const fee = await resolveFee({ gas: "auto", gasAdjustment: "1.5", gasPrices: "0.1ustrike" }, async () => 100_000);
  t.deepEqual(fee, { amount: [{ denom: "ustrike", amount: "15000" }], gas: "150000" });
});

test("bad gas flags are clear errors", async (t) => {
  await t.throwsAsync(() => resolveFee({ gas: "lots", gasAdjustment: "1.3" }, noSim), {
    message: /--gas must be a positive integer or "auto"/,
  });
  await t.throwsAsync(
    () => resolveFee({ fees: "1ustrike", gasPrices: "0.1ustrike", gas: "1", gasAdjustment: "1.3" }, noSim),
    { message: /not both/ },
  );
  await t.throwsAsync(() => resolveFee({ gas: "10", gasAdjustment: "1.3", gasPrices: "cheap" }, noSim), {
    message: /--gas-prices must look like/,
  });
});
