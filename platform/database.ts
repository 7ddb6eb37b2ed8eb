import pg from 'pg';

export type Pool = pg.Pool;
/** A pool or a client in a transaction: what code that only runs queries needs. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

// Calendar dates stay YYYY-MM-DD strings: a JS Date at local midnight shifts with the time zone.
pg.types.setTypeParser(1082, (value: string) => value);

/**
 * A connection pool for one database; callers end() it when they close. An idle connection the
 * server drops (restart, shutdown) is reported, not allowed to crash the process.
 */
export function createPool(
  url: string,
  options: { max?: number; applicationName?: string; onIdleError?: (err: Error) => void } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'lienthong',
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', options.onIdleError ?? (() => undefined));
  return pool;
}

/**
 * Checks a client out of the pool for a transaction. A connection lost while checked out emits
 * 'error' on the client; the query in flight rejects anyway, so the event itself is only absorbed
 * here rather than crashing the process.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (client.listenerCount('error') === 0) client.on('error', () => undefined);
  return client;
}

/** Runs work in one transaction that `begin` opens: committed when it returns, rolled back when it throws. */
async function transaction<S, T>(
  pool: pg.Pool,
  begin: (client: pg.PoolClient) => Promise<S>,
  work: (client: pg.PoolClient, begun: S) => Promise<T>,
): Promise<T> {
  const client = await checkout(pool);
  try {
    const value = await work(client, await begin(client));
    await client.query('commit');
    return value;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Runs work in one transaction: committed when it returns, rolled back when it throws. */
export const inTransaction = <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
  transaction(pool, (client) => client.query('begin'), work);

/**
 * `inTransaction` for work that starts with a statement without parameters (a poll for work): the
 * statement goes out with its `begin` as one simple query, one round trip instead of two. An
 * agency's decider and relay make several such passes a dossier, and every round trip is a socket
 * write that wakes the server. `first` must be one constant statement, never built from input.
 */
export const inTransactionFrom = <R extends pg.QueryResultRow, T>(
  pool: pg.Pool,
  first: string,
  work: (client: pg.PoolClient, result: pg.QueryResult<R>) => Promise<T>,
): Promise<T> =>
  transaction(
    pool,
    async (client) => {
      // A simple query of two statements answers with a result for each.
      const results = (await client.query(`begin; ${first}`)) as unknown as pg.QueryResult<R>[];
      if (results.length !== 2) throw new Error(`inTransactionFrom takes one statement, got ${results.length - 1}`);
      return results[1]!;
    },
    work,
  );

/** Node socket errors that mean the server could not be reached or the connection broke. */
const unreachable = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether a database error is about the database being unavailable (down, restarting, out of
 * connections, a serialization conflict) rather than about the work: asking again later can
 * succeed, so what failed is not a poison message. SQLSTATE classes 08 (connection exception),
 * 57P01–57P03 (shutdown, cannot connect now), 53300 (too many connections), 40001/40P01.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (unreachable.has(code)) return true;
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '40001', '40P01'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}
