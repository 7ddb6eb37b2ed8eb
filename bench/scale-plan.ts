import type { Principal } from '../platform/auth';
import { devUsers } from '../web/auth';
import { birthMothers, planBirths, type PlannedDossier } from '../ops/chaos/dossiers';
import type { LatencyProbe } from './scale-measure';

/** Every other citizen applies for at most this many births: many identities, each well within the rate limit. */
const perCitizen = 20;
const agencyWorkers = 16;

/** The api user a citizen acts as. */
export const citizenUser = (personalId: string) => `citizen-${personalId}`;

/**
 * `total` births from many mothers of the population, each her own applicant: one has `heavyCount`
 * of them spread over the run (a citizen with a long "my dossiers"), the others about twenty each;
 * the principals the run mints tokens for (those citizens, the operator, civil-status workers).
 */
export function planScaleRun(total: number, heavyCount: number, populationSize: number) {
  const mothers = birthMothers(populationSize);
  const heavy = mothers[0];
  const wanted = 1 + Math.ceil((total - heavyCount) / perCitizen);
  const others = mothers.slice(1, 1 + wanted);
  if (!heavy || others.length < wanted)
    throw new Error(`the population of ${populationSize} has too few mothers for ${total} births`);
  const stride = Math.max(1, Math.floor(total / heavyCount));
  const isHeavy = (i: number) => i % stride === 0 && i / stride < heavyCount;
  // The others take turns over the births that are not the heavy citizen's (the j-th of those).
  const planned: PlannedDossier[] = planBirths(total, Date.now() % 100_000, (i) =>
    isHeavy(i) ? heavy : others[(i - Math.min(heavyCount, Math.floor(i / stride) + 1)) % others.length]!,
  );
  const workers = Array.from({ length: agencyWorkers }, (_, i) => `worker-civil-status-bench-${i + 1}`);
  const principals = new Map<string, Principal>([
    ['operator', devUsers.operator!],
    ['worker-civil-status', devUsers['worker-civil-status']!],
    ...workers.map((subject): [string, Principal] => [
      subject,
      { role: 'agency-worker', subject, name: 'Cán bộ hộ tịch (bench)', agency: 'civil-status' },
    ]),
    ...[heavy, ...others].map((m): [string, Principal] => [
      citizenUser(m.personalId),
      { role: 'citizen', subject: citizenUser(m.personalId), name: m.fullName, personalIdNumber: m.personalId },
    ]),
  ]);
  return { planned, citizens: 1 + others.length, heavyUser: citizenUser(heavy.personalId), workers, principals };
}

/** What the api is timed on: the operator's stuck list and a search, a citizen's dossiers, a civil-status worker's inbox. */
export const latencyProbes = (heavyUser: string, heavyCount: number): LatencyProbe[] => [
  { name: 'operator stuck list', path: '/api/operator/dossiers/stuck?limit=50', user: 'operator', targetMs: 1000 },
  {
    name: 'operator search (running at civil status)',
    path: '/api/operator/dossiers?running=true&agency=civil-status&limit=50',
    user: 'operator',
    targetMs: 200,
  },
  { name: `citizen's my dossiers (${heavyCount})`, path: '/api/dossiers?limit=50', user: heavyUser, targetMs: 200 },
  {
    name: 'worker inbox, first page (50)',
    path: '/api/agencies/civil-status/tasks?limit=50',
    user: 'worker-civil-status',
    targetMs: 200,
  },
  // The inbox takes only a limit (at most 500), no cursor or offset: its largest page stands for a deep one.
  {
    name: 'worker inbox, largest page (500)',
    path: '/api/agencies/civil-status/tasks?limit=500',
    user: 'worker-civil-status',
    targetMs: 200,
  },
];
