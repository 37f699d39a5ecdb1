/**
 * The L1 provider the node and the relayer use answers every read fresh: a relayer that lands
 * a checkpoint and asks for its pending nonce again at once must get the next one. With ethers'
 * default 250 ms sharing of identical requests it got the old one back, and `make start`'s
 * relayer (on an automining Hardhat) failed send after send with "nonce has already been used".
 */
import test from "ava";
import { Wallet } from "ethers";
import { HARDHAT_KEYS } from "../../chain/l1/hardhatNode.js";
import { createL1Provider } from "../../chain/l1/provider.js";
import { startL1, type L1 } from "./fixture.js";

let l1: L1;
test.before(async () => {
  l1 = await startL1();
});
test.after.always(async () => {
  await l1?.stop();
});

test("the pending nonce read right after a mined tx is the next one, round after round", async (t) => {
  const provider = createL1Provider(l1.node.url);
  try {
    const wallet = new Wallet(HARDHAT_KEYS[3], provider);
    let expected = await wallet.getNonce("pending");
    for (let round = 0; round < 5; round++) {
      const nonce = await wallet.getNonce("pending");
      t.is(nonce, expected, `round ${round}`);
      await (await wallet.sendTransaction({ to: wallet.address, value: 0n, nonce })).wait();
      expected = nonce + 1;
    }
  } finally {
    provider.destroy();
  }
});
