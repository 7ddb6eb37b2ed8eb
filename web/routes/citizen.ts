import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CitizenListQuery,
  DossierIdParam,
  DossierSummary,
  DossierView,
  Problem,
  Submitted,
  SupplyInformationBody,
  WithdrawBody,
} from '../../contracts/api';
import { forbidden } from '../problems';
import { principalOf } from '../auth';
import { recordRead } from '../audited-reads';
import type { ApiContext } from '../context';
import { streamDossierEvents, supplyInformation, visibleDossier, withdrawDossier } from '../citizen-dossiers';
import { idempotencyRetention } from '../submission-ledger';

const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };

/** Citizens: submit a bundle, follow their own dossiers, answer requests, withdraw. */
export const citizenRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  const visible = (request: Parameters<typeof principalOf>[0], dossierId: string) =>
    visibleDossier(ctx, principalOf(request), dossierId);

  app.post(
    '/api/dossiers',
    {
      config: { roles: ['citizen'] },
      schema: {
        tags: ['citizen'],
        summary:
          'Submit a birth or death bundle: one dossier per application, per Idempotency-Key and per birth or death',
        description: [
          'With an `Idempotency-Key` header, the key is bound to the caller and to the application (its validated,',
          `canonical form) and remembered for ${idempotencyRetention}: the same key with the same application answers`,
          '200 with the dossier it started, whether it still runs or has ended, and never starts a second one; the',
          'same key with another application answers 422. With or without a key, an application whose natural keys',
          '(declared by its procedure: for a birth, the birth certificate reference, and the mother with the child’s',
          'birth date and name; for a death, the deceased’s personal ID number) belong to an earlier dossier answers',
          '409 naming it (`dossierId`), unless that dossier ended rejected, not accepted or withdrawn.',
        ].join(' '),
        headers: z.object({
          'idempotency-key': z
            .string()
            .min(8, 'must be at least 8 characters')
            .max(200)
            .optional()
            .describe('A key of your choice for this application; a retry with the same key finds the same dossier'),
        }),
        body: ctx.catalogue.input,
        response: {
          201: Submitted.describe('A new dossier was started'),
          200: Submitted.describe('This Idempotency-Key already started this dossier for the same application'),
          ...problems,
          409: Problem.describe(
            'The same birth or death already has a dossier (`dossierId`), which has not ended rejected, not accepted or withdrawn',
          ),
          422: Problem.describe(
            'The Idempotency-Key was used for another application, or the application breaks a rule of its procedure',
          ),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.role !== 'citizen' || request.body.applicant.personalIdNumber !== principal.personalIdNumber)
        throw forbidden(
          'a citizen submits dossiers only as their applicant (applicant.personalIdNumber must be yours)',
        );
      const { dossierId, created } = await ctx.dossiers.submit(
        request.body,
        principal.subject,
        request.headers['idempotency-key'],
      );
      request.log.info({ dossierId, created, procedure: request.body.procedure }, 'dossier submitted');
      return reply.code(created ? 201 : 200).send({ dossierId, status: 'submitted', created });
    },
  );

  app.get(
    '/api/dossiers',
    {
      config: { roles: ['citizen'] },
      schema: {
        tags: ['citizen'],
        summary: 'My dossiers, newest first',
        querystring: CitizenListQuery,
        response: { 200: z.array(DossierSummary), ...problems },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.role !== 'citizen') throw forbidden('only citizens have own dossiers');
      return ctx.dossiers.mine(principal.personalIdNumber, request.query.limit);
    },
  );

  app.get(
    '/api/dossiers/:dossierId',
    {
      config: { roles: ['citizen', 'operator', 'auditor'] },
      schema: {
        tags: ['citizen'],
        summary: 'One dossier with every step: status, attempts, due time, results',
        params: DossierIdParam,
        response: { 200: DossierView, ...problems },
      },
    },
    async (request) => {
      const view = await visible(request, request.params.dossierId);
      await recordRead(ctx, request, request.params.dossierId, 'the dossier view');
      return view;
    },
  );

  app.post(
    '/api/dossiers/:dossierId/information',
    {
      config: { roles: ['citizen'] },
      schema: {
        tags: ['citizen'],
        summary: 'Supply the information an agency asked for',
        params: DossierIdParam,
        body: SupplyInformationBody,
        response: { 200: DossierView, ...problems },
      },
    },
    async (request) => supplyInformation(ctx, principalOf(request), request.params.dossierId, request.body),
  );

  app.post(
    '/api/dossiers/:dossierId/withdrawal',
    {
      config: { roles: ['citizen'] },
      schema: {
        tags: ['citizen'],
        summary: 'Withdraw the dossier before it completes; outstanding steps are cancelled at their agencies',
        params: DossierIdParam,
        body: WithdrawBody,
        response: { 200: DossierView, ...problems },
      },
    },
    async (request) => withdrawDossier(ctx, principalOf(request), request.params.dossierId, request.body.reason),
  );

  app.get(
    '/api/dossiers/:dossierId/events',
    {
      config: { roles: ['citizen', 'operator', 'auditor'], stream: true },
      schema: {
        tags: ['citizen'],
        summary: 'Server-sent events: the current status, then every change, until the dossier ends',
        params: DossierIdParam,
        response: { ...problems },
      },
    },
    async (request, reply) => {
      const { dossierId } = request.params;
      await visible(request, dossierId);
      await recordRead(ctx, request, dossierId, "the dossier's status stream");
      await streamDossierEvents(
        ctx,
        dossierId,
        reply,
        request.log,
        (state) => `event: status\ndata: ${JSON.stringify(state)}\n\n`,
      );
    },
  );
};
