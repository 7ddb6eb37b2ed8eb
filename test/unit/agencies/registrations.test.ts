import { describe, expect, it } from 'vitest';
import {
  birthIdentity,
  carryOutOnce,
  deathIdentity,
  decideOnce,
  type Identity,
} from '../../../agencies/civil-status/registrations';
import { duplicateBirth } from '../../../agencies/civil-status/rules';
import { InvalidDecisionError } from '../../../agencies/runtime/decider';
import type { Decision } from '../../../agencies/runtime/handlers';
import type { Queryable } from '../../../platform/database';
import { z } from 'zod';
import { registerBirth, registerDeath, routing, TODAY } from './support';

describe('what identifies a birth and a death in the civil-status book', () => {
  const birth = registerBirth(TODAY);
  const table: { name: string; identity: Identity; expected: Partial<Identity> }[] = [
    {
      name: 'a birth: its certificate reference, and mother / birth date / name',
      identity: birthIdentity(birth),
      expected: { kind: 'birth', key: 'GCS-2026-004512', alternateKey: `001190012345/${TODAY}/trần minh khang` },
    },
    {
      name: 'the same reference written differently',
      identity: birthIdentity({ ...birth, birthCertificateReference: ' gcs-2026-004512 ' }),
      expected: { key: 'GCS-2026-004512' },
    },
    {
      name: 'the same name in other case, spacing and Unicode form',
      identity: birthIdentity({ ...birth, child: { ...birth.child, fullName: ' TRẦN  Minh khang'.normalize('NFD') } }),
      expected: { alternateKey: `001190012345/${TODAY}/trần minh khang` },
    },
    {
      name: 'a birth without a named mother: the certificate alone',
      identity: birthIdentity({ ...birth, mother: undefined }),
      expected: { alternateKey: null },
    },
    {
      name: "a death: the person's ID number",
      identity: deathIdentity(registerDeath(TODAY)),
      expected: { kind: 'death', key: '001050098765', alternateKey: null },
    },
  ];
  it.each(table)('$name', ({ identity, expected }) => expect(identity).toMatchObject(expected));
});

/** The registrations table in memory, enough for the claim logic (the race itself is an integration test). */
function fakeBook(rows: { dossier_id: string; step_id: string; result: unknown }[] = []) {
  const inserted: unknown[][] = [];
  const db: Queryable = {
    query: (async (sql: string, values: unknown[] = []) => {
      if (sql.startsWith('insert')) {
        inserted.push(values);
        if (rows.length === 0) rows.push({ dossier_id: String(values[3]), step_id: String(values[4]), result: null });
      }
      if (sql.startsWith('update'))
        rows.forEach((r) => r.dossier_id === values[1] && (r.result = JSON.parse(String(values[3]))));
      return { rows: sql.startsWith('select') ? rows : [], rowCount: 0, command: '', oid: 0, fields: [] };
    }) as Queryable['query'],
  };
  return { db, rows, inserted };
}

describe('a registration happens once', () => {
  const identity = birthIdentity(registerBirth(TODAY));
  const approved: Decision<object, string> = { outcome: 'approved', result: { computed: true } };
  const decide = (
    db: Queryable,
    rules: (elsewhere: boolean) => Promise<Decision<object, string>> = async () => approved,
  ) => decideOnce(db, identity, routing, rules, duplicateBirth, { again: true });

  it('claims a registration nobody holds when the rules approve', async () => {
    const book = fakeBook();
    expect(await decide(book.db)).toEqual(approved);
    expect(book.inserted).toHaveLength(1);
  });

  it('claims nothing when the rules do not approve', async () => {
    const book = fakeBook();
    const rejected = { outcome: 'rejected', reasonCode: 'LATE_REGISTRATION', message: 'late' } as const;
    expect(await decide(book.db, async () => rejected)).toEqual(rejected);
    expect(book.inserted).toHaveLength(0);
  });

  it('tells the rules another dossier holds it', async () => {
    let elsewhere: boolean | undefined;
    await decide(fakeBook([{ dossier_id: 'HS-OTHER', step_id: 'step', result: {} }]).db, async (e) => {
      elsewhere = e;
      return duplicateBirth;
    });
    expect(elsewhere).toBe(true);
  });

  it('rejects as a duplicate when a concurrent case won the claim after the rules approved', async () => {
    const book = fakeBook();
    const rules = async () => {
      book.rows.push({ dossier_id: 'HS-OTHER', step_id: 'step', result: null });
      return approved;
    };
    expect(await decide(book.db, rules)).toEqual(duplicateBirth);
  });

  it('approves a re-sent attempt of the same step again, without asking the rules', async () => {
    const book = fakeBook([{ dossier_id: routing.dossierId, step_id: routing.stepId, result: { n: 1 } }]);
    expect(await decide(book.db, async () => duplicateBirth)).toEqual({ outcome: 'approved', result: { again: true } });
  });

  const recorded = z.object({ n: z.number() });
  it('carries out once, and answers a re-sent attempt with the recorded result', async () => {
    const book = fakeBook();
    let registered = 0;
    const register = async () => ({ n: (registered += 1) });
    expect(await carryOutOnce(book.db, identity, routing, recorded, register)).toEqual({ n: 1 });
    expect(await carryOutOnce(book.db, identity, routing, recorded, register)).toEqual({ n: 1 });
    expect(registered).toBe(1);
  });

  it("refuses a worker's approval of a registration another dossier holds", async () => {
    const book = fakeBook([{ dossier_id: 'HS-OTHER', step_id: 'step', result: { n: 1 } }]);
    await expect(carryOutOnce(book.db, identity, routing, recorded, async () => ({ n: 2 }))).rejects.toThrow(
      InvalidDecisionError,
    );
  });
});
