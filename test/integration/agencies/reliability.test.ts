import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkaFor } from '../../../platform/kafka';
import { createLogger } from '../../../platform/logger';
import { birthInput } from '../../fixtures/dossiers';
import { buildBackOfficeServer, httpBackOffice } from '../../../agencies/runtime/back-office-http';
import { isolatedAgency } from '../../support/agency-fixtures';

/** The agency's guarantees: each command once, nothing lost between commit and publish, one worker per task. */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'agency-reliability' }, log);

const birth = birthInput(10);
const registerBirth = {
  applicant: birth.applicant,
  child: birth.child,
  mother: birth.mother,
  father: birth.father,
  birthCertificateReference: birth.birthCertificateReference,
};
const birthRegistration = { birthCertificateNumber: '001/2026/KS-999998', childPersonalIdNumber: '001226999998' };
const distinctIds = (events: { attributes: { id: string } }[]) => new Set(events.map((e) => e.attributes.id)).size;

describe('civil status and social insurance handle each command once', () => {
  let civil: Awaited<ReturnType<typeof isolatedAgency>>;
  let insurance: Awaited<ReturnType<typeof isolatedAgency>>;
  beforeAll(async () => {
    civil = await isolatedAgency(kafka, endpoints, 'civil-status', log);
    insurance = await isolatedAgency(kafka, endpoints, 'social-insurance', log);
  });
  afterAll(async () => {
    await civil?.stop();
    await insurance?.stop();
  });

  it('issues one certificate and one ID number for a birth command delivered twice, and answers the duplicate with the same events', async () => {
    const commandId = await civil.send('RegisterBirth.v1', registerBirth, 'HS-DUP-1', 'register-birth');
    const first = await civil.events.waitFor(commandId, 'BirthRegistered.v1');
    await civil.send('RegisterBirth.v1', registerBirth, 'HS-DUP-1', 'register-birth');
    await expect.poll(() => civil.events.of(commandId).length, { timeout: 15_000 }).toBe(4);
    const all = civil.events.of(commandId);
    expect(distinctIds(all)).toBe(2);
    const registered = all.filter((e) => e.attributes.type === 'BirthRegistered.v1');
    expect(registered[1]?.data).toEqual(registered[0]?.data);
    expect(first.find((e) => e.attributes.type === 'BirthRegistered.v1')?.data).toEqual(registered[0]?.data);
    const { rows } = await civil.pool.query<{ kind: string }>(
      'select kind from issued_numbers where command_id = $1 order by kind',
      [commandId],
    );
    expect(rows.map((r) => r.kind)).toEqual(['birth-certificate']);
    // The ID number is the registry's: one birth, one ID, whatever the redelivery.
    const births = await civil.registry.pool.query('select personal_id from births where birth_key = $1', [
      registerBirth.birthCertificateReference.trim().toUpperCase(),
    ]);
    const { childPersonalIdNumber } = registered[0]?.data as { childPersonalIdNumber: string };
    expect(births.rows).toEqual([{ personal_id: childPersonalIdNumber }]);
    expect((await civil.pool.query('select 1 from cases where command_id = $1', [commandId])).rowCount).toBe(1);
  });

  it('issues one card for a card command delivered twice', async () => {
    const data = { birthRegistration, child: birth.child, residence: birth.residence };
    const commandId = await insurance.send(
      'IssueHealthInsuranceCard.v1',
      data,
      'HS-DUP-2',
      'issue-health-insurance-card',
    );
    await insurance.events.waitFor(commandId, 'HealthInsuranceCardIssued.v1');
    await insurance.send('IssueHealthInsuranceCard.v1', data, 'HS-DUP-2', 'issue-health-insurance-card');
    await expect.poll(() => insurance.events.of(commandId).length, { timeout: 15_000 }).toBe(4);
    const cards = insurance.events
      .of(commandId)
      .filter((e) => e.attributes.type === 'HealthInsuranceCardIssued.v1')
      .map((e) => (e.data as { cardNumber: string }).cardNumber);
    expect(new Set(cards).size).toBe(1);
    // The card number derives from the one social-insurance number issued for the command.
    const { rows } = await insurance.pool.query<{ kind: string }>(
      'select kind from issued_numbers where command_id = $1',
      [commandId],
    );
    expect(rows).toEqual([{ kind: 'social-insurance-number' }]);
  });
});

describe('one effect per step, whatever attempts arrive and in whatever order', () => {
  let insurance: Awaited<ReturnType<typeof isolatedAgency>>;
  beforeAll(async () => {
    insurance = await isolatedAgency(kafka, endpoints, 'social-insurance', log);
  });
  afterAll(async () => {
    await insurance?.stop();
  });
  const step = 'issue-health-insurance-card';
  const card = { birthRegistration, child: birth.child, residence: birth.residence };
  const cardNumbers = (commandId: string) =>
    insurance.events
      .of(commandId)
      .filter((e) => e.attributes.type === 'HealthInsuranceCardIssued.v1')
      .map((e) => (e.data as { cardNumber: string }).cardNumber);

  it('answers attempts redriven after the step was approved with its one result: older and newer alike', async () => {
    const dossier = 'HS-REDRIVE-1';
    // Attempt 3 got through first (1 and 2 were dead-lettered during an outage) and was approved.
    const third = await insurance.send('IssueHealthInsuranceCard.v1', card, dossier, step, `${dossier}/${step}/3`);
    await insurance.events.waitFor(third, 'HealthInsuranceCardIssued.v1');
    const [issued] = cardNumbers(third);
    // An operator redrives the dead letters of attempts 1 and 2; a retry sends attempt 4.
    for (const attempt of [1, 2, 4]) {
      const commandId = await insurance.send(
        'IssueHealthInsuranceCard.v1',
        card,
        dossier,
        step,
        `${dossier}/${step}/${attempt}`,
      );
      await insurance.events.waitFor(commandId, 'HealthInsuranceCardIssued.v1');
      expect(cardNumbers(commandId)).toEqual([issued]);
    }
    // One case, one number: nothing was issued twice.
    const cases = await insurance.pool.query('select command_id from cases where dossier_id = $1', [dossier]);
    expect(cases.rows).toEqual([{ command_id: third }]);
    const numbers = await insurance.pool.query("select value from issued_numbers where command_id like $1 || '/%'", [
      dossier,
    ]);
    expect(numbers.rowCount).toBe(1);
  });

  it('sets an older attempt aside, and decides a newer one afresh in place of the undecided case it replaces', async () => {
    const dossier = 'HS-REDRIVE-2';
    await insurance.restart({ policy: 'manual' });
    try {
      const second = await insurance.send('IssueHealthInsuranceCard.v1', card, dossier, step, `${dossier}/${step}/2`);
      await insurance.events.waitFor(second, 'CommandReceived.v1');
      // The redriven attempt 1 opens nothing: attempt 2 is the step's case.
      const first = await insurance.send('IssueHealthInsuranceCard.v1', card, dossier, step, `${dossier}/${step}/1`);
      await expect
        .poll(async () => (await insurance.pool.query('select 1 from inbox where command_id = $1', [first])).rowCount)
        .toBe(1);
      expect(insurance.events.of(first)).toEqual([]);
      // An operator's retry while the worker has not decided: attempt 3 replaces attempt 2's task.
      const third = await insurance.send('IssueHealthInsuranceCard.v1', card, dossier, step, `${dossier}/${step}/3`);
      await insurance.events.waitFor(third, 'CommandReceived.v1');
      const { rows } = await insurance.pool.query<{ command_id: string; status: string }>(
        'select command_id, status from cases where dossier_id = $1 order by command_id',
        [dossier],
      );
      expect(rows).toEqual([
        { command_id: second, status: 'cancelled' },
        { command_id: third, status: 'awaiting-worker' },
      ]);
    } finally {
      await insurance.restart({ policy: 'auto' });
    }
  });
});

describe('the transactional outbox', () => {
  it('publishes results committed before a crash exactly once after the restart', async () => {
    const civil = await isolatedAgency(kafka, endpoints, 'civil-status', log, { relay: false });
    try {
      const commandId = await civil.send('RegisterBirth.v1', registerBirth, 'HS-OUTBOX-1', 'register-birth');
      // The decision is committed with its events in the outbox, but no relay runs: the crash window.
      await expect
        .poll(
          async () =>
            (
              await civil.pool.query('select event_type from outbox where command_id = $1 and published_at is null', [
                commandId,
              ])
            ).rowCount,
          { timeout: 15_000 },
        )
        .toBe(2);
      await civil.stopAgency();
      const offsets = async () =>
        (
          await (async () => {
            const admin = kafka.admin();
            await admin.connect();
            try {
              return await admin.fetchTopicOffsets(civil.topics.events.name);
            } finally {
              await admin.disconnect();
            }
          })()
        ).reduce((sum, p) => sum + Number(p.high), 0);
      expect(await offsets()).toBe(0);

      await civil.restart({ relay: true });
      const events = await civil.events.waitFor(commandId, 'BirthRegistered.v1');
      await expect
        .poll(async () => (await civil.pool.query('select 1 from outbox where published_at is null')).rowCount)
        .toBe(0);
      expect(events.map((e) => e.attributes.type)).toEqual(['CommandReceived.v1', 'BirthRegistered.v1']);
      // Settle, then check nothing was published twice.
      await new Promise((r) => setTimeout(r, 500));
      expect(await offsets()).toBe(2);
      // The certificate number; the child's ID number is the registry's.
      expect((await civil.pool.query('select 1 from issued_numbers where command_id = $1', [commandId])).rowCount).toBe(
        1,
      );
    } finally {
      await civil.stop();
    }
  });
});

describe('the back office', () => {
  it('lets exactly one of many concurrent claims win a task', async () => {
    const residence = await isolatedAgency(kafka, endpoints, 'residence', log, { policy: 'manual' });
    try {
      const data = {
        birthRegistration,
        child: birth.child,
        parentIdNumber: birth.mother!.personalIdNumber,
        residence: birth.residence,
      };
      const taskId = await residence.send('RegisterPermanentResidence.v1', data, 'HS-CLAIM-1', 'register-residence');
      await expect
        .poll(async () => (await residence.agency.backOffice.listTasks()).map((t) => t.taskId), { timeout: 15_000 })
        .toContain(taskId);
      const workers = Array.from({ length: 25 }, (_, i) => `officer-${i}`);
      const claims = await Promise.all(workers.map((w) => residence.agency.backOffice.claim(taskId, w)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = workers[claims.indexOf(true)]!;
      const loser = workers.find((w) => w !== winner)!;
      expect(await residence.agency.backOffice.complete(taskId, loser, { decision: 'approve' })).toBe(false);
      expect(await residence.agency.backOffice.release(taskId, loser)).toBe(false);
      expect(await residence.agency.backOffice.release(taskId, winner)).toBe(true);
      expect(await residence.agency.backOffice.claim(taskId, loser)).toBe(true);
      expect(await residence.agency.backOffice.complete(taskId, loser, { decision: 'approve' })).toBe(true);
      const events = await residence.events.waitFor(taskId, 'PermanentResidenceRegistered.v1');
      expect(events.map((e) => e.attributes.type)).toEqual(['CommandReceived.v1', 'PermanentResidenceRegistered.v1']);
      expect(
        (await residence.pool.query('select decided_by from cases where command_id = $1', [taskId])).rows[0],
      ).toEqual({ decided_by: loser });
    } finally {
      await residence.stop();
    }
  });

  it('serves the same guarantees over HTTP to an api in another process', async () => {
    const residence = await isolatedAgency(kafka, endpoints, 'residence', log, { policy: 'manual' });
    const server = await buildBackOfficeServer(residence.agency.backOffice, {
      log,
      token: 'integration-service-token',
    });
    try {
      const office = httpBackOffice(await server.listen({ host: '127.0.0.1', port: 0 }), 'integration-service-token');
      const data = {
        birthRegistration,
        child: birth.child,
        parentIdNumber: birth.mother!.personalIdNumber,
        residence: birth.residence,
      };
      const taskId = await residence.send('RegisterPermanentResidence.v1', data, 'HS-CLAIM-2', 'register-residence');
      await expect
        .poll(async () => (await office.listTasks()).map((t) => t.taskId), { timeout: 15_000 })
        .toContain(taskId);
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => office.claim(taskId, `officer-${i}`)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      // A reason code of another agency is refused before anything is written, and the task stays open.
      await expect(
        office.complete(taskId, `officer-${claims.indexOf(true)}`, {
          decision: 'reject',
          reasonCode: 'NOT_ELIGIBLE',
          message: 'a social-insurance code',
        }),
      ).rejects.toThrow(/answered 400: .*reasonCode/);
      expect(
        (await residence.pool.query('select count(*)::int as n from outbox where event_id = $1', [`${taskId}/decided`]))
          .rows[0],
      ).toEqual({ n: 0 });
      expect((await office.listTasks()).map((t) => t.taskId)).toContain(taskId);
      expect(
        await office.complete(taskId, `officer-${claims.indexOf(true)}`, {
          decision: 'reject',
          reasonCode: 'REJECTED_BY_OFFICER',
          message: 'the dwelling was demolished',
        }),
      ).toBe(true);
      const events = await residence.events.waitFor(taskId, 'PermanentResidenceRegistrationRejected.v1');
      expect(events.at(-1)?.data).toMatchObject({ reasonCode: 'REJECTED_BY_OFFICER' });
    } finally {
      await server.close();
      await residence.stop();
    }
  });
});
