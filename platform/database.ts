import pg from 'pg';

export type Pool = pg.Pool;

// Calendar dates stay YYYY-MM-DD strings: a JS Date at local midnight shifts with the time zone.
pg.types.setTypeParser(1082, (value: string) => value);

/** A connection pool for one database; callers end() it when they close. */
export function createPool(url: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  return new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: options.applicationName ?? 'lienthong', connectionTimeoutMillis: 10_000 });
}
