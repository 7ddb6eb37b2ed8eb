import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { laneCount } from './test/support/lane-count';

/** A Docker engine configured here: only then is the containers project part of the run. */
const dockerEngine = Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
/** Sets of integration servers (TEST_LANES, default 2): as many integration files run at once. */
const lanes = laneCount();

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
          // integration files, which mostly wait on their servers; vitest gives projects of one
          // group one worker count, so it is the integration project's.
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/workflow-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: lanes,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          // Real Temporal, Kafka and PostgreSQL, started once for the whole run: one set per lane.
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One file per lane at a time: the end-to-end files each run the agencies in the same
          // consumer groups, and two on one set of servers would answer each other's commands. A
          // file takes the lane of its worker (test/support/lane.ts), so two running together never
          // share servers.
          maxWorkers: lanes,
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
