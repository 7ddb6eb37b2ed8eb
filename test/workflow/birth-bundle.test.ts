import { describe, expect, it } from 'vitest';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { statusQuery, supplyInformationUpdate, withdrawUpdate } from '../../workflows/messages';
import { birthInput } from '../fixtures/dossiers';
import { useDossierHarness, type DossierHarness } from '../support/dossier-harness';

let h: DossierHarness;
let n = 0;
const dossierId = () => `HS-20261123-BIRTH${String(++n).padStart(5, '0')}`;

useDossierHarness((started) => (h = started.h));

const birthResult = {
  birthCertificateNumber: '001/2026/KS-000123',
  childPersonalIdNumber: '001226000123',
  registeredAt: '2026-11-23T04:00:00.000Z',
};
const residenceResult = {
  residenceRegistrationNumber: 'TT-001-2026-000045',
  householdId: 'HK-001-000777',
  registeredAt: '2026-11-24T02:00:00.000Z',
};
const cardResult = {
  socialInsuranceNumber: '0126000123',
  cardNumber: 'TE1010126000123',
  validFrom: '2026-11-13',
  validTo: '2032-09-30',
};

describe('birth bundle', () => {
  it('registers the birth, then residence and card in parallel, and returns the results', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    const birth = await h.command(id, 'register-birth');
    expect(birth).toMatchObject({
      agency: 'civil-status',
      type: 'RegisterBirth.v1',
      attempt: 1,
      commandId: `${id}/register-birth/1`,
    });
    await h.answer(handle, birth, 'CommandReceived.v1', {
      handling: 'automatic',
      receivedAt: new Date().toISOString(),
    });
    await h.answer(handle, birth, 'BirthRegistered.v1', birthResult);

    const residence = await h.command(id, 'register-residence');
    const card = await h.command(id, 'issue-health-insurance-card');
    expect(residence.data).toMatchObject({
      birthRegistration: { birthCertificateNumber: '001/2026/KS-000123', childPersonalIdNumber: '001226000123' },
      parentIdNumber: '001190012345',
    });
    expect(card.type).toBe('IssueHealthInsuranceCard.v1');
    const during = await handle.query(statusQuery);
    expect(during.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['register-birth', 'completed'],
      ['register-residence', 'sent'],
      ['issue-health-insurance-card', 'sent'],
    ]);
    await h.answer(handle, residence, 'PermanentResidenceRegistered.v1', residenceResult);
    await h.answer(handle, card, 'HealthInsuranceCardIssued.v1', cardResult);

    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('result-returned');
    expect(final.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect(final.steps[0]?.result).toMatchObject({
      birthCertificateNumber: '001/2026/KS-000123',
      childPersonalIdNumber: '001226000123',
    });
    expect(final.steps[2]?.result).toMatchObject({ cardNumber: 'TE1010126000123', validTo: '2032-09-30' });
    expect(final.steps[0]?.acknowledgedAt).toBeDefined();
    // Residence and the card answered without a receipt (an agency that decides at once sends none).
    expect(final.steps[1]?.acknowledgedAt).toEqual(expect.any(String));
    const statuses = h.notifications.filter((x) => x.dossierId === id).map((x) => x.status);
    expect(statuses).toEqual(['received', 'processing', 'processed', 'result-returned']);
    await h.record(handle, 'birth-bundle-completed');
  });

  it('costs a happy birth one local activity per status change batch, within 30 events and 5 workflow tasks', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    const birth = await h.command(id, 'register-birth');
    await h.answer(handle, birth, 'BirthRegistered.v1', birthResult);
    const residence = await h.command(id, 'register-residence');
    const card = await h.command(id, 'issue-health-insurance-card');
    await h.answer(handle, residence, 'PermanentResidenceRegistered.v1', residenceResult);
    await h.answer(handle, card, 'HealthInsuranceCardIssued.v1', cardResult);
    expect((await handle.result()).status).toBe('result-returned');

    const events = (await handle.fetchHistory()).events ?? [];
    const count = (kind: (e: (typeof events)[number]) => unknown) => events.filter(kind).length;
    // One batch when the dossier is received (the birth command with its 'received' change), one
    // when the birth result starts the parallel stage, one when the dossier closes.
    expect(count((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toBe(3);
    expect(count((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(1);
    expect(count((e) => e.activityTaskScheduledEventAttributes)).toBe(0);
    expect(count((e) => e.workflowTaskCompletedEventAttributes)).toBeLessThanOrEqual(5);
    expect(events.length).toBeLessThanOrEqual(30);
  });

  it('rejects the dossier when the birth registration is rejected, cancelling the later steps', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    const birth = await h.command(id, 'register-birth');
    await h.answer(handle, birth, 'BirthRegistrationRejected.v1', {
      reasonCode: 'LATE_REGISTRATION',
      message: 'born more than 60 days ago',
    });
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('rejected');
    expect(final.steps.map((s) => s.status)).toEqual(['rejected', 'cancelled', 'cancelled']);
    expect(final.steps[0]?.rejection).toEqual({
      reasonCode: 'LATE_REGISTRATION',
      message: 'born more than 60 days ago',
    });
    expect(h.commands.filter((c) => c.dossierId === id).map((c) => c.stepId)).toEqual(['register-birth']);
    await h.record(handle, 'birth-bundle-rejected');
  });

  it('ends partially completed when one parallel step is rejected and the other completes', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    await h.answer(handle, await h.command(id, 'register-birth'), 'BirthRegistered.v1', birthResult);
    await h.answer(handle, await h.command(id, 'register-residence'), 'PermanentResidenceRegistrationRejected.v1', {
      reasonCode: 'ADDRESS_NOT_PARENT_RESIDENCE',
      message: 'the mother does not live at this address',
    });
    await h.answer(
      handle,
      await h.command(id, 'issue-health-insurance-card'),
      'HealthInsuranceCardIssued.v1',
      cardResult,
    );
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('partially-completed');
    expect(final.steps.map((s) => s.status)).toEqual(['completed', 'rejected', 'completed']);
    expect(final.steps[1]?.rejection?.reasonCode).toBe('ADDRESS_NOT_PARENT_RESIDENCE');
  });

  it('asks the citizen for information, re-sends with the supplement, then completes', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    const first = await h.command(id, 'register-birth');
    await h.answer(handle, first, 'AdditionalInformationRequested.v1', {
      fields: ['birthCertificateReference'],
      message: 'the hospital reference is illegible',
    });
    await expect.poll(async () => (await handle.query(statusQuery)).status).toBe('additional-info-requested');
    const waiting = await handle.query(statusQuery);
    expect(waiting.steps[0]).toMatchObject({
      status: 'awaiting-citizen',
      informationRequest: { fields: ['birthCertificateReference'] },
    });

    await handle.executeUpdate(supplyInformationUpdate, {
      args: [{ stepId: 'register-birth', fields: { birthCertificateReference: 'GCS-2026-004513' } }],
    });
    const second = await h.command(id, 'register-birth', 2);
    expect(second.data.supplement).toEqual({ birthCertificateReference: 'GCS-2026-004513' });
    expect(second.commandId).toBe(`${id}/register-birth/2`);
    await h.answer(handle, second, 'BirthRegistered.v1', birthResult);
    await h.answer(
      handle,
      await h.command(id, 'register-residence'),
      'PermanentResidenceRegistered.v1',
      residenceResult,
    );
    await h.answer(
      handle,
      await h.command(id, 'issue-health-insurance-card'),
      'HealthInsuranceCardIssued.v1',
      cardResult,
    );
    expect((await handle.result()).status).toBe('result-returned');
    await h.record(handle, 'birth-bundle-information-supplied');
  });

  it('shows which step waits for an agency worker, and why', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    const birth = await h.command(id, 'register-birth');
    await h.answer(handle, birth, 'CommandReceived.v1', {
      handling: 'manual',
      receivedAt: new Date().toISOString(),
      flags: ['father-deceased'],
    });
    await expect
      .poll(async () => (await handle.query(statusQuery)).steps[0])
      .toMatchObject({ status: 'awaiting-agency-worker', reviewFlags: ['father-deceased'] });
    await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'test over', requestedBy: 'citizen' }] });
    await handle.result();
  });

  it('sends every answer the citizen gave with the next attempt when the agency asks twice', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    const ask = async (attempt: number, field: string, value: string) => {
      await h.answer(handle, await h.command(id, 'register-birth', attempt), 'AdditionalInformationRequested.v1', {
        fields: [field],
        message: `please give ${field}`,
      });
      await expect.poll(async () => (await handle.query(statusQuery)).status).toBe('additional-info-requested');
      await handle.executeUpdate(supplyInformationUpdate, {
        args: [{ stepId: 'register-birth', fields: { [field]: value } }],
      });
    };
    await ask(1, 'birthCertificateReference', 'GCS-2026-004513');
    await ask(2, 'child.fullName', 'Trần Minh An');
    const third = await h.command(id, 'register-birth', 3);
    expect(third.data.supplement).toEqual({
      birthCertificateReference: 'GCS-2026-004513',
      'child.fullName': 'Trần Minh An',
    });
    await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'test over', requestedBy: 'citizen' }] });
    await handle.result();
  });

  it('rejects the dossier when the information is not supplied within 7 working days', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    await h.answer(handle, await h.command(id, 'register-birth'), 'AdditionalInformationRequested.v1', {
      fields: ['father.fullName'],
      message: 'spelling of the father name',
    });
    await expect.poll(async () => (await handle.query(statusQuery)).status).toBe('additional-info-requested');
    const final: DossierStatusView = await handle.result();
    expect(final.status).toBe('rejected');
    expect(final.steps[0]?.rejection?.reasonCode).toBe('INFORMATION_NOT_SUPPLIED');
    const cancel = h.commands.find((c) => c.dossierId === id && c.type === 'CancelCase.v1');
    expect(cancel?.data).toMatchObject({ cancelsCommandId: `${id}/register-birth/1` });
  });

  it('refuses an invalid supplement without a trace in history', async () => {
    const id = dossierId();
    const handle = await h.start({ dossierId: id, input: birthInput() });
    await h.answer(handle, await h.command(id, 'register-birth'), 'AdditionalInformationRequested.v1', {
      fields: ['birthCertificateReference'],
      message: 'illegible',
    });
    await expect.poll(async () => (await handle.query(statusQuery)).status).toBe('additional-info-requested');
    await expect(
      handle.executeUpdate(supplyInformationUpdate, { args: [{ stepId: 'register-birth', fields: {} }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/fields: must supply at least one field/) } });
    await expect(
      handle.executeUpdate(supplyInformationUpdate, { args: [{ stepId: 'register-residence', fields: { x: 'y' } }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not waiting for information/) } });
    const history = await handle.fetchHistory();
    const updateEvents = (history.events ?? []).filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateCompletedEventAttributes,
    );
    expect(updateEvents).toHaveLength(0);
    await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'applied by mistake', requestedBy: 'citizen' }] });
    expect((await handle.result()).status).toBe('withdrawn');
  });
});
