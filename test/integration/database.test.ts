import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOwnedDatabase } from '../../infra/postgres-roles';
import { createPool, inTransactionFrom, type Pool } from '../../platform/database';

const endpoints = inject('endpoints');

describe('a transaction opened with its first statement, on real PostgreSQL', () => {
  let pool: Pool;
  const count = async () => (await pool.query<{ n: number }>('select count(*)::int as n from jobs')).rows[0]!.n;

  beforeAll(async () => {
    pool = createPool(await createOwnedDatabase(endpoints, `transactions_${randomUUID().slice(0, 8)}`));
    await pool.query('create table jobs (id int primary key, taken boolean not null default false)');
    await pool.query('insert into jobs (id) select generate_series(1, 5)');
  });
  afterAll(async () => {
    await pool?.end();
  });

  it("hands the work the first statement's rows, with their locks, and commits what it does", async () => {
    const taken = await inTransactionFrom<{ id: number }, number[]>(
      pool,
      'select id from jobs where not taken order by id limit 2 for update skip locked',
      async (client, { rows }) => {
        // A second pass meanwhile skips the rows this one holds.
        const other = await inTransactionFrom<{ id: number }, number[]>(
          pool,
          'select id from jobs where not taken order by id limit 2 for update skip locked',
          async (_, result) => result.rows.map((r) => r.id),
        );
        expect(other).toEqual([3, 4]);
        await client.query('update jobs set taken = true where id = any($1::int[])', [rows.map((r) => r.id)]);
        return rows.map((r) => r.id);
      },
    );
    expect(taken).toEqual([1, 2]);
    expect((await pool.query('select id from jobs where taken order by id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rolls back what the work did when it throws', async () => {
    const failing = inTransactionFrom(pool, 'select 1', async (client) => {
      await client.query('insert into jobs (id) values (99)');
      throw new Error('the work failed');
    });
    await expect(failing).rejects.toThrow('the work failed');
    expect(await count()).toBe(5);
  });

  it('refuses more than one first statement, and leaves nothing behind', async () => {
    await expect(inTransactionFrom(pool, 'select 1; insert into jobs (id) values (98)', async () => 0)).rejects.toThrow(
      'inTransactionFrom takes one statement, got 2',
    );
    expect(await count()).toBe(5);
  });
});
