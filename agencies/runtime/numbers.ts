import type { Queryable } from '../../platform/database';

/** Reserves a unique number of a kind (certificate, ID, card…) inside the case's transaction. */
export async function issueNumber(
  db: Queryable,
  kind: string,
  commandId: string,
  make: (sequence: number) => string,
): Promise<string> {
  for (let tries = 0; tries < 20; tries += 1) {
    const { rows } = await db.query<{ n: string }>("select nextval('issued_number_seq') as n");
    const value = make(Number(rows[0]?.n));
    const inserted = await db.query(
      'insert into issued_numbers (kind, value, command_id) values ($1, $2, $3) on conflict do nothing',
      [kind, value, commandId],
    );
    if (inserted.rowCount === 1) return value;
  }
  throw new Error(`could not issue a unique ${kind}`);
}
