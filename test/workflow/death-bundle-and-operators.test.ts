import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { retryStepUpdate, skipStepUpdate, statusQuery, withdrawUpdate } from '../../workflows/messages';
import { birthInput, deathInput } from '../fixtures/dossiers';
import { useDossierHarness, type DossierHarness } from '../support/dossier-harness';

let env: TestWorkflowEnvironment;
let h: DossierHarness;
let n = 0;
const dossierId = () => `HS-20261123-OPS${String(++n).padStart(7, '0')}`;
const death = { deathExtractNumber: '001/2026/TK-000777', registeredAt: '2026-11-23T04:00:00.000Z' };

useDossierHarness((started) => ({ env, h } = started));

describe('death bundle variants', () => {
  it.each([
    [2, ['register-death', 'delete-residence']],
    [3, ['register-death', 'delete-residence', 'funeral-allowance']],
    [4, ['register-death', 'delete-residence', 'funeral-allowance', 'survivor-benefit']],
  ] as const)('variant %i runs exactly its steps to completion', async (variant, steps) => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: deathInput(variant) });
    await h.answer(handle, await h.command(id, 'register-death'), 'DeathRegistered.v1', death);
    await h.answer(handle, await h.command(id, 'delete-residence'), 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'XTT-001-000001',
      deletedAt: '2026-11-24T02:00:00.000Z',
    });
    if (variant >= 3) {
      const funeral = await h.command(id, 'funeral-allowance');
      expect(funeral.data).toMatchObject({ deathRegistration: { deathExtractNumber: '001/2026/TK-000777' } });
      await h.answer(handle, funeral, 'FuneralAllowanceDecided.v1', {
        decisionNumber: 'QĐ-MT-000001',
        amountVnd: 23_400_000,
      });
    }
    if (variant === 4) {
      const survivor = await h.command(id, 'survivor-benefit');
      expect(survivor.data).toMatchObject({ representativeIdNumber: '001180054321' });
      await h.answer(handle, survivor, 'SurvivorBenefitDecided.v1', {
        decisionNumber: 'QĐ-TT-000001',
        representativeIdNumber: '001180054321',
      });
    }
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('result-returned');
    expect(final.steps.map((s) => s.stepId)).toEqual(steps);
    expect(final.steps.every((s) => s.status === 'completed')).toBe(true);
    expect(new Set(h.commands.filter((c) => c.dossierId === id).map((c) => c.stepId))).toEqual(new Set(steps));
    await h.record(handle, `death-bundle-variant-${variant}`);
  });
});

describe('deadlines, retries and operators', () => {
  it('marks an unanswered step overdue at its legal deadline, re-sends it, then completes', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: deathInput(2), settings: { resendBackoffSeconds: 60 } });
    await h.answer(handle, await h.command(id, 'register-death'), 'DeathRegistered.v1', death);
    const first = await h.command(id, 'delete-residence', 1);
    // Due Tuesday 17:00 (Hanoi); re-sent a minute later, and that attempt is due Thursday.
    await env.sleep('2 days');
    const second = await h.command(id, 'delete-residence', 2);
    expect(second.commandId).toBe(`${id}/delete-residence/2`);
    const view = await handle.query(statusQuery);
    expect(view.steps[1]).toMatchObject({ status: 'retrying', attempts: 2 });
    // The overdue step was announced on the notifications topic.
    expect(
      h.notifications.some(
        (x) => x.dossierId === id && x.steps.some((s) => s.stepId === 'delete-residence' && s.status === 'overdue'),
      ),
    ).toBe(true);
    // The late answer to the first attempt is stale and ignored; the second attempt's answer counts.
    await h.answer(handle, first, 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'STALE',
      deletedAt: '2026-11-24T02:00:00.000Z',
    });
    await h.answer(handle, second, 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'XTT-001-000002',
      deletedAt: '2026-11-28T02:00:00.000Z',
    });
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('result-returned');
    expect(final.steps[1]?.result).toMatchObject({ deletionRecordNumber: 'XTT-001-000002' });
    expect(final.ignoredEvents).toBe(1);
  });

  it('fails a step after the last attempt, waits for an operator, and completes after an operator retry', async () => {
    const id = dossierId();
    const handle = await h.start({
      dossierId: id,
      input: deathInput(2),
      settings: { maxAttempts: 2, resendBackoffSeconds: 10 },
    });
    await h.answer(handle, await h.command(id, 'register-death'), 'DeathRegistered.v1', death);
    await h.command(id, 'delete-residence', 1);
    await env.sleep('4 days');
    await h.command(id, 'delete-residence', 2);
    await env.sleep('6 days');
    const stuck = await handle.query(statusQuery);
    expect(stuck.steps[1]).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'no answer from residence after 2 attempts',
    });
    // Still open, not terminated: a failed dossier waits for the operator.
    expect((await handle.describe()).status.name).toBe('RUNNING');

    await expect(
      handle.executeUpdate(retryStepUpdate, { args: [{ stepId: 'delete-residence', operator: 'op-1', reason: '' }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/reason/) } });
    await handle.executeUpdate(retryStepUpdate, {
      args: [{ stepId: 'delete-residence', operator: 'op-1', reason: 'police system back after outage' }],
    });
    const third = await h.command(id, 'delete-residence', 3);
    await h.answer(handle, third, 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'XTT-001-000003',
      deletedAt: '2026-12-03T02:00:00.000Z',
    });
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('result-returned');
    expect(final.operatorActions).toEqual([
      expect.objectContaining({
        action: 'retry-step',
        stepId: 'delete-residence',
        actor: 'op-1',
        reason: 'police system back after outage',
      }),
    ]);
    await h.record(handle, 'death-bundle-operator-retry');
  });

  it('lets an operator skip a failed step with a manual result', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: deathInput(3), settings: { maxAttempts: 1 } });
    await h.answer(handle, await h.command(id, 'register-death'), 'DeathRegistered.v1', death);
    await h.answer(handle, await h.command(id, 'delete-residence'), 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'XTT-1',
      deletedAt: '2026-11-24T02:00:00.000Z',
    });
    await h.command(id, 'funeral-allowance', 1);
    await env.sleep('20 days');
    expect((await handle.query(statusQuery)).steps[2]?.status).toBe('failed');
    await handle.executeUpdate(skipStepUpdate, {
      args: [
        {
          stepId: 'funeral-allowance',
          operator: 'op-2',
          reason: 'decided on paper at the district office',
          result: { decisionNumber: 'QĐ-GIẤY-12', amountVnd: 23_400_000 },
        },
      ],
    });
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('result-returned');
    expect(final.steps[2]).toMatchObject({
      status: 'skipped',
      result: { decisionNumber: 'QĐ-GIẤY-12', amountVnd: 23_400_000, skippedBy: 'op-2' },
    });
    await h.record(handle, 'death-bundle-operator-skip');
  });

  it('retries sending while the broker is down and never loses the command', async () => {
    const id = dossierId();
    h.sendFailures.remaining = 2;
    const handle = await h.start({ dossierId: id, input: deathInput(2) });
    const command = await h.command(id, 'register-death');
    expect(command.attempt).toBe(1);
    await h.answer(handle, command, 'DeathRegistrationRejected.v1', {
      reasonCode: 'ALREADY_DECEASED',
      message: 'already registered dead',
    });
    expect((await handle.result()).status).toBe('rejected');
  });

  it('ignores duplicate events and events for other commands', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    const birth = await h.command(id, 'register-birth');
    const eventId = await h.answer(handle, birth, 'CommandReceived.v1', {
      handling: 'manual',
      receivedAt: new Date().toISOString(),
    });
    await h.answer(
      handle,
      birth,
      'CommandReceived.v1',
      { handling: 'manual', receivedAt: new Date().toISOString() },
      eventId,
    );
    await h.answer(handle, { ...birth, commandId: `${id}/register-birth/9` }, 'BirthRegistered.v1', {
      birthCertificateNumber: 'X',
      childPersonalIdNumber: '001226000999',
      registeredAt: new Date().toISOString(),
    });
    await expect.poll(async () => (await handle.query(statusQuery)).ignoredEvents).toBe(2);
    expect((await handle.query(statusQuery)).steps[0]?.status).toBe('awaiting-agency-worker');
    await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'moved abroad', requestedBy: 'citizen' }] });
    await handle.result();
  });

  it('withdraws: cancels the outstanding steps and tells each agency concerned', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: deathInput(4) });
    await h.answer(handle, await h.command(id, 'register-death'), 'DeathRegistered.v1', death);
    await h.answer(handle, await h.command(id, 'delete-residence'), 'PermanentResidenceDeleted.v1', {
      deletionRecordNumber: 'XTT-9',
      deletedAt: '2026-11-24T02:00:00.000Z',
    });
    await h.command(id, 'funeral-allowance');
    await h.command(id, 'survivor-benefit');
    await handle.executeUpdate(withdrawUpdate, {
      args: [{ reason: 'family will apply at the office', requestedBy: 'citizen' }],
    });
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('withdrawn');
    expect(final.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'cancelled', 'cancelled']);
    const cancels = h.commands.filter((c) => c.dossierId === id && c.type === 'CancelCase.v1');
    expect(cancels.map((c) => [c.agency, c.data.cancelsCommandId]).sort()).toEqual([
      ['social-insurance', `${id}/funeral-allowance/1`],
      ['social-insurance', `${id}/survivor-benefit/1`],
    ]);
    await expect(
      handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'again please', requestedBy: 'citizen' }] }),
    ).rejects.toThrow();
    await h.record(handle, 'death-bundle-withdrawn');
  });

  it('outlives a bus outage longer than the command retries: notifications and cancellations wait for the broker', async () => {
    const id = dossierId();
    // About 15 simulated minutes of failures each (backoff capped at a minute): past the 12
    // attempts (about six minutes) a command send gets before it is handed to an operator.
    h.notifyFailures.remaining = 20;
    const handle = await h.start({ dossierId: id, input: deathInput(3) });
    await h.answer(handle, await h.command(id, 'register-death'), 'DeathRegistered.v1', death);
    await h.command(id, 'delete-residence');
    await h.command(id, 'funeral-allowance');
    h.cancelFailures.remaining = 20;
    await handle.executeUpdate(withdrawUpdate, {
      args: [{ reason: 'family will apply at the office', requestedBy: 'citizen' }],
    });
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('withdrawn');
    expect(h.notifyFailures.remaining).toBe(0);
    expect(h.cancelFailures.remaining).toBe(0);
    // Every cancellation reached its agency, and the citizen's last notification is the outcome.
    const cancels = h.commands.filter((c) => c.dossierId === id && c.type === 'CancelCase.v1');
    expect(cancels.map((c) => c.data.cancelsCommandId).sort()).toEqual([
      `${id}/delete-residence/1`,
      `${id}/funeral-allowance/1`,
    ]);
    const mine = h.notifications.filter((n) => n.dossierId === id);
    expect(mine.at(-1)?.status).toBe('withdrawn');
    expect(mine.map((n) => n.changedAt)).toEqual([...mine.map((n) => n.changedAt)].sort());
    await h.record(handle, 'death-bundle-bus-outage');
  });
});
