import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import type { AgencyCommandRequest } from '../../activities';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { retryStepUpdate, statusQuery, supplyInformationUpdate } from '../../workflows/messages';
import { birthInput, deathInput } from '../fixtures/dossiers';
import { useDossierHarness, type DossierHarness } from '../support/dossier-harness';

/**
 * A dossier can live for weeks; when its history grows long it continues as new, and the next run
 * must go on exactly where the last one stood: no step re-sent, no answer lost, no result forgotten.
 */
let env: TestWorkflowEnvironment;
let h: DossierHarness;
let n = 0;
const dossierId = () => `HS-20261123-CAN${String(++n).padStart(7, '0')}`;
// Well above the ~60 events the scenarios reach on their own, so only the redeliveries cross it.
const settings = { continueAsNewAfterEvents: 100 };

useDossierHarness((started) => ({ env, h } = started));

/**
 * Redelivers one already-applied event (as a replaying bridge would) until the first run continued
 * as new; returns how many it sent. It watches the run with describe, not queries: a query racing
 * the switch to the next run is not answered by the time-skipping test server.
 */
async function redeliverUntilContinued(
  handle: WorkflowHandleWithFirstExecutionRunId,
  command: AgencyCommandRequest,
  type: string,
  data: Record<string, unknown>,
): Promise<number> {
  const first = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
  const eventId = `redelivered-${handle.workflowId}`;
  for (let sent = 1; sent <= 100; sent += 1) {
    await h.answer(handle, command, type, data, eventId);
    const continued = await vi
      .waitFor(
        async () => {
          if ((await first.describe()).status.name !== 'CONTINUED_AS_NEW') throw new Error('still the first run');
        },
        { timeout: 300, interval: 25 },
      )
      .then(
        () => true,
        () => false,
      );
    if (continued) return sent;
  }
  throw new Error('the dossier never continued as new');
}

const sentFor = (id: string, stepId: string) =>
  h.commands.filter((c) => c.dossierId === id && c.stepId === stepId && c.type !== 'CancelCase.v1');

describe('continue-as-new', () => {
  it('carries every step across runs: a completed result, a citizen asked for information, an agency worker deciding', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput(), settings });
    const birth = await h.command(id, 'register-birth');
    const birthResult = {
      birthCertificateNumber: '001/2026/KS-000321',
      childPersonalIdNumber: '001226000321',
      registeredAt: '2026-11-23T04:00:00.000Z',
    };
    await h.answer(handle, birth, 'BirthRegistered.v1', birthResult);
    const residence = await h.command(id, 'register-residence', 1);
    const card = await h.command(id, 'issue-health-insurance-card', 1);
    await h.answer(handle, residence, 'AdditionalInformationRequested.v1', {
      fields: ['residence.ownerConsent'],
      message: 'the owner must consent',
    });
    await h.answer(handle, card, 'CommandReceived.v1', { handling: 'manual', receivedAt: '2026-11-23T05:00:00.000Z' });
    await expect
      .poll(async () => (await handle.query(statusQuery)).steps.map((s) => s.status))
      .toEqual(['completed', 'awaiting-citizen', 'awaiting-agency-worker']);
    const before = await handle.query(statusQuery);

    const redelivered = await redeliverUntilContinued(handle, birth, 'BirthRegistered.v1', birthResult);

    // The next run answers queries with the same picture, and counts the redeliveries it ignored.
    await expect
      .poll(async () => (await handle.query(statusQuery)).ignoredEvents)
      .toBe(before.ignoredEvents + redelivered);
    const after = await handle.query(statusQuery);
    expect(after.steps).toEqual(before.steps);
    expect(after.status).toBe('additional-info-requested');

    // The citizen answers in the new run; the re-sent residence command still carries the birth registration.
    await handle.executeUpdate(supplyInformationUpdate, {
      args: [{ stepId: 'register-residence', fields: { 'residence.ownerConsent': 'yes' } }],
    });
    const residence2 = await h.command(id, 'register-residence', 2);
    expect(residence2.data).toMatchObject({
      supplement: { 'residence.ownerConsent': 'yes' },
      birthRegistration: {
        birthCertificateNumber: birthResult.birthCertificateNumber,
        childPersonalIdNumber: birthResult.childPersonalIdNumber,
      },
    });
    await h.answer(handle, residence2, 'PermanentResidenceRegistered.v1', {
      residenceRegistrationNumber: 'TT-001-2026-000046',
      householdId: 'HK-001-000777',
      registeredAt: '2026-11-24T02:00:00.000Z',
    });
    // The worker's decision answers the command sent before the new run: nothing was re-sent.
    await h.answer(handle, card, 'HealthInsuranceCardIssued.v1', {
      socialInsuranceNumber: '0126000321',
      cardNumber: 'TE1010126000321',
      validFrom: '2026-11-13',
      validTo: '2032-09-30',
    });

    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('result-returned');
    expect(final.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['register-birth', 'completed', 1],
      ['register-residence', 'completed', 2],
      ['issue-health-insurance-card', 'completed', 1],
    ]);
    expect(sentFor(id, 'register-birth')).toHaveLength(1);
    expect(sentFor(id, 'issue-health-insurance-card')).toHaveLength(1);
    expect(sentFor(id, 'register-residence').map((c) => c.attempt)).toEqual([1, 2]);
    // Every status change was announced once, across both runs.
    const announced = h.notifications.filter((x) => x.dossierId === id).map((x) => x.status);
    expect(announced.at(-1)).toBe('result-returned');
    expect(announced.filter((s) => s === 'additional-info-requested')).toHaveLength(1);
    await h.record(env.client.workflow.getHandle(id, handle.firstExecutionRunId), 'birth-bundle-continued-as-new');
  });

  it('keeps a failed step waiting for its operator in the next run, and the retry works there', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: deathInput(2), settings: { ...settings, maxAttempts: 1 } });
    const death = await h.command(id, 'register-death');
    const deathResult = { deathExtractNumber: '001/2026/TK-000888', registeredAt: '2026-11-23T04:00:00.000Z' };
    await h.answer(handle, death, 'DeathRegistered.v1', deathResult);
    await h.command(id, 'delete-residence', 1);
    await env.sleep('4 days');
    await expect.poll(async () => (await handle.query(statusQuery)).steps[1]?.status).toBe('failed');

    await redeliverUntilContinued(handle, death, 'DeathRegistered.v1', deathResult);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await handle.query(statusQuery)).steps[1]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'no answer from residence after 1 attempts',
    });

    await handle.executeUpdate(retryStepUpdate, {
      args: [{ stepId: 'delete-residence', operator: 'op-7', reason: 'police registry repaired' }],
    });
    const retried = await h.command(id, 'delete-residence', 2);
    expect(retried.data).toMatchObject({ deathRegistration: { deathExtractNumber: deathResult.deathExtractNumber } });
    await h.answer(handle, retried, 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'XTT-001-000888',
      deletedAt: '2026-11-30T02:00:00.000Z',
    });
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('result-returned');
    expect(final.operatorActions).toEqual([
      expect.objectContaining({ action: 'retry-step', stepId: 'delete-residence', actor: 'op-7' }),
    ]);
  });

  it('does not continue as new on its own while the history is short', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: deathInput(2) });
    await h.answer(handle, await h.command(id, 'register-death'), 'DeathRegistered.v1', {
      deathExtractNumber: '001/2026/TK-000889',
      registeredAt: '2026-11-23T04:00:00.000Z',
    });
    await h.answer(handle, await h.command(id, 'delete-residence'), 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'XTT-001-000889',
      deletedAt: '2026-11-24T02:00:00.000Z',
    });
    expect((await handle.result()).status).toBe('result-returned');
    expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
  });
});
