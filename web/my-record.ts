import { agencyIds } from '../contracts/agencies';
import type { DataAccessRecord } from '../contracts/data-access';
import { meFrom, type Me, type MyDataAccess } from '../contracts/me';
import { dataAccessPurposeLabels, organisationLabels } from '../contracts/procedures/labels';
import type { Principal } from '../platform/auth';
import type { Logger } from '../platform/logger';
import type { ApiContext } from './context';
import { forbidden, notFound } from './problems';

type Citizen = Principal & { role: 'citizen' };

/** The principal as a citizen with a record of their own, or 403. */
export function asCitizen(principal: Principal): Citizen {
  if (principal.role !== 'citizen') throw forbidden('only citizens have a record of their own');
  return principal;
}

const organisationLabel = (organisation: string) =>
  (organisationLabels as Record<string, { vi: string; en: string }>)[organisation] ?? {
    vi: organisation,
    en: organisation,
  };

/** What the population registry holds about the citizen and the forms it fills; the read is logged as theirs. */
export async function myRecord(ctx: Pick<ApiContext, 'registry'>, citizen: Citizen): Promise<Me> {
  const family = await ctx.registry.family(citizen.personalIdNumber, {
    actor: citizen.subject,
    organisation: 'portal',
    purpose: 'own-record',
  });
  if (!family) throw notFound('the national population database holds no record for your personal ID number');
  return meFrom(family);
}

/**
 * Who read the citizen's record: the registry's log merged with each reachable agency's, newest
 * first, with holders that could not be read named in `unavailable`.
 */
export async function myDataAccess(
  ctx: Pick<ApiContext, 'registry' | 'backOffices'>,
  citizen: Citizen,
  log: Pick<Logger, 'warn'>,
): Promise<MyDataAccess> {
  const { personalIdNumber } = citizen;
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
    log.warn({ holder, error: (answer.reason as Error).message }, 'a data-access log could not be read');
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
}
