import test from "ava";
import fc from "fast-check";
import { Level, OrderNode, keyOf } from "../../../../../modules/orderbook/matching/ladder.js";
import { OrderIndex } from "../../../../../modules/orderbook/matching/orderIndex.js";
import { assertProperty } from "../../../../helpers/property.js";

const level = new Level("buy", 1n);
const nodeOf = (id: bigint): OrderNode => new OrderNode(keyOf(id), "owner", 1n, level);

test("the order index finds exactly the ids added and not yet deleted, through growing and shrinking", (t) => {
  const operation = fc.oneof(
    // Runs of consecutive ids, as a market assigns them, and scattered ones.
    fc.record({ kind: fc.constant("addRun" as const), start: fc.bigInt({ min: 0n, max: 3000n }), length: fc.nat(600) }),
    fc.record({ kind: fc.constant("add" as const), id: fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }) }),
    fc.record({
      kind: fc.constant("deleteRun" as const),
      start: fc.bigInt({ min: 0n, max: 3000n }),
      length: fc.nat(900),
    }),
    // Beyond ±2^53 keys are bigints, kept in a Map beside the table.
    fc.record({ kind: fc.constant("other" as const), id: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }) }),
  );
  assertProperty(
    t,
    fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
      const index = new OrderIndex();
      const model = new Map<bigint, OrderNode>();
      const add = (id: bigint): boolean => {
        const node = nodeOf(id);
        const added = index.add(node);
        if (added !== !model.has(id)) return false;
        if (added) model.set(id, node);
        return true;
      };
      for (const op of operations) {
        if (op.kind === "addRun") {
          for (let id = op.start; id < op.start + BigInt(op.length); id++) if (!add(id)) return false;
        } else if (op.kind === "add") {
          if (!add(op.id)) return false;
        } else if (op.kind === "other") {
          if (
            !add(op.id) ||
            index.get(keyOf(op.id)) !== model.get(op.id) ||
            index.delete(keyOf(op.id)) !== model.get(op.id)
          ) {
            return false;
          }
          model.delete(op.id);
        } else {
          for (let id = op.start; id < op.start + BigInt(op.length); id++) {
            if (index.delete(keyOf(id)) !== model.get(id)) return false;
            model.delete(id);
          }
        }
        if (index.size !== model.size) return false;
      }
      for (const [id, node] of model) if (index.get(keyOf(id)) !== node) return false;
      for (let id = 0n; id < 3600n; id++) if (index.get(keyOf(id)) !== model.get(id)) return false;
      return true;
    }),
    { numRuns: 60 },
  );
});
