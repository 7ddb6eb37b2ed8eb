import { testAccess } from '../support/registry-fixtures';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { agencyIds } from '../../contracts/agencies';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { catalogue, type DossierInput } from '../../contracts/procedures';
import { createLogger } from '../../platform/logger';
import { statusQuery, supplyInformationUpdate } from '../../workflows/messages';
import { birthInput, deathInput } from '../fixtures/dossiers';
import { startSystem } from '../support/system';

const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
let system: Awaited<ReturnType<typeof startSystem>>;
const newDossierId = () => `HS-20261123-${randomBytes(5).toString('hex').toUpperCase()}`;

beforeAll(async () => {
  system = await startSystem(endpoints, log);
});
afterAll(async () => {
  await system?.stop();
});

async function submit(input: DossierInput) {
  const dossierId = newDossierId();
  const handle = await system.client.workflow.start(catalogue.procedureOf(input).workflowType, {
    taskQueue: orchestratorTaskQueue,
    workflowId: dossierId,
    args: [{ dossierId, input }],
  });
  return { dossierId, handle };
}

const resultOf = (view: DossierStatusView, stepId: string) => view.steps.find((s) => s.stepId === stepId)?.result ?? {};

describe('end to end on real Temporal, Kafka, PostgreSQL and agency services', () => {
  it('completes a birth bundle with a real certificate, ID number, residence registration and card', async () => {
    const { handle } = await submit(birthInput(12));
    const view: DossierStatusView = await handle.result();
    expect(view.status).toBe('result-returned');
    expect(view.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['register-birth', 'completed'],
      ['register-residence', 'completed'],
      ['issue-health-insurance-card', 'completed'],
    ]);
    const year = new Date().getUTCFullYear();
    const birth = resultOf(view, 'register-birth');
    expect(birth.birthCertificateNumber).toMatch(new RegExp(`^001/${year}/KS-\\d{6}$`));
    expect(birth.childPersonalIdNumber).toMatch(new RegExp(`^0012${String(year).slice(2)}\\d{6}$`));
    expect(resultOf(view, 'register-residence')).toMatchObject({
      residenceRegistrationNumber: expect.stringMatching(/^TT-001-\d{4}-\d{6}$/),
      householdId: 'HK-001-DEMO001',
    });
    expect(resultOf(view, 'issue-health-insurance-card')).toMatchObject({
      cardNumber: expect.stringMatching(/^TE101\d{10}$/),
      validTo: expect.stringMatching(/-09-30$|-\d\d-3[01]$|-\d\d-2[89]$/),
    });
    expect(view.steps.every((s) => s.acknowledgedAt)).toBe(true);
  });

  it('completes a 4-procedure death bundle and pays the funeral allowance once', async () => {
    const { handle } = await submit(deathInput(4, 2));
    const view: DossierStatusView = await handle.result();
    expect(view.status).toBe('result-returned');
    expect(resultOf(view, 'register-death').deathExtractNumber).toMatch(/^001\/\d{4}\/TK-\d{6}$/);
    expect(resultOf(view, 'funeral-allowance')).toMatchObject({ amountVnd: 23_400_000 });
    expect(resultOf(view, 'survivor-benefit')).toMatchObject({ representativeIdNumber: '001180054321' });
    const again = await submit(deathInput(2, 2));
    const rejected: DossierStatusView = await again.handle.result();
    expect(rejected.status).toBe('rejected');
    expect(rejected.steps[0]?.rejection?.reasonCode).toBe('ALREADY_DECEASED');
  });

  it('registers the death of a child born through a birth bundle: every step finds the child, every agency sees the death', async () => {
    const birth = birthInput(10);
    const born: DossierStatusView = await (await submit(birth)).handle.result();
    expect(born.status).toBe('result-returned');
    const childId = String(resultOf(born, 'register-birth').childPersonalIdNumber);
    const death = deathInput(2, 1);
    death.applicant = { ...birth.mother!, relationship: 'parent' };
    death.deceased = {
      ...death.deceased,
      personalIdNumber: childId,
      fullName: birth.child.fullName,
      sex: birth.child.sex,
      birthDate: birth.child.birthDate,
      placeOfDeath: birth.residence.address,
    };
    const died: DossierStatusView = await (await submit(death)).handle.result();
    expect(died.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['register-death', 'completed'],
      ['delete-residence', 'completed'],
    ]);
    expect(died.status).toBe('result-returned');
    expect((await system.registry.service.find(childId, testAccess))?.citizen.alive).toBe(false);
    for (const agency of agencyIds)
      await expect
        .poll(async () => (await system.agencies[agency].population.find(childId))?.alive, { timeout: 15_000 })
        .toBe(false);
  });

  it('registers the residence with the consents the citizen supplies when the agency asks for them', async () => {
    const input = birthInput(14);
    // The father lives at the mother's address without owning it: rule 5 needs the consents.
    input.residence = { ...input.residence, parent: 'father', householdHeadConsent: false, ownerConsent: false };
    const { handle } = await submit(input);
    const residenceStep = async () =>
      (await handle.query(statusQuery)).steps.find((s) => s.stepId === 'register-residence');
    await expect.poll(async () => (await residenceStep())?.status, { timeout: 30_000 }).toBe('awaiting-citizen');
    expect((await residenceStep())?.informationRequest?.fields).toEqual([
      'residence.householdHeadConsent',
      'residence.ownerConsent',
    ]);

    await handle.executeUpdate(supplyInformationUpdate, {
      args: [{ stepId: 'register-residence', fields: { 'residence.ownerConsent': 'perhaps' } }],
    });
    await expect
      .poll(async () => (await residenceStep())?.informationRequest?.fields, { timeout: 30_000 })
      .toEqual(['residence.ownerConsent']);
    expect((await residenceStep())?.informationRequest?.message).toMatch(/"residence\.ownerConsent" must be yes or no/);

    await handle.executeUpdate(supplyInformationUpdate, {
      args: [
        {
          stepId: 'register-residence',
          fields: { 'residence.householdHeadConsent': 'có', 'residence.ownerConsent': 'true' },
        },
      ],
    });
    const view: DossierStatusView = await handle.result();
    expect(view.status).toBe('result-returned');
    expect(view.steps.find((s) => s.stepId === 'register-residence')).toMatchObject({
      status: 'completed',
      attempts: 3,
      result: { householdId: 'HK-001-DEMO001' },
    });
  });

  it('waits for an agency worker when the agency is on the manual policy', async () => {
    await system.restartAgency('residence', 'manual');
    const { dossierId, handle } = await submit(birthInput(5));
    const office = system.agencies.residence.backOffice;
    const task = await expect
      .poll(async () => (await office.listTasks()).find((t) => t.dossierId === dossierId), { timeout: 30_000 })
      .toBeDefined()
      .then(async () => (await office.listTasks()).find((t) => t.dossierId === dossierId)!);
    await expect
      .poll(async () => (await handle.query(statusQuery)).steps[1]?.status, { timeout: 15_000 })
      .toBe('awaiting-agency-worker');
    expect(await office.claim(task.taskId, 'officer-a')).toBe(true);
    expect(await office.claim(task.taskId, 'officer-b')).toBe(false);
    expect(await office.complete(task.taskId, 'officer-b', { decision: 'approve' })).toBe(false);
    expect(await office.complete(task.taskId, 'officer-a', { decision: 'approve' })).toBe(true);
    const view: DossierStatusView = await handle.result();
    expect(view.status).toBe('result-returned');
    expect(resultOf(view, 'register-residence').householdId).toBe('HK-001-DEMO001');
    await system.restartAgency('residence', 'auto');
  });

  it('completes a dossier whose orchestrator worker was killed mid-way, issuing each result once', async () => {
    await system.restartAgency('social-insurance', 'manual');
    const { dossierId, handle } = await submit(birthInput(20));
    const office = system.agencies['social-insurance'].backOffice;
    await expect
      .poll(async () => (await office.listTasks()).some((t) => t.dossierId === dossierId), { timeout: 30_000 })
      .toBe(true);
    await system.stopOrchestrator();
    const task = (await office.listTasks()).find((t) => t.dossierId === dossierId)!;
    expect(await office.claim(task.taskId, 'officer-c')).toBe(true);
    expect(await office.complete(task.taskId, 'officer-c', { decision: 'approve' })).toBe(true);
    await system.restartOrchestrator();
    const view: DossierStatusView = await handle.result();
    expect(view.status).toBe('result-returned');
    const certificates = await system.pools['civil-status'].query(
      "select count(*)::int as n from issued_numbers where kind = 'birth-certificate' and command_id like $1",
      [`${dossierId}/%`],
    );
    expect(certificates.rows[0]).toEqual({ n: 1 });
    const cards = await system.pools['social-insurance'].query(
      "select count(*)::int as n from issued_numbers where kind = 'social-insurance-number' and command_id like $1",
      [`${dossierId}/%`],
    );
    expect(cards.rows[0]).toEqual({ n: 1 });
    await system.restartAgency('social-insurance', 'auto');
  });
});
