import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { demoPeople } from '../../contracts/demo-citizens';
import type { RegisterBirthRequest } from '../../contracts/registry';
import { idMatchesPerson } from '../../contracts/values';
import { kafkaFor } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { buildRegistryServer, httpRegistry } from '../../registry';
import { collectEvents } from '../support/agency-fixtures';
import { isolatedRegistry, testAccess, testCitizenKey } from '../support/registry-fixtures';

const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'registry-test' }, log);
let registry: Awaited<ReturnType<typeof isolatedRegistry>>;
let server: Awaited<ReturnType<typeof buildRegistryServer>>;
let changes: Awaited<ReturnType<typeof collectEvents>>;
const token = 'registry-test-token-0123456789';

beforeAll(async () => {
  registry = await isolatedRegistry(kafka, endpoints, log);
  changes = await collectEvents(kafka, registry.topic);
  server = await buildRegistryServer(registry.service, { log, token });
  await server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
  await changes?.stop();
  await registry?.stop();
});

const { lan, bao } = demoPeople;
const birth = (requestId: string, birthKey: string): RegisterBirthRequest => ({
  requestId,
  birthKey,
  child: { fullName: 'Trần Minh Khang', sex: 'male', birthDate: '2026-03-01' },
  registeredIn: '001',
  parentIdNumber: lan.personalId,
  birthPlace: { provinceCode: '001', commune: lan.commune, street: lan.street },
});
const client = () => httpRegistry(`http://127.0.0.1:${(server.server.address() as AddressInfo).port}/`, token);
/** A person's changes: keyed by their pseudonymous citizen key, never by the ID number in clear. */
const changesOf = (personalId: string) =>
  changes.seen.filter((e) => e.attributes.subject === testCitizenKey(personalId));

describe('the population registry on real PostgreSQL and Kafka', () => {
  it('issues one personal ID number per birth, however often and concurrently it is asked', async () => {
    const answers = await Promise.all([
      client().registerBirth(birth('HS-1/register-birth', 'GCS-REG-1')),
      client().registerBirth(birth('HS-1/register-birth', 'GCS-REG-1')),
      registry.service.registerBirth(birth('HS-2/register-birth', 'GCS-REG-1')),
      registry.service.registerBirth(birth('HS-1/register-birth', 'GCS-REG-1')),
    ]);
    const ids = new Set(answers.map((a) => (a.ok ? a.personalId : a.reasonCode)));
    expect(ids.size).toBe(1);
    const [personalId] = [...ids] as [string];
    expect(personalId).toMatch(/^001226\d{6}$/);
    expect(idMatchesPerson(personalId, { sex: 'male', birthDate: '2026-03-01' })).toBe(true);
    const record = await client().find(personalId, testAccess);
    expect(record).toMatchObject({
      citizen: { alive: true, householdId: lan.householdId, street: lan.street },
      permanentResident: true,
    });
    const other = await registry.service.registerBirth(birth('HS-3/register-birth', 'GCS-REG-2'));
    expect(other.ok && other.personalId).not.toBe(personalId);
    await expect
      .poll(() => changesOf(personalId).map((e) => e.attributes.type), { timeout: 15_000 })
      .toEqual(['CitizenBorn.v1']);
    expect(changesOf(personalId)[0]?.data).toMatchObject({ citizen: { personalId, fullName: 'Trần Minh Khang' } });
    expect(changesOf(personalId)[0]?.attributes.subject).toMatch(/^c-[a-z2-7]{26}$/);
  });

  it('marks a death once, refuses the dead and the unknown, and publishes each change keyed by the person', async () => {
    const died = { personalId: bao.personalId, diedOn: '2026-03-05' };
    expect(await client().registerDeath({ requestId: 'HS-4/register-death', ...died })).toEqual({ ok: true });
    expect(await client().registerDeath({ requestId: 'HS-4/register-death', ...died })).toEqual({ ok: true });
    expect(await client().registerDeath({ requestId: 'HS-5/register-death', ...died })).toMatchObject({
      ok: false,
      reasonCode: 'ALREADY_DECEASED',
    });
    expect(
      await client().registerDeath({
        requestId: 'HS-6/register-death',
        personalId: '001191999888',
        diedOn: '2026-03-05',
      }),
    ).toMatchObject({ ok: false, reasonCode: 'PERSON_NOT_FOUND' });
    expect(
      await client().deletePermanentResidence({
        requestId: 'HS-4/delete',
        personalId: bao.personalId,
        deletedOn: '2026-03-06',
      }),
    ).toEqual({ ok: true });
    expect(
      await client().deletePermanentResidence({
        requestId: 'HS-7/delete',
        personalId: bao.personalId,
        deletedOn: '2026-03-06',
      }),
    ).toMatchObject({ ok: false, reasonCode: 'NO_PERMANENT_RESIDENCE' });
    expect(await client().find(bao.personalId, testAccess)).toMatchObject({
      citizen: { alive: false },
      diedOn: '2026-03-05',
      permanentResident: false,
    });
    await expect
      .poll(() => changesOf(bao.personalId).map((e) => e.attributes.type), { timeout: 15_000 })
      .toEqual(['CitizenDied.v1', 'CitizenPermanentResidenceDeleted.v1']);
  });

  it('refuses a caller without the service token and a request that does not fit, naming the field', async () => {
    const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/`;
    await expect(httpRegistry(url).find(lan.personalId, testAccess)).rejects.toThrow(/answered 401/);
    await expect(
      client().registerDeath({ requestId: 'HS-8/register-death', personalId: '123', diedOn: '2026-03-05' }),
    ).rejects.toThrow(/answered 400.*personalId/);
  });
});
