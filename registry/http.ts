import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AccessContext, DataAccessRecord } from '../contracts/data-access';
import {
  BirthAnswer,
  FamilyRecord,
  ChangeAnswer,
  ContactDetails,
  DeletePermanentResidenceRequest,
  RegisterBirthRequest,
  RegisterDeathRequest,
  RegisterPermanentResidenceRequest,
  RegistryRecord,
  type PopulationRegistryClient,
} from '../contracts/registry';
import { PersonalIdNumber } from '../contracts/values';
import type { Logger } from '../platform/logger';
import { buildServiceApp, serviceCaller } from '../platform/service-http';

/**
 * The registry's operations as a service-level HTTP API of the registry process. HTTP rather than
 * request/reply over Kafka because issuing an ID number is a question that needs its answer before
 * the civil-status case can commit: a synchronous call with a request id (so asking again is safe)
 * is the simplest thing that is correct, and it is how agencies reach the real national database
 * through the data-sharing platform. Changes still reach every agency through `population.changes`.
 */
// Personal ID numbers travel in bodies, never in paths, so access logs and proxies do not hold them.
const Lookup = z.strictObject({ personalId: PersonalIdNumber, access: AccessContext });
const Found = z.strictObject({ record: RegistryRecord.nullable() });
const FoundFamily = z.strictObject({ family: FamilyRecord.nullable() });
const Reads = z.strictObject({ reads: z.array(DataAccessRecord) });
const ContactLookup = z.strictObject({ citizenKey: z.string().regex(/^c-[a-z2-7]{26}$/), access: AccessContext });
const FoundContacts = z.strictObject({ contacts: ContactDetails.nullable() });

export async function buildRegistryServer(
  registry: PopulationRegistryClient,
  options: { log: Logger; token?: string },
): Promise<FastifyInstance> {
  const app = buildServiceApp({ ...options, module: 'registry-http', what: 'population registry' });
  app.post('/births', { schema: { body: RegisterBirthRequest, response: { 200: BirthAnswer } } }, (request) =>
    registry.registerBirth(request.body),
  );
  app.post('/deaths', { schema: { body: RegisterDeathRequest, response: { 200: ChangeAnswer } } }, (request) =>
    registry.registerDeath(request.body),
  );
  app.post(
    '/permanent-residences',
    { schema: { body: RegisterPermanentResidenceRequest, response: { 200: ChangeAnswer } } },
    (request) => registry.registerPermanentResidence(request.body),
  );
  app.post(
    '/permanent-residence-deletions',
    { schema: { body: DeletePermanentResidenceRequest, response: { 200: ChangeAnswer } } },
    (request) => registry.deletePermanentResidence(request.body),
  );
  app.post('/citizens/lookup', { schema: { body: Lookup, response: { 200: Found } } }, async (request) => ({
    record: (await registry.find(request.body.personalId, request.body.access)) ?? null,
  }));
  app.post('/citizens/family', { schema: { body: Lookup, response: { 200: FoundFamily } } }, async (request) => ({
    family: (await registry.family(request.body.personalId, request.body.access)) ?? null,
  }));
  app.post(
    '/citizens/data-access',
    { schema: { body: z.strictObject({ personalId: PersonalIdNumber }), response: { 200: Reads } } },
    async (request) => ({ reads: await registry.dataAccess(request.body.personalId) }),
  );
  app.post(
    '/citizens/contacts',
    { schema: { body: ContactLookup, response: { 200: FoundContacts } } },
    async (request) => ({
      contacts: (await registry.contactDetails(request.body.citizenKey, request.body.access)) ?? null,
    }),
  );
  return app;
}

/** The registry reached over HTTP: what an agency in its own process uses. */
export function httpRegistry(url: string, token?: string): PopulationRegistryClient {
  const call = serviceCaller(url, 'population registry', token);
  return {
    registerBirth: (request) => call('POST', 'births', BirthAnswer, request),
    registerDeath: (request) => call('POST', 'deaths', ChangeAnswer, request),
    registerPermanentResidence: (request) => call('POST', 'permanent-residences', ChangeAnswer, request),
    deletePermanentResidence: (request) => call('POST', 'permanent-residence-deletions', ChangeAnswer, request),
    find: async (personalId, access) =>
      (await call('POST', 'citizens/lookup', Found, { personalId, access })).record ?? undefined,
    family: async (personalId, access) =>
      (await call('POST', 'citizens/family', FoundFamily, { personalId, access })).family ?? undefined,
    dataAccess: async (personalId) => (await call('POST', 'citizens/data-access', Reads, { personalId })).reads,
    contactDetails: async (citizenKey, access) =>
      (await call('POST', 'citizens/contacts', FoundContacts, { citizenKey, access })).contacts ?? undefined,
  };
}
