import { randomInt, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { z } from 'zod';
import { demoCitizens, generatePopulation } from '../contracts/population-generator';
import type { DossierView, Problem } from '../contracts/api';
import { closedDossierStatuses } from '../contracts/dossier-status';
import { catalogue, type DossierInput, type ProcedureDefinition } from '../contracts/procedures';
import type { BirthBundleInput } from '../contracts/procedures/birth-bundle';
import { DeathBundleInput } from '../contracts/procedures/death-bundle';
import { issueDevelopmentToken } from '../platform/auth';
import { ConfigError, loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { developmentAuthSecret } from '../services/api';

const usage = `usage: npm run demo -- --procedure <${catalogue.procedures.map((p) => p.id).join('|')}> [--variant <v>] [--json] [--timeout <seconds>]
  (a unique beginning of an id will do, e.g. --procedure birth)`;

const Flags = z.strictObject({
  procedure: z.string({ error: '--procedure: name a procedure' }).transform((name, ctx) => {
    const matches = catalogue.procedures.filter((p) => p.id === name || p.id.startsWith(name));
    const exact = matches.find((p) => p.id === name);
    if (exact || matches.length === 1) return exact ?? matches[0]!;
    ctx.addIssue({
      code: 'custom',
      message: `--procedure: must be one of ${catalogue.procedures.map((p) => p.id).join(', ')} (got "${name}")`,
    });
    return z.NEVER;
  }),
  variant: z.string().optional(),
  json: z.boolean().default(false),
  timeout: z.coerce
    .number({ error: '--timeout: must be a number of seconds' })
    .int('--timeout: must be whole seconds')
    .min(5, '--timeout: must be at least 5 seconds')
    .max(3600, '--timeout: must be at most 3600')
    .default(120),
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
/** A birth to the demo parents, registered days after it; name and date vary, as each demo is another birth. */
function sampleBirth(): BirthBundleInput {
  const [mother, father] = demoCitizens;
  return {
    procedure: 'birth-bundle',
    applicant: { personalIdNumber: mother!.personalId, fullName: mother!.fullName, relationship: 'mother' },
    child: {
      fullName: `Trần ${['Minh', 'Gia', 'Bảo', 'Khánh', 'Ngọc'][randomInt(5)]} ${['Khang', 'Bảo', 'Ngọc', 'An', 'Linh', 'Nam'][randomInt(6)]}`,
      sex: randomInt(2) === 0 ? 'male' : 'female',
      birthDate: daysAgo(randomInt(1, 50)),
      birthPlace: {
        provinceCode: '001',
        commune: 'Phường Hoàn Kiếm',
        street: 'Bệnh viện Phụ sản Hà Nội, 929 La Thành',
      },
    },
    mother: { personalIdNumber: mother!.personalId, fullName: mother!.fullName },
    father: { personalIdNumber: father!.personalId, fullName: father!.fullName },
    birthCertificateReference: `GCS-${randomInt(100_000, 999_999)}`,
    residence: {
      address: { provinceCode: mother!.provinceCode, commune: mother!.commune, street: mother!.street },
      parent: 'mother',
      parentConfirmed: true,
      householdHeadConsent: true,
      ownerConsent: true,
    },
  };
}

/** A death of a random elderly citizen of the simulated population, reported by a relative. */
function sampleDeath(variant: DeathBundleInput['variant'], populationSize: number): DeathBundleInput {
  const population = generatePopulation(populationSize, 1);
  const elderly = population.filter((c) => c.alive && c.birthDate < '1960-01-01');
  const deceased = elderly[randomInt(elderly.length)]!;
  const applicant = population.find(
    (c) => c.alive && c.householdId !== deceased.householdId && c.birthDate > '1970-01-01',
  )!;
  return {
    procedure: 'death-bundle',
    variant,
    applicant: { personalIdNumber: applicant.personalId, fullName: applicant.fullName, relationship: 'child' },
    deceased: {
      personalIdNumber: deceased.personalId,
      fullName: deceased.fullName,
      sex: deceased.sex,
      birthDate: deceased.birthDate,
      dateOfDeath: daysAgo(1),
      placeOfDeath: { provinceCode: deceased.provinceCode, commune: deceased.commune, street: deceased.street },
      occupationalCause: false,
    },
    deathNoticeReference: `GBT-${randomInt(100_000, 999_999)}`,
    survivors:
      variant === 4
        ? [
            {
              personalIdNumber: applicant.personalId,
              fullName: applicant.fullName,
              relationship: 'child',
              confirmsRepresentative: true,
            },
          ]
        : [],
    representativeIdNumber: variant === 4 ? applicant.personalId : undefined,
  };
}

/** A sample application for each procedure on offer; a new procedure is a compile error here until it has one. */
const samples: {
  [P in DossierInput['procedure']]: (
    variant: string,
    populationSize: number,
  ) => Extract<DossierInput, { procedure: P }>;
} = {
  'birth-bundle': () => sampleBirth(),
  'death-bundle': (variant, populationSize) =>
    sampleDeath(DeathBundleInput.shape.variant.parse(Number(variant)), populationSize),
};

/** The variant asked for, or the procedure's largest; a procedure without variants takes none. */
function variantOf(procedure: ProcedureDefinition, asked: string | undefined): string {
  const variants = Object.keys(procedure.variants?.steps ?? {});
  if (variants.length === 0) {
    if (asked !== undefined) throw new Error(`--variant: ${procedure.id} has no variants`);
    return '';
  }
  if (asked === undefined) return variants[variants.length - 1]!;
  if (!variants.includes(asked)) throw new Error(`--variant: must be ${variants.join(', ')} for ${procedure.id}`);
  return asked;
}

function stepLine(s: DossierView['steps'][number]): string {
  const detail = s.rejection
    ? `${s.rejection.reasonCode}: ${s.rejection.message}`
    : (s.lastError ?? (s.result ? JSON.stringify(s.result) : ''));
  return `  ${s.stepId.padEnd(28)} ${s.agency.padEnd(17)} ${s.status.padEnd(22)} attempt ${s.attempts}  ${detail}`;
}

async function main(): Promise<number> {
  let raw;
  try {
    raw = parseArgs({
      options: {
        procedure: { type: 'string' },
        variant: { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const flags = Flags.safeParse(raw);
  if (!flags.success) {
    process.stderr.write(`${flags.error.issues.map((i) => i.message).join('\n')}\n${usage}\n`);
    return 2;
  }
  const { procedure, json, timeout } = flags.data;
  let variant: string;
  try {
    variant = variantOf(procedure, flags.data.variant);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger({ ...config.log, destination: pino.destination(2) }, { process: 'demo' });
  if (!config.auth.devLogin) {
    process.stderr.write(
      'the demo applies as a citizen signed in through the development identity provider, which is off (AUTH_DEV_LOGIN=false or external mode)\n',
    );
    return 2;
  }
  const input = samples[procedure.id as DossierInput['procedure']](variant, config.agencies.populationSize);
  const api = `http://${config.api.host}:${config.api.port}`;
  // The demo is a citizen: the sample's applicant, signed in like any other, through the api's checks.
  const token = await issueDevelopmentToken(
    {
      role: 'citizen',
      subject: `demo-${input.applicant.personalIdNumber.slice(-4)}`,
      name: input.applicant.fullName,
      personalIdNumber: input.applicant.personalIdNumber,
    },
    {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      secret: developmentAuthSecret(config),
      ttlSeconds: timeout + 60,
    },
  );
  const call = async (method: string, path: string, body?: unknown) => {
    let response;
    try {
      response = await fetch(`${api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'idempotency-key': `demo-${randomUUID()}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new DemoError(
        `the portal api at ${api} does not answer (${(err as Error).message}); is \`npm start\` running?`,
      );
    }
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      const problem = answer as Problem;
      const fields = (problem.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('');
      throw new DemoError(`the api answered ${response.status}: ${problem.detail ?? problem.title}${fields}`);
    }
    return answer;
  };
  const { dossierId } = (await call('POST', '/api/dossiers', input)) as { dossierId: string };
  log.info({ dossierId, procedure: procedure.id }, 'dossier submitted');
  if (!json)
    process.stdout.write(
      `Submitted ${procedure.label.en} (${procedure.id}) dossier ${dossierId}${variant ? `, variant ${variant}` : ''} through ${api}\n`,
    );
  const deadline = Date.now() + timeout * 1000;
  let last = '';
  let view = (await call('GET', `/api/dossiers/${dossierId}`)) as unknown as DossierView;
  for (;;) {
    const snapshot = JSON.stringify([view.status, view.steps.map((s) => [s.status, s.attempts])]);
    if (!json && snapshot !== last) {
      process.stdout.write(
        `[${new Date().toISOString().slice(11, 19)}] dossier ${view.status}\n${view.steps.map(stepLine).join('\n')}\n`,
      );
      last = snapshot;
    }
    if (closedDossierStatuses.includes(view.status) || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
    view = (await call('GET', `/api/dossiers/${dossierId}`)) as unknown as DossierView;
  }
  const finished = closedDossierStatuses.includes(view.status);
  const summary = {
    dossierId,
    status: view.status,
    steps: view.steps.map((s) => ({
      stepId: s.stepId,
      agency: s.agency,
      status: s.status,
      attempts: s.attempts,
      result: s.result ?? null,
      rejection: s.rejection ?? null,
    })),
  };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else
    process.stdout.write(`\nFinal: dossier ${dossierId} is ${view.status}\n${view.steps.map(stepLine).join('\n')}\n`);
  if (!finished) {
    process.stderr.write(
      `the dossier was still ${view.status} after ${timeout} s (it keeps running; follow it in the Temporal Web UI)\n`,
    );
    return 1;
  }
  return 0;
}

/** A refusal the demo explains in one message, without a stack. */
class DemoError extends Error {}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError || err instanceof DemoError ? err.message : ((err as Error)?.stack ?? String(err))}\n`,
    );
    process.exit(1);
  },
);
