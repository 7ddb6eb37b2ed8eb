import { randomUUID } from 'node:crypto';
import { demoPeople } from '../contracts/demo-citizens';
import { createLogger } from '../platform/logger';
import { percentile } from './stack';
import { startThrowAwaySystem } from './system';

/**
 * `npm run bench:pages`: response times and sizes of the pages, side by side with the JSON api
 * that answers the same data and with `/health/live` (the floor of any request), in one run on
 * throw-away servers. Requests go one at a time, so the figures are a page's own cost.
 */
const rounds = Number(process.env.BENCH_PAGES_ROUNDS ?? 200);
const log = createLogger({ level: 'info', format: 'json' }, { process: 'bench-pages' });

interface Target {
  name: string;
  path: string;
  headers: Record<string, string>;
}

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .filter((pair) => !pair.endsWith('='));

/** Signs in to the pages as a demo user, as a browser would: the CSRF-checked form, then the session cookie. */
async function pageSession(base: string, user: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const jar = cookiesOf(form);
  const signedIn = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user }).toString(),
  });
  if (signedIn.status !== 303) throw new Error(`signing in ${user} answered ${signedIn.status}`);
  return [...jar, ...cookiesOf(signedIn)].join('; ');
}

async function bearer(base: string, user: string): Promise<string> {
  const response = await fetch(`${base}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  return `Bearer ${((await response.json()) as { token: string }).token}`;
}

/** A birth to the demo parents, so the citizen's pages have a dossier to show. */
async function submitBirth(base: string, authorization: string): Promise<string> {
  const { lan, hung } = demoPeople;
  const response = await fetch(`${base}/api/dossiers`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json', 'idempotency-key': `bench-${randomUUID()}` },
    body: JSON.stringify({
      procedure: 'birth-bundle',
      applicant: { personalIdNumber: lan.personalId, fullName: lan.fullName, relationship: 'mother' },
      child: {
        fullName: 'Trần Minh Khang',
        sex: 'male',
        birthDate: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10),
        birthPlace: { provinceCode: '001', commune: 'Phường Hoàn Kiếm', street: 'Bệnh viện Phụ sản Hà Nội' },
      },
      mother: { personalIdNumber: lan.personalId, fullName: lan.fullName },
      father: { personalIdNumber: hung.personalId, fullName: hung.fullName },
      birthCertificateReference: `GCS-BENCH-${Date.now()}`,
      residence: {
        address: { provinceCode: lan.provinceCode, commune: lan.commune, street: lan.street },
        parent: 'mother',
        parentConfirmed: true,
        householdHeadConsent: true,
        ownerConsent: true,
      },
    }),
  });
  if (!response.ok) throw new Error(`submitting the birth answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { dossierId: string }).dossierId;
}

async function measure(base: string, target: Target): Promise<{ latencies: number[]; bytes: number }> {
  const latencies: number[] = [];
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const response = await fetch(`${base}${target.path}`, { headers: target.headers });
    const body = await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (!response.ok) throw new Error(`${target.path} answered ${response.status}`);
    bytes = body.byteLength;
  }
  return { latencies: latencies.sort((a, b) => a - b), bytes };
}

async function main(): Promise<void> {
  const system = await startThrowAwaySystem(log);
  try {
    const base = system.url;
    const citizenToken = await bearer(base, 'citizen-lan');
    const dossierId = await submitBirth(base, citizenToken);
    const citizen = { cookie: await pageSession(base, 'citizen-lan') };
    const worker = { cookie: await pageSession(base, 'worker-civil-status') };
    const operator = { cookie: await pageSession(base, 'operator') };
    const api = { authorization: citizenToken };
    const workerApi = { authorization: await bearer(base, 'worker-civil-status') };
    const targets: Target[] = [
      { name: 'GET /health/live (floor)', path: '/health/live', headers: {} },
      { name: 'api: my dossiers (JSON)', path: '/api/dossiers', headers: api },
      { name: 'page: citizen home', path: '/', headers: citizen },
      { name: 'api: one dossier (JSON)', path: `/api/dossiers/${dossierId}`, headers: api },
      { name: 'page: dossier timeline', path: `/dossiers/${dossierId}`, headers: citizen },
      { name: 'page: birth application', path: '/apply/birth-bundle', headers: citizen },
      { name: 'api: agency tasks (JSON)', path: '/api/agencies/civil-status/tasks', headers: workerApi },
      { name: 'page: worker inbox', path: '/tasks', headers: worker },
      {
        name: 'api: stuck list (JSON)',
        path: '/api/operator/dossiers/stuck',
        headers: { authorization: await bearer(base, 'operator') },
      },
      { name: 'page: operator overview', path: '/operator', headers: operator },
      { name: 'page: dead letters', path: '/operator/dead-letters?state=all', headers: operator },
      { name: 'page: sign-in', path: '/sign-in', headers: {} },
    ];
    // One warm-up pass so first-request costs (JIT, connections) stay out of the figures.
    for (const target of targets) await fetch(`${base}${target.path}`, { headers: target.headers });
    const lines = [];
    for (const target of targets) {
      const { latencies, bytes } = await measure(base, target);
      lines.push(
        [
          target.name.padEnd(30),
          percentile(latencies, 50).toFixed(1).padStart(9),
          percentile(latencies, 95).toFixed(1).padStart(9),
          `${bytes} B`.padStart(11),
        ].join(' '),
      );
    }
    process.stdout.write(
      [
        `\npages and their JSON baselines: ${rounds} requests each, one at a time`,
        `${'request'.padEnd(30)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'HTML/JSON'.padStart(11)}`,
        ...lines,
        '',
      ].join('\n'),
    );
  } finally {
    await system.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
