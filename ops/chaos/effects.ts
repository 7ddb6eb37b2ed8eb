import pg from 'pg';
import { agencyDatabase, agencyIds } from '../../contracts/agencies';
import { readState } from '../../infra/state';
import { databaseUrl } from '../../platform/endpoints';
import type { EffectCount } from './check';

/**
 * Every effect per step in the agency databases: numbers issued (certificates, ID numbers,
 * registrations, cards, decisions), payouts, and civil status's registrations (births, deaths).
 * Read as the run's administrator: chaos checks the agencies from outside, as an auditor would.
 */
const effectsQuery = (withRegistrations: boolean) => `
  select c.dossier_id as "dossierId", c.step_id as "stepId", 'number ' || n.kind as effect, count(*)::int as count
    from issued_numbers n join cases c using (command_id) group by 1, 2, 3
  union all
  select c.dossier_id, c.step_id, 'payout', count(*)::int from payouts p join cases c using (command_id) group by 1, 2, 3
  ${withRegistrations ? "union all select dossier_id, step_id, 'registration ' || kind, count(*)::int from registrations group by 1, 2, 3" : ''}`;

export async function readEffects(dataDir: string): Promise<EffectCount[]> {
  const state = readState(dataDir);
  const adminUrl = state?.endpoints.postgres.adminUrl ?? state?.endpoints.postgres.url;
  if (!state || !adminUrl) throw new Error(`no PostgreSQL endpoint in ${dataDir}/infra.json`);
  const rows: EffectCount[] = [];
  for (const agency of agencyIds) {
    const client = new pg.Client({
      connectionString: databaseUrl({ ...state.endpoints, postgres: { url: adminUrl } }, agencyDatabase[agency]),
    });
    await client.connect();
    try {
      const { rows: found } = await client.query<{ exists: boolean }>(
        "select to_regclass('registrations') is not null as exists",
      );
      const result = await client.query<EffectCount>(effectsQuery(found[0]!.exists));
      rows.push(...result.rows.map((r) => ({ ...r, effect: `${agency} ${r.effect}` })));
    } finally {
      await client.end();
    }
  }
  return rows;
}
