import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleInThread } from '../../../services/workflow-bundle';
import { createLogger } from '../../../platform/logger';

const smoke = fileURLToPath(new URL('../../fixtures/workflows/smoke.ts', import.meta.url));

describe('bundleInThread', () => {
  const lines: { level: string; module?: string; msg: string }[] = [];
  const log = createLogger({
    level: 'debug',
    format: 'json',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
  });

  it('bundles the workflows in a thread and hands back code that exports them', async () => {
    const { code } = await bundleInThread({ workflowsPath: smoke, preloadModules: [] }, log);
    expect(code).toContain('smokeWorkflow');
    expect(code).toContain('__TEMPORAL__');
    // The SDK's bundler reports through the service's logger, not the console.
    expect(lines.some((line) => line.module === 'workflow-bundler')).toBe(true);
  }, 60_000);

  it('rejects with the bundler error when the workflows cannot be bundled', async () => {
    await expect(
      bundleInThread({ workflowsPath: '/nonexistent/workflows.ts', preloadModules: [] }, log),
    ).rejects.toThrow(/bundling the workflows failed/);
  }, 60_000);
});
