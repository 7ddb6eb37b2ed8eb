import pg from 'pg';
import { agencyDatabase, agencyIds, registryDatabase } from '../../contracts/agencies';
import { readState } from '../../infra/state';
import { databaseUrl } from '../../platform/endpoints';
import type { EffectCount } from './check';

/** Who a dossier is about, as chaos planned it: how the registry's rows (keyed by person) map back to dossiers. */
export interface DossierSubject {
  dossierId: string;
  /** A birth: the child's name (unique within a run) and birth date. */
  childName?: string;
  childBirthDate?: string;
  /** A death: the deceased's personal ID number. */
  deceasedId?: string;
}

/**
 * Every effect per step in each agency's database: numbers issued (birth certificates, death
 * extracts, residence registrations and deletions, social-insurance numbers behind the cards,
 * funeral and survivor decisions), payouts, and civil status's registrations (births, deaths).
 */
const agencyEffects = (withRegistrations: boolean) => `
  select c.dossier_id as "dossierId", c.step_id as "stepId", 'number ' || n.kind as effect, count(*)::int as count
    from issued_numbers n join cases c using (command_id) group by 1, 2, 3
  union all
  select c.dossier_id, c.step_id, 'payout', count(*)::int from payouts p join cases c using (command_id) group by 1, 2, 3
  ${withRegistrations ? "union all select dossier_id, step_id, 'registration ' || kind, count(*)::int from registrations group by 1, 2, 3" : ''}`;

/** The registry's changes, each published once per change through its outbox, and the step that makes it. */
const registryChangeStep: Record<string, string> = {
  'CitizenBorn.v1': 'register-birth',
  'CitizenDied.v1': 'register-death',
  'CitizenPermanentResidenceRegistered.v1': 'register-residence',
  'CitizenPermanentResidenceDeleted.v1': 'delete-residence',
};

/**
 * The registry's effects per dossier and step: personal ID numbers issued for each child (citizens
 * of that name), and each change to a person (birth, death, residence registered or deleted).
 */
export function registryEffects(
  subjects: readonly DossierSubject[],
  children: readonly { fullName: string; birthDate: string; personalId: string }[],
  changes: readonly { eventType: string; subject: string; count: number }[],
): EffectCount[] {
  const childKey = (name: string, birthDate?: string) => `${name}|${birthDate}`;
  const byChild = new Map(
    subjects.filter((s) => s.childName).map((s) => [childKey(s.childName!, s.childBirthDate), s.dossierId]),
  );
  const byPerson = new Map(subjects.filter((s) => s.deceasedId).map((s) => [s.deceasedId!, s.dossierId]));
  const ids = new Map<string, number>();
  for (const child of children) {
    const dossierId = byChild.get(childKey(child.fullName, child.birthDate));
    if (!dossierId) continue;
    byPerson.set(child.personalId, dossierId);
    ids.set(dossierId, (ids.get(dossierId) ?? 0) + 1);
  }
  const rows: EffectCount[] = [...ids].map(([dossierId, count]) => ({
    dossierId,
    stepId: 'register-birth',
    effect: 'registry personal ID number',
    count,
  }));
  for (const change of changes) {
    const dossierId = byPerson.get(change.subject);
    const stepId = registryChangeStep[change.eventType];
    if (dossierId && stepId)
      rows.push({ dossierId, stepId, effect: `registry ${change.eventType}`, count: change.count });
  }
  return rows;
}

async function withDatabase<T>(adminUrl: string, dataDir: string, database: string, use: (c: pg.Client) => Promise<T>) {
  const state = readState(dataDir)!;
  const client = new pg.Client({
    connectionString: databaseUrl({ ...state.endpoints, postgres: { url: adminUrl } }, database),
  });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Read as the run's administrator: chaos checks the agencies and the registry from outside, as an auditor would. */
export async function readEffects(dataDir: string, subjects: readonly DossierSubject[]): Promise<EffectCount[]> {
  const state = readState(dataDir);
  const adminUrl = state?.endpoints.postgres.adminUrl ?? state?.endpoints.postgres.url;
  if (!state || !adminUrl) throw new Error(`no PostgreSQL endpoint in ${dataDir}/infra.json`);
  const rows: EffectCount[] = [];
  for (const agency of agencyIds) {
    await withDatabase(adminUrl, dataDir, agencyDatabase[agency], async (client) => {
      const { rows: found } = await client.query<{ exists: boolean }>(
        "select to_regclass('registrations') is not null as exists",
      );
      const result = await client.query<EffectCount>(agencyEffects(found[0]!.exists));
      rows.push(...result.rows.map((r) => ({ ...r, effect: `${agency} ${r.effect}` })));
    });
  }
  await withDatabase(adminUrl, dataDir, registryDatabase, async (client) => {
    const names = subjects.flatMap((s) => (s.childName ? [s.childName] : []));
    const children = await client.query<{ fullName: string; birthDate: string; personalId: string }>(
      `select full_name as "fullName", to_char(birth_date, 'YYYY-MM-DD') as "birthDate", personal_id as "personalId"
         from citizens where full_name = any($1::text[])`,
      [names],
    );
    const changes = await client.query<{ eventType: string; subject: string; count: number }>(
      'select event_type as "eventType", subject, count(*)::int as count from outbox group by 1, 2',
    );
    rows.push(...registryEffects(subjects, children.rows, changes.rows));
  });
  return rows;
}
