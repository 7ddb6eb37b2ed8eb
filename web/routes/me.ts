import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { agencyIds } from '../../contracts/agencies';
import { Problem } from '../../contracts/api';
import type { DataAccessRecord } from '../../contracts/data-access';
import { Me, meFrom, MyDataAccess } from '../../contracts/me';
import { dataAccessPurposeLabels, organisationLabels } from '../../contracts/procedures/labels';
import { principalOf } from '../auth';
import type { ApiContext } from '../context';
import { forbidden, notFound } from '../problems';

const problems = { 401: Problem, 403: Problem, 404: Problem };

const citizenOf = (request: Parameters<typeof principalOf>[0]) => {
  const principal = principalOf(request);
  if (principal.role !== 'citizen') throw forbidden('only citizens have a record of their own');
  return principal;
};

const organisationLabel = (organisation: string) =>
  (organisationLabels as Record<string, { vi: string; en: string }>)[organisation] ?? {
    vi: organisation,
    en: organisation,
  };

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
    async (request) => {
      const principal = citizenOf(request);
      const family = await ctx.registry.family(principal.personalIdNumber, {
        actor: principal.subject,
        organisation: 'portal',
        purpose: 'own-record',
      });
      if (!family) throw notFound('the national population database holds no record for your personal ID number');
      return meFrom(family);
    },
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
    async (request) => {
      const { personalIdNumber } = citizenOf(request);
      const holders: [string, () => Promise<DataAccessRecord[]>][] = [
        ['registry', () => ctx.registry.dataAccess(personalIdNumber)],
        ...agencyIds.flatMap((agency): [string, () => Promise<DataAccessRecord[]>][] => {
          const office = ctx.backOffices[agency];
          return office ? [[agency, () => office.dataAccess(personalIdNumber)]] : [];
        }),
      ];
      const answers = await Promise.allSettled(holders.map(([, read]) => read()));
      const unavailable: string[] = [];
      const reads = answers.flatMap((answer, i) => {
        if (answer.status === 'fulfilled') return answer.value;
        const holder = holders[i]![0];
        request.log.warn({ holder, error: (answer.reason as Error).message }, 'a data-access log could not be read');
        unavailable.push(holder);
        return [];
      });
      reads.sort((a, b) => b.at.localeCompare(a.at));
      return {
        reads: reads.map((read) => ({
          ...read,
          organisationLabel: organisationLabel(read.organisation),
          purposeLabel: dataAccessPurposeLabels[read.purpose],
        })),
        unavailable: [...unavailable, ...agencyIds.filter((agency) => !ctx.backOffices[agency])],
      };
    },
  );
};
