import type pg from 'pg';
import { checkout, type Pool } from '../../platform/database';

/** Holding a bulk job: only the holder works on it, until it releases it or its connection goes. */
export interface HeldJob {
  /** Aborted when the connection that holds the lock breaks: the holder must stop, another may take over. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

// One key space for bulk jobs (the first of PostgreSQL's two 32-bit advisory lock keys), the job id hashed in the second.
const bulkJobLockSpace = 0x4c54_4a42;
const lockSql = 'select pg_try_advisory_lock($1::int4, hashtext($2)) as held';
const unlockSql = 'select pg_advisory_unlock($1::int4, hashtext($2))';

/**
 * Which process runs a bulk job, across every api process on the same database: a session-level
 * PostgreSQL advisory lock per job, held on its own connection for as long as the job runs. A
 * holder that crashes loses its connection and with it the lock, so its job can be resumed at
 * once, with no lease to expire and no heartbeat to keep.
 */
export function createBulkJobLocks(pool: Pool) {
  return {
    /** Takes the job if no process holds it; undefined when one does. */
    async hold(jobId: string): Promise<HeldJob | undefined> {
      const client = await checkout(pool);
      let held = false;
      try {
        held = (await client.query<{ held: boolean }>(lockSql, [bulkJobLockSpace, jobId])).rows[0]?.held === true;
      } finally {
        if (!held) client.release();
      }
      if (!held) return undefined;
      const lost = new AbortController();
      const onError = () => lost.abort(new Error(`the connection holding bulk job ${jobId} broke`));
      client.on('error', onError);
      let released = false;
      return {
        lost: lost.signal,
        async release() {
          if (released) return;
          released = true;
          client.off('error', onError);
          try {
            await client.query(unlockSql, [bulkJobLockSpace, jobId]);
            client.release();
          } catch (err) {
            // A broken connection: the server has let the lock go with it; do not reuse it.
            client.release(err as Error);
          }
        },
      };
    },
    /** Whether some process (this one included) holds the job now. */
    async isHeld(jobId: string): Promise<boolean> {
      const client: pg.PoolClient = await checkout(pool);
      try {
        const free = (await client.query<{ held: boolean }>(lockSql, [bulkJobLockSpace, jobId])).rows[0]?.held === true;
        if (free) await client.query(unlockSql, [bulkJobLockSpace, jobId]);
        return !free;
      } finally {
        client.release();
      }
    },
  };
}
export type BulkJobLocks = ReturnType<typeof createBulkJobLocks>;
