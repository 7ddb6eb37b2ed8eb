import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/** A Docker engine configured here: only then is the containers project part of the run. */
const dockerEngine = Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Some build the whole api (every route and page) in a test; 5 s is tight on a busy 2-core machine.
          testTimeout: 15_000,
          // Unit tests run first and fast; the integration group follows.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          // Time-skipping test server with fake activities: no Kafka, no database. Runs beside the
          // integration files, which mostly wait on their servers.
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          // Real Temporal, Kafka and PostgreSQL, started once for the whole run.
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One file at a time: the end-to-end files each run the agencies in the same consumer
          // groups, and two at once would answer each other's commands.
          maxWorkers: 1,
        },
      },
      ...(dockerEngine || process.env.LIENTHONG_CONTAINER_TESTS
        ? [
            {
              test: {
                name: 'containers',
                include: ['test/containers/**/*.test.ts'],
                sequence: { groupOrder: 2 },
                testTimeout: 600_000,
              },
            },
          ]
        : []),
    ],
  },
});
