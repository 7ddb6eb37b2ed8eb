import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, vi } from 'vitest';
import type { AgencyCommandRequest, createActivities } from '../../activities';
import type { DossierSettings } from '../../contracts/dossier-workflow';
import type { DossierStatusChanged } from '../../contracts/dossier-status';
import { catalogue as productionCatalogue, type Catalogue } from '../../contracts/procedures';
import type { ProcedureInputBase } from '../../contracts/procedures/define';
import { workflowBundlerOptions } from '../../services/orchestrator';
import { agencyEventSignal, statusQuery } from '../../workflows/messages';
import { createTimeSkippingEnvironment, testDataConverter } from './workflow-env';

const historiesDir = fileURLToPath(new URL('../histories/', import.meta.url));

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export async function bundleWorkflows(path = workflowsPath): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: path,
    ...workflowBundlerOptions,
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });
}

let sequence = 0;
const mondayMorningInHanoi = '2026-11-23T02:00:00.000Z';

/**
 * A real worker on the time-skipping server whose activities are fakes that record what the
 * workflow sent; the test plays the agencies by signalling events back, as the bridge would.
 */
export async function createDossierHarness(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  catalogue: Catalogue = productionCatalogue,
) {
  const taskQueue = `dossiers-${++sequence}`;
  const commands: AgencyCommandRequest[] = [];
  const notifications: DossierStatusChanged[] = [];
  /** How many sends of agency commands, of cancellations and of notifications fail next (a broker outage). */
  const sendFailures = { remaining: 0 };
  const cancelFailures = { remaining: 0 };
  const notifyFailures = { remaining: 0 };
  const failing = (failures: { remaining: number }) => {
    if (failures.remaining <= 0) return;
    failures.remaining -= 1;
    throw new Error('broker unavailable');
  };
  const activities: ReturnType<typeof createActivities> = {
    async sendAgencyCommand(command) {
      failing(command.type === 'CancelCase.v1' ? cancelFailures : sendFailures);
      commands.push(command);
      return { stepId: command.stepId, commandId: command.commandId };
    },
    async publishDossierNotification(notification) {
      failing(notifyFailures);
      notifications.push(notification);
    },
    async publishDossierNotifications(batch) {
      failing(notifyFailures);
      notifications.push(...batch);
    },
    async publishDossierBatch(batch) {
      // A batch fails as a whole when any of its parts would: nothing of it is recorded then.
      if (batch.notifications.length > 0) failing(notifyFailures);
      for (const command of batch.commands) failing(command.type === 'CancelCase.v1' ? cancelFailures : sendFailures);
      notifications.push(...batch.notifications);
      commands.push(...batch.commands);
      return { sent: batch.commands.map(({ stepId, commandId }) => ({ stepId, commandId })) };
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities,
    dataConverter: testDataConverter,
  });
  const running = worker.run();
  let eventSequence = 0;

  const harness = {
    commands,
    notifications,
    sendFailures,
    cancelFailures,
    notifyFailures,
    /**
     * Starts a dossier whose simulated clock reads Monday 23 November 2026, 09:00 in Hanoi: the
     * test server's own clock drifts by years across tests, and working-day deadlines would
     * otherwise depend on the weekday it lands on.
     */
    async start(args: { dossierId: string; input: ProcedureInputBase; settings?: Partial<DossierSettings> }) {
      const workflow = catalogue.procedureOf(args.input).workflowType;
      const clock = {
        realEpochMs: await env.currentTimeMs(),
        simulatedEpochMs: Date.parse(mondayMorningInHanoi),
        factor: 1,
      };
      return env.client.workflow.start(workflow, {
        taskQueue,
        workflowId: args.dossierId,
        args: [{ ...args, settings: { clock, ...args.settings } }],
      });
    },
    /**
     * Waits until the workflow sent the command for a step (the given attempt, else the latest) and
     * took the send into account: its deadline timer runs from then, so a test may skip time next.
     */
    async command(dossierId: string, stepId: string, attempt?: number): Promise<AgencyCommandRequest> {
      const command = await vi.waitFor(
        () => {
          const found = commands.filter(
            (c) =>
              c.dossierId === dossierId &&
              c.stepId === stepId &&
              !c.commandId.endsWith('/cancel') &&
              (attempt === undefined || c.attempt === attempt),
          );
          const last = found.at(-1);
          if (!last) throw new Error(`no ${stepId} command${attempt ? ` attempt ${attempt}` : ''} yet`);
          return last;
        },
        { timeout: 15_000, interval: 50 },
      );
      await vi.waitFor(
        async () => {
          const step = (await env.client.workflow.getHandle(dossierId).query(statusQuery)).steps.find(
            (s) => s.stepId === stepId,
          );
          if (step?.commandId !== command.commandId || ['pending', 'overdue'].includes(step.status))
            throw new Error(`${command.commandId} not yet recorded as sent: ${JSON.stringify(step)}`);
        },
        { timeout: 15_000, interval: 50 },
      );
      return command;
    },
    /** Plays the agency: signals an event answering a command, as the event bridge delivers it. */
    async answer(
      handle: WorkflowHandle,
      command: AgencyCommandRequest,
      type: string,
      data: Record<string, unknown> = {},
      eventId = `evt-${++eventSequence}`,
    ) {
      await handle.signal(agencyEventSignal, {
        eventId,
        type,
        agency: command.agency,
        stepId: command.stepId,
        commandId: command.commandId,
        occurredAt: new Date().toISOString(),
        data: { dossierId: command.dossierId, stepId: command.stepId, commandId: command.commandId, ...data },
      });
      return eventId;
    },
    /**
     * With RECORD_HISTORIES=1, stores the finished workflow's history for the replay tests
     * (test/histories/<name>.json); otherwise does nothing.
     */
    async record(handle: WorkflowHandle, name: string) {
      if (process.env.RECORD_HISTORIES !== '1') return;
      const history = await handle.fetchHistory();
      writeFileSync(`${historiesDir}${name}.json`, `${historyToJSON(history)}\n`);
    },
    async stop() {
      worker.shutdown();
      await running;
    },
  };
  return harness;
}

export type DossierHarness = Awaited<ReturnType<typeof createDossierHarness>>;

/**
 * One time-skipping server, workflow bundle and harness for a test file, stopped after it; `ready`
 * hands them to the file once they are up.
 */
export function useDossierHarness(
  ready: (started: { env: TestWorkflowEnvironment; h: DossierHarness }) => void,
  procedures: { workflowsPath?: string; catalogue?: Catalogue } = {},
): void {
  let started: { env: TestWorkflowEnvironment; h: DossierHarness } | undefined;
  beforeAll(async () => {
    const [env, bundle] = await Promise.all([
      createTimeSkippingEnvironment(),
      bundleWorkflows(procedures.workflowsPath),
    ]);
    started = { env, h: await createDossierHarness(env, bundle, procedures.catalogue) };
    ready(started);
  });
  afterAll(async () => {
    await started?.h.stop();
    await started?.env.teardown();
  });
}
