import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// The project's own config; type-checked rules off, so a file that is not on disk can be linted.
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({
    cwd: root,
    overrideConfigFile: `${root}eslint.config.js`,
    overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
});

async function importProblems(code: string, filePath = 'workflows/x.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: `${root}${filePath}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax' || m.fatal)
    .map((m) => m.message);
}

describe('workflow import allow-list (eslint.config.js)', () => {
  it.each([
    "import { createHash } from 'node:crypto';",
    "import { readFileSync } from 'fs';",
    "import { Kafka } from 'kafkajs';",
    "import pino from 'pino';",
    "import { Client } from '@temporalio/client';",
    "import { ApplicationFailure } from '@temporalio/common';",
    "import { randomUUID } from 'uuid';",
    "import { createLogger } from '../platform/logger';",
    "import { rules } from '../agencies/civil-status/rules';",
    "import type { AgencyId } from '../contracts/../agencies/service';",
    "import { log } from './../platform/logger';",
    "import { z } from 'zod/v4';",
    "export { startApi } from '../services/api';",
    "export * from '../web/routes';",
  ])('refuses %s, saying what is allowed', async (code) => {
    const problems = await importProblems(code);
    expect(problems).toEqual([
      expect.stringContaining('Workflows import only @temporalio/workflow, zod, ../contracts/'),
    ]);
  });

  it.each([
    "import { createActivities } from '../activities';",
    "import { createActivities, type Activities } from '../activities';",
  ])('refuses %s: activities are types only', async (code) => {
    expect(await importProblems(code)).toEqual([expect.stringContaining('Workflows import activities as types only')]);
  });

  it('refuses a dynamic import()', async () => {
    const problems = await importProblems("export const load = () => import('node:fs');");
    expect(problems).toEqual([expect.stringContaining('A dynamic import() escapes the allow-list')]);
  });

  it.each([
    "import { proxyActivities, sleep } from '@temporalio/workflow';",
    "import { z } from 'zod';",
    "import type { BirthBundleInput } from '../contracts/dossiers';",
    "import { birthBundleProcedure } from '../contracts/procedures/birth-bundle';",
    "import { Dossier } from './dossier-machine';",
    "export { birthBundle } from './birth-bundle';",
    "import type { createActivities } from '../activities';",
    "import { type createActivities } from '../activities/index';",
  ])('allows %s', async (code) => {
    expect(await importProblems(code)).toEqual([]);
  });

  it('keeps the sandbox globals out', async () => {
    const [result] = await eslint.lintText('export const t = setTimeout(() => process.exit(1), 1);\n', {
      filePath: `${root}workflows/x.ts`,
    });
    expect(result?.messages.filter((m) => m.ruleId === 'no-restricted-globals')).toHaveLength(2);
  });

  it('applies to workflows only', async () => {
    expect(await importProblems("import { Kafka } from 'kafkajs';", 'activities/x.ts')).toEqual([]);
  });
});
