import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { agencyModules, type RunningAgency } from '../../../agencies';
import { createPopulationReadModel } from '../../../agencies/reference';
import type { CaseContext } from '../../../agencies/runtime/handlers';
import { issueNumber } from '../../../agencies/runtime/numbers';
import { inTransaction } from '../../../platform/database';
import { workingDaysCalendar } from '../../../contracts/calendar';
import type { Citizen } from '../../../contracts/population';
import { kafkaFor } from '../../../platform/kafka';
import { createLogger } from '../../../platform/logger';
import { birthInput, deathInput } from '../../fixtures/dossiers';
import { isolatedAgency, ruleCitizens } from '../../support/agency-fixtures';

/**
 * Civil status registers each birth and each death once, whichever dossier asks and however the
 * cases interleave: real Kafka and PostgreSQL, two agency processes over one database.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'agency-registered-once' }, log);

let civil: Awaited<ReturnType<typeof isolatedAgency>>;
let twin: RunningAgency;
beforeAll(async () => {
  civil = await isolatedAgency(kafka, endpoints, 'civil-status', log);
  // A second civil-status process on the same topics and database: its decider races the first one's.
  twin = await civil.startAnother({ pollIntervalMs: 10 });
});
afterAll(async () => {
  await twin?.stop();
  await civil?.stop();
});

const birthCommand = () => {
  const { applicant, child, mother, father, birthCertificateReference } = birthInput(10);
  return { applicant, child, mother, father, birthCertificateReference };
};
const outcome = /BirthRegistered|BirthRegistrationRejected/;
const decided = async (commandId: string) =>
  (await civil.events.waitFor(commandId, outcome)).find((e) => outcome.test(e.attributes.type))!;

describe('one registration per birth at civil status', () => {
  const sameBirthTwice = [
    {
      name: 'the same birth certificate reference',
      second: (first: ReturnType<typeof birthCommand>) => ({
        ...birthCommand(),
        birthCertificateReference: first.birthCertificateReference,
      }),
    },
    {
      name: 'the same mother, birth date and name',
      second: (first: ReturnType<typeof birthCommand>) => ({
        ...first,
        birthCertificateReference: `${first.birthCertificateReference}-B`,
      }),
    },
  ];

  it.each(sameBirthTwice)('approves exactly one of two dossiers sent at once for $name', async ({ second }) => {
    const first = birthCommand();
    const commandIds = await Promise.all([
      civil.send('RegisterBirth.v1', first),
      civil.send('RegisterBirth.v1', second(first)),
    ]);
    const answers = await Promise.all(commandIds.map(decided));
    expect(answers.map((e) => e.attributes.type).sort()).toEqual([
      'BirthRegistered.v1',
      'BirthRegistrationRejected.v1',
    ]);
    expect(answers.find((e) => e.attributes.type === 'BirthRegistrationRejected.v1')?.data).toMatchObject({
      reasonCode: 'DUPLICATE_BIRTH_REGISTRATION',
    });
  });

  it('answers a re-sent attempt of the same dossier with the same numbers, and a third dossier with a rejection', async () => {
    const command = birthCommand();
    const first = await civil.send('RegisterBirth.v1', command, 'HS-ONCE-1', 'register-birth');
    const registered = await decided(first);
    expect(registered.attributes.type).toBe('BirthRegistered.v1');
    const again = await civil.send(
      'RegisterBirth.v1',
      command,
      'HS-ONCE-1',
      'register-birth',
      'HS-ONCE-1/register-birth/2',
    );
    const { commandId: _first, ...numbers } = registered.data as Record<string, unknown>;
    expect((await decided(again)).data).toEqual({ ...numbers, commandId: again });
    const other = await civil.send('RegisterBirth.v1', command, 'HS-ONCE-2', 'register-birth');
    expect((await decided(other)).data).toMatchObject({ reasonCode: 'DUPLICATE_BIRTH_REGISTRATION' });
    // The registry issued the child's ID number once, for this birth.
    const { rows } = await civil.registry.pool.query('select count(*)::int as n from births where birth_key = $1', [
      command.birthCertificateReference.trim().toUpperCase(),
    ]);
    expect(rows[0]).toEqual({ n: 1 });
  });
});

describe('two cases decided at the same moment', () => {
  const { pensioner, fewContributions } = ruleCitizens;
  const died = deathInput(2, 2);
  const deathOf = (c: Citizen) => ({
    applicant: died.applicant,
    deceased: {
      personalIdNumber: c.personalId,
      fullName: c.fullName,
      sex: c.sex,
      birthDate: c.birthDate,
      dateOfDeath: died.deceased.dateOfDeath,
      placeOfDeath: { provinceCode: c.provinceCode, commune: c.commune, street: c.street },
      occupationalCause: false,
    },
    deathNoticeReference: 'GBT-RACE',
  });
  const races = [
    { name: 'a birth', type: 'RegisterBirth.v1', command: birthCommand(), duplicate: 'DUPLICATE_BIRTH_REGISTRATION' },
    { name: 'a death', type: 'RegisterDeath.v1', command: deathOf(pensioner), duplicate: 'ALREADY_DECEASED' },
    {
      name: 'another death',
      type: 'RegisterDeath.v1',
      command: deathOf(fewContributions),
      duplicate: 'ALREADY_DECEASED',
    },
  ] as const;

  /**
   * Each dossier's case in its own transaction, as two decider processes run them: the first holds its
   * transaction open until the second is seen waiting on a lock (in the agency's database or the
   * registry's), so both decide before either commits, or until the second has already answered: it
   * may find the first's registration at the registry, which commits outside the first's transaction,
   * and refuse at once.
   */
  it.each(races)('cannot both register $name', async ({ type, command, duplicate }) => {
    const handler = agencyModules['civil-status'].handlers[type];
    const databases = [
      (await civil.pool.query<{ name: string }>('select current_database() as name')).rows[0]!.name,
      (await civil.registry.pool.query<{ name: string }>('select current_database() as name')).rows[0]!.name,
    ];
    const decide = (dossierId: string, decided: () => void, holdUntil?: () => boolean) =>
      inTransaction(civil.pool, async (client) => {
        const commandId = `${dossierId}/step/1`;
        const ctx: CaseContext = {
          db: client,
          population: createPopulationReadModel(client),
          registry: civil.registry.service,
          now: new Date(),
          calendar: workingDaysCalendar(),
          issue: (kind, make) => issueNumber(client, kind, commandId, make),
        };
        const opened = handler.open({ ...command, dossierId, stepId: 'step', commandId, attempt: 1 });
        const verdict = await opened.decide(ctx);
        if (verdict.outcome === 'approved') await verdict.carryOut(ctx);
        decided();
        if (holdUntil)
          await expect
            .poll(
              async () =>
                holdUntil() ||
                (
                  await civil.pool.query(
                    "select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = any($1)",
                    [databases],
                  )
                ).rowCount! > 0,
              { timeout: 10_000, interval: 20 },
            )
            .toBe(true);
        return verdict;
      });
    const run = `${Date.now()}`;
    // The second starts once the first has decided and claimed: it waits for the first's commit, or
    // refuses at once if it already sees the first's registration at the registry.
    let second: ReturnType<typeof decide> | undefined;
    let secondAnswered = false;
    const first = await decide(
      `HS-RACE-${run}-A`,
      () => {
        second = decide(`HS-RACE-${run}-B`, () => undefined);
        second.then(
          () => (secondAnswered = true),
          () => (secondAnswered = true),
        );
      },
      () => secondAnswered,
    );
    const verdicts = [first, await second!];
    expect(verdicts.map((v) => v.outcome)).toEqual(['approved', 'rejected']);
    expect(verdicts[1]).toMatchObject({ reasonCode: duplicate });
  });
});
