/**
 * How many independent sets of servers (lanes) the integration tests run on, from TEST_LANES
 * (default 2): the vitest config runs that many files at once and the global setup starts that
 * many sets. Read by both, so it must not import vitest's runtime.
 */
export function laneCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TEST_LANES?.trim();
  if (raw === undefined || raw === '') return 2;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 8)
    throw new Error(`TEST_LANES: must be a whole number from 1 to 8, got "${env.TEST_LANES}"`);
  return count;
}
