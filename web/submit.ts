import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DossierStatus } from '../contracts/dossier-status';
import { orchestratorTaskQueue, type DossierSettings } from '../contracts/dossier-workflow';
import type { Catalogue } from '../contracts/procedures';
import type { ProcedureInputBase } from '../contracts/procedures/define';
import { dossierSearchKeys } from '../contracts/search-attributes';
import type { DossierRecords } from '../platform/dossier-records';
import type { CitizenKeyer } from '../platform/pseudonym';
import { statusQuery } from '../workflows/messages';
import type { PeopleCheck } from './people-check';
import { HttpProblem, unprocessable } from './problems';
import { applicationHash, idempotentDossierId, newDossierId } from './submission-ids';
import type { LedgerTransaction, SubmissionLedger } from './submission-ledger';

/** The statuses after which the same birth or death may be applied for again: nothing was registered. */
const reopeningStatuses: readonly DossierStatus[] = ['rejected', 'not-accepted', 'withdrawn'];

/** How long a conflicting submission asks the holding dossier's workflow for its status. */
const liveStatusTimeoutMs = 2_000;

export interface Submission {
  dossierId: string;
  created: boolean;
}

const keyReused = () =>
  unprocessable('this Idempotency-Key was used for another application; send a new key with a new application', [
    { path: 'headers.idempotency-key', message: 'was used for another application' },
  ]);

/** A 409 naming the dossier that holds the application's natural keys, and each key's fields. */
const alreadyApplied = (conflicts: readonly { holder: string; fields: readonly string[] }[]) => {
  const holder = conflicts[0]!.holder;
  return new HttpProblem(
    409,
    'Conflict',
    `this application is for the same ${conflicts.flatMap((c) => c.fields).join(', ')} as dossier ${holder}; apply again only if it ends rejected, not accepted or withdrawn`,
    conflicts.flatMap((c) =>
      c.fields.map((field) => ({ path: `body.${field}`, message: `is the same as in dossier ${c.holder}` })),
    ),
    { dossierId: holder },
  );
};

/**
 * Submitting an application: at most one dossier per Idempotency-Key (bound to the submitter and
 * the application) and per natural key of the procedure (one birth, one death), both kept in the
 * ledger; Temporal's id policies refuse a second run under one dossier id behind it. The people it
 * names must be in the population registry as the application names them.
 */
export function createSubmit(deps: {
  client: Client;
  citizenKey: CitizenKeyer;
  catalogue: Catalogue;
  ledger: SubmissionLedger;
  settings: Partial<DossierSettings>;
  /** Closed dossiers kept beyond Temporal's retention. */
  records?: DossierRecords;
  /** Checks the people the application names against the population registry. */
  checkPeople: PeopleCheck;
}) {
  const { client, citizenKey, catalogue, ledger, settings, records, checkPeople } = deps;

  /**
   * Whether a dossier still holds its application's natural keys. Read from Temporal when a key
   * conflicts rather than kept in the ledger: the workflow is the one source of a dossier's status,
   * a copy would need every status change written back, and conflicts are rare. describe() reads
   * the DossierStatus search attribute the workflow upserts, running or closed, without a worker;
   * a dossier closed longer ago than the namespace's retention is read from its record. One that
   * is in neither holds nothing.
   */
  async function holds(dossierId: string): Promise<boolean> {
    const current = await currentStatus(dossierId);
    if (current === undefined || reopeningStatuses.includes(current.status as DossierStatus)) return false;
    if (!current.running) return true;
    // The attribute trails a running workflow by a moment (it is upserted once the task's commands
    // are out): a dossier withdrawn just now still reads as holding. The workflow itself knows.
    const live = await liveStatus(dossierId);
    return live === undefined || !reopeningStatuses.includes(live);
  }

  /** A dossier's status from its workflow's own state; undefined if it cannot say within 2 s. */
  async function liveStatus(dossierId: string): Promise<DossierStatus | undefined> {
    try {
      const view = await client.connection.withDeadline(Date.now() + liveStatusTimeoutMs, () =>
        client.workflow.getHandle(dossierId).query(statusQuery),
      );
      return view.status;
    } catch {
      // No worker, or Temporal away: the attribute's answer stands.
      return undefined;
    }
  }

  /** The dossier's status from Temporal (and whether it runs), else from its record; undefined if neither knows it. */
  async function currentStatus(dossierId: string): Promise<{ status: string; running: boolean } | undefined> {
    try {
      const described = await client.workflow.getHandle(dossierId).describe();
      return {
        // Every dossier starts with the attribute set; 'submitted' only guards a run started otherwise.
        status: described.typedSearchAttributes.get(dossierSearchKeys.DossierStatus) ?? 'submitted',
        running: described.status.name === 'RUNNING',
      };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const record = await records?.get(dossierId);
      return record && { status: record.status, running: false };
    }
  }

  /** Claims a natural key for the dossier, taking it over from one that ended without a result; else the holder. */
  async function claim(tx: LedgerTransaction, key: string, dossierId: string): Promise<string | undefined> {
    // Each round that fails to take over means a concurrent submission did, and its new dossier holds the key.
    for (let round = 0; ; round++) {
      const holder = await tx.claimNaturalKey(key, dossierId);
      if (holder === undefined || holder === dossierId) return undefined;
      if (round >= 3 || (await holds(holder))) return holder;
      if (await tx.takeOverNaturalKey(key, holder, dossierId)) return undefined;
    }
  }

  return async function submit(
    input: ProcedureInputBase,
    subject: string,
    idempotencyKey?: string,
  ): Promise<Submission> {
    const procedure = catalogue.procedureOf(input);
    const bodyHash = applicationHash(input);
    const dossierId = idempotencyKey ? idempotentDossierId(subject, idempotencyKey, bodyHash) : newDossierId();
    // Stored pseudonymised (keyed HMAC): the table holds no ID numbers or names. Sorted, so
    // concurrent submissions lock the same keys in the same order.
    const naturalKeys = procedure
      .uniqueKeys(input)
      .map((key) => ({ fields: key.fields, stored: citizenKey(key.value) }))
      .sort((a, b) => (a.stored < b.stored ? -1 : a.stored > b.stored ? 1 : 0));

    // The claims commit only once the workflow has started; a concurrent submission of the same
    // key or the same birth waits on them and then finds this dossier.
    return ledger.transaction(async (tx) => {
      if (idempotencyKey) {
        const found = await tx.claimIdempotencyKey({ subject, key: idempotencyKey, bodyHash, dossierId });
        if (!found.claimed) {
          if (found.bodyHash !== bodyHash) throw keyReused();
          return { dossierId: found.dossierId, created: false };
        }
      }
      const conflicts = [];
      for (const key of naturalKeys) {
        const holder = await claim(tx, key.stored, dossierId);
        if (holder) conflicts.push({ holder, fields: key.fields });
      }
      if (conflicts.length > 0) throw alreadyApplied(conflicts);
      // A keyed retry whose first attempt started the workflow and then lost its ledger entry (the api
      // died before this transaction committed): the dossier exists and may already have registered
      // the death, so the people check below would refuse the application its own dossier carries out.
      if (idempotencyKey && (await currentStatus(dossierId)) !== undefined) return { dossierId, created: false };
      // After the keys: a retry finds its dossier, and a second application for one death is told
      // which dossier holds it, rather than that the person is already registered dead.
      await checkPeople(procedure, input, {
        actor: subject,
        organisation: 'portal',
        dossierId,
        purpose: 'application-check',
      });
      const citizenId = citizenKey(input.applicant.personalIdNumber);
      try {
        await client.workflow.start(procedure.workflowType, {
          taskQueue: orchestratorTaskQueue,
          workflowId: dossierId,
          args: [{ dossierId, input, settings, citizenKey: citizenId }],
          typedSearchAttributes: [
            { key: dossierSearchKeys.CitizenId, value: citizenId },
            { key: dossierSearchKeys.ProcedureKind, value: input.procedure },
            { key: dossierSearchKeys.DossierStatus, value: 'submitted' },
          ],
          // Behind the ledger: never a second run under one dossier id, running or closed.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
        });
        return { dossierId, created: true };
      } catch (err) {
        // A keyed retry whose first attempt started the workflow but lost its ledger entry.
        if (idempotencyKey && err instanceof WorkflowExecutionAlreadyStartedError) return { dossierId, created: false };
        throw err;
      }
    });
  };
}
