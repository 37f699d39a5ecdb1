/**
 * How many blocks a node keeps below the one it commits (app.toml `min-retain-blocks`, as in
 * the Cosmos SDK): 0 keeps every block. A node that prunes keeps at least the evidence max
 * age (consensus params), so that evidence it may still be handed can be checked against the
 * blocks and validator sets of its height.
 */
export function retainBlocks(minRetainBlocks: number, evidenceMaxAgeBlocks: bigint): bigint {
  if (minRetainBlocks <= 0) return 0n;
  const asked = BigInt(minRetainBlocks);
  return asked > evidenceMaxAgeBlocks ? asked : evidenceMaxAgeBlocks;
}
