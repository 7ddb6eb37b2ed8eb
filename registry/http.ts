import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  BirthAnswer,
  ChangeAnswer,
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
const CitizenParams = z.strictObject({ personalId: PersonalIdNumber });
const Found = z.strictObject({ record: RegistryRecord.nullable() });

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
  app.get(
    '/citizens/:personalId',
    { schema: { params: CitizenParams, response: { 200: Found } } },
    async (request) => ({
      record: (await registry.find(request.params.personalId)) ?? null,
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
    find: async (personalId) =>
      (await call('GET', `citizens/${encodeURIComponent(personalId)}`, Found)).record ?? undefined,
  };
}
