/**
 * Property checks as ava assertions: a failing property fails the test through `t`, with
 * fast-check's report (seed, counterexample, shrink path) as the message.
 */
import type { ExecutionContext } from "ava";
import fc from "fast-check";

export function assertProperty<Ts>(t: ExecutionContext, property: fc.IProperty<Ts>, params?: fc.Parameters<Ts>): void {
  const details = fc.check(property, params);
  t.false(details.failed, fc.defaultReportMessage(details) ?? "property failed");
}

export async function assertAsyncProperty<Ts>(
  t: ExecutionContext,
  property: fc.IAsyncProperty<Ts>,
  params?: fc.Parameters<Ts>,
): Promise<void> {
  const details = await fc.check(property, params);
  t.false(details.failed, fc.defaultReportMessage(details) ?? "property failed");
}
