import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../contracts/procedures';
import { citizenKeyer } from '../../../platform/pseudonym';
import { HttpProblem } from '../../../web/problems';
import type { LedgerTransaction, SubmissionLedger } from '../../../web/submission-ledger';
import { createSubmit } from '../../../web/submit';
import { birthInput } from '../../fixtures/dossiers';

/** The ledger in memory: a transaction works on copies, kept only if it returns. */
function fakeLedger() {
  let keys = new Map<string, { bodyHash: string; dossierId: string }>();
  let natural = new Map<string, string>();
  const ledger = {
    migrate: async () => undefined,
    async transaction<T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
      const k = new Map(keys);
      const n = new Map(natural);
      const result = await work({
        claimIdempotencyKey: async ({ subject, key, bodyHash, dossierId }) => {
          const found = k.get(`${subject}\n${key}`);
          if (found) return { claimed: false, ...found };
          k.set(`${subject}\n${key}`, { bodyHash, dossierId });
          return { claimed: true };
        },
        claimNaturalKey: async (key, dossierId) => {
          if (n.has(key)) return n.get(key);
          n.set(key, dossierId);
          return undefined;
        },
        takeOverNaturalKey: async (key, from, to) => {
          if (n.get(key) !== from) return false;
          n.set(key, to);
          return true;
        },
      });
      keys = k;
      natural = n;
      return result;
    },
  } as SubmissionLedger;
  /** What a crash before the transaction committed leaves: nothing in the ledger. */
  const forget = () => {
    keys = new Map();
    natural = new Map();
  };
  return { ledger, natural: () => natural, forget };
}

/**
 * Temporal as far as submitting needs it: started workflow ids, each dossier's status attribute,
 * and the status its running workflow answers a query with (the attribute's, unless set in `live`;
 * `unanswered` when no worker answers).
 */
function fakeTemporal() {
  const statuses = new Map<string, string>();
  const live = new Map<string, string | 'unanswered'>();
  const client = {
    connection: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() },
    workflow: {
      start: async (_type: string, options: { workflowId: string }) => {
        if (statuses.has(options.workflowId))
          throw new WorkflowExecutionAlreadyStartedError('started', options.workflowId, 'birthBundle');
        statuses.set(options.workflowId, 'submitted');
      },
      getHandle: (dossierId: string) => ({
        describe: async () => {
          if (!statuses.has(dossierId)) throw new WorkflowNotFoundError('not found', dossierId, undefined);
          return { typedSearchAttributes: { get: () => statuses.get(dossierId) }, status: { name: 'RUNNING' } };
        },
        query: async () => {
          if (live.get(dossierId) === 'unanswered') throw new Error('no worker answered in time');
          return { status: live.get(dossierId) ?? statuses.get(dossierId) };
        },
      }),
    },
  } as unknown as Client;
  return { client, statuses, live };
}

function setup(checkPeople: () => Promise<undefined> = async () => undefined) {
  const { ledger, natural, forget } = fakeLedger();
  const { client, statuses, live } = fakeTemporal();
  /** Closed dossiers' final status, as the dossier records keep it beyond Temporal's retention. */
  const archived = new Map<string, string>();
  const submit = createSubmit({
    client,
    catalogue,
    ledger,
    settings: {},
    records: {
      get: async (dossierId: string) => archived.get(dossierId) && { status: archived.get(dossierId) },
    } as never,
    citizenKey: citizenKeyer(new TextEncoder().encode('unit-test-secret')),
    // The people an application names are checked in people-check.test.ts.
    checkPeople,
  });
  return { submit, statuses, live, natural, archived, forget };
}

const problemOf = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
};

/** One birth, applied for again and again: fixtures give every call of birthInput a birth of its own. */
const sameBirth = birthInput(5);
const oneBirth = () => structuredClone(sameBirth);

describe('submitting an application', () => {
  it('answers a repeated Idempotency-Key with the same dossier, running or ended, and refuses it for another application', async () => {
    const { submit, statuses } = setup();
    const first = await submit(oneBirth(), 'citizen-lan', 'key-00000001');
    expect(first.created).toBe(true);
    expect(await submit(oneBirth(), 'citizen-lan', 'key-00000001')).toEqual({ ...first, created: false });
    statuses.set(first.dossierId, 'result-returned');
    expect(await submit(oneBirth(), 'citizen-lan', 'key-00000001')).toEqual({ ...first, created: false });
    const girl = { ...oneBirth(), child: { ...oneBirth().child, sex: 'female' as const } };
    const problem = await problemOf(submit(girl, 'citizen-lan', 'key-00000001'));
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual([{ path: 'headers.idempotency-key', message: 'was used for another application' }]);
    expect(statuses.size).toBe(1);
  });

  it('answers a keyed retry with its dossier when the api died after starting it, before the people check that would now refuse it', async () => {
    let checks = 0;
    const { submit, statuses, forget } = setup(async () => {
      checks += 1;
      return undefined;
    });
    const first = await submit(oneBirth(), 'citizen-lan', 'key-00000002');
    forget();
    statuses.set(first.dossierId, 'processing');
    expect(await submit(oneBirth(), 'citizen-lan', 'key-00000002')).toEqual({ ...first, created: false });
    expect(checks).toBe(1);
    expect(statuses.size).toBe(1);
  });

  it('refuses a second application for one birth, naming the first dossier, until it ends without a result', async () => {
    const { submit, statuses, natural } = setup();
    const first = await submit(oneBirth(), 'citizen-lan');
    const again = await problemOf(submit(oneBirth(), 'citizen-lan', 'another-key-1'));
    expect(again.status).toBe(409);
    expect(again.extensions.dossierId).toBe(first.dossierId);
    expect(again.errors).toContainEqual({
      path: 'body.birthCertificateReference',
      message: `is the same as in dossier ${first.dossierId}`,
    });
    // A failed submission keeps no claim: neither its key nor a natural key.
    expect([...natural().values()]).toEqual([first.dossierId, first.dossierId]);

    statuses.set(first.dossierId, 'partially-completed');
    expect((await problemOf(submit(oneBirth(), 'citizen-lan'))).status).toBe(409);
    statuses.set(first.dossierId, 'withdrawn');
    const second = await submit(oneBirth(), 'citizen-lan', 'another-key-1');
    expect(second.created).toBe(true);
    expect([...natural().values()]).toEqual([second.dossierId, second.dossierId]);
  });

  it('accepts the birth again at once after its dossier was withdrawn, before the status attribute says so', async () => {
    const { submit, statuses, live } = setup();
    const first = await submit(oneBirth(), 'citizen-lan');
    statuses.set(first.dossierId, 'processing');
    // The workflow knows before its attribute does; a workflow that cannot answer keeps the claim.
    live.set(first.dossierId, 'unanswered');
    expect((await problemOf(submit(oneBirth(), 'citizen-lan'))).extensions.dossierId).toBe(first.dossierId);
    live.set(first.dossierId, 'withdrawn');
    const second = await submit(oneBirth(), 'citizen-lan');
    expect(second.created).toBe(true);
  });

  it('refuses the same mother, child and birth date under another certificate reference', async () => {
    const { submit } = setup();
    const first = await submit(oneBirth(), 'citizen-lan');
    const retyped = { ...oneBirth(), birthCertificateReference: 'GCS-TYPO-1' };
    const problem = await problemOf(submit(retyped, 'citizen-lan'));
    expect(problem.extensions.dossierId).toBe(first.dossierId);
    expect(problem.errors!.map((e) => e.path)).toEqual([
      'body.child.birthDate',
      'body.child.fullName',
      'body.mother.personalIdNumber',
    ]);
  });

  it('reads a dossier Temporal no longer has from its record, and frees a key no one knows any more', async () => {
    const { submit, statuses, archived } = setup();
    const first = await submit(oneBirth(), 'citizen-lan');
    statuses.delete(first.dossierId);
    archived.set(first.dossierId, 'result-returned');
    expect((await problemOf(submit(oneBirth(), 'citizen-lan'))).extensions.dossierId).toBe(first.dossierId);
    archived.delete(first.dossierId);
    expect((await submit(oneBirth(), 'citizen-lan')).created).toBe(true);
  });
});
