import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../contracts/api';
import { Me, MyDataAccess } from '../../contracts/me';
import { principalOf } from '../auth';
import type { ApiContext } from '../context';
import { asCitizen, myDataAccess, myRecord } from '../my-record';

const problems = { 401: Problem, 403: Problem, 404: Problem };

/** The signed-in citizen's own record in the national population database, and who has read it. */
export const meRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  app.get(
    '/api/me',
    {
      config: { roles: ['citizen'] },
      schema: {
        tags: ['citizen'],
        summary: 'What the national population database holds about me and my family, and the forms it fills',
        description: [
          'Own record, spouse, parents, children, household and permanent address, read from the population',
          'registry (the read is logged, see `/api/me/data-access`). `forms` holds the parts of each application',
          'the registry already knows: start the birth form from `forms["birth-bundle"]` (applicant, parents,',
          'residence at your permanent address, consents when you are the household head and owner) and ask only',
          'for the child and the birth certificate reference; start the death form from `forms["death-bundle"]`:',
          'pick one of `candidates` as `deceased` (its `applicantRelationship` is your `applicant.relationship`) and',
          'ask for the date and place of death, the death notice reference and the variant. At submission the api',
          'checks every person the application names against the registry.',
        ].join(' '),
        response: { 200: Me, ...problems },
      },
    },
    async (request) => myRecord(ctx, asCitizen(principalOf(request))),
  );

  app.get(
    '/api/me/data-access',
    {
      config: { roles: ['citizen'] },
      schema: {
        tags: ['citizen'],
        summary: 'Who read my record in the national population database, when, and for which dossier',
        description: [
          'Every read of your record is logged by whoever holds the copy read: the registry (reads by the portal,',
          'for your own view, a relative’s, or to check an application) and each agency’s read model (reads by its',
          'rules or a named worker while deciding a step of a dossier). Newest first. An agency that cannot be',
          'reached just now is listed in `unavailable`.',
        ].join(' '),
        response: { 200: MyDataAccess, ...problems },
      },
    },
    async (request) => myDataAccess(ctx, asCitizen(principalOf(request)), request.log),
  );
};
