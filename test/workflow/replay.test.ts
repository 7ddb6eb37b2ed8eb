import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/dossier-harness';
import { testDataConverter } from '../support/workflow-env';

// Histories recorded from the workflow scenarios (RECORD_HISTORIES=1 npm test -- --project workflow).
// Replaying them against today's code catches a change that would break dossiers already running.
// `*.before-cheap-dossier.json` were recorded before the 'cheap-dossier' patch (regular activities,
// a timer per wait) and stay: dossiers started then must still replay; so do
// `*.before-local-commands.json`, recorded before agency commands went out as local activities, and
// `*.before-batched-publish.json`, recorded before a workflow task's commands and status changes
// went out in one local activity, and `*.before-sent-with-command.json`, recorded before a step
// counted as sent when its command joined that batch (so 'received' took a second one).
const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
interface HistoryJson {
  events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
}
const load = (file: string) => JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as HistoryJson;

let workflowBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  workflowBundle = await bundleWorkflows();
});

describe('replay of stored histories', () => {
  it('has a history for every procedure and death variant', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'birth-bundle-completed.json',
        'birth-bundle-rejected.json',
        'death-bundle-variant-2.json',
        'death-bundle-variant-3.json',
        'death-bundle-variant-4.json',
        'birth-bundle-continued-as-new.json',
        'birth-bundle-completed.before-cheap-dossier.json',
        'death-bundle-variant-4.before-cheap-dossier.json',
        'birth-bundle-completed.before-local-commands.json',
        'death-bundle-variant-4.before-local-commands.json',
        'birth-bundle-completed.before-batched-publish.json',
        'death-bundle-variant-4.before-batched-publish.json',
        'birth-bundle-completed.before-sent-with-command.json',
        'death-bundle-variant-4.before-sent-with-command.json',
      ]),
    );
  });

  it.each(files)('%s replays deterministically', async (file) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter }, load(file), file),
    ).resolves.toBeUndefined();
  });

  it('fails on a history the code would not produce', async () => {
    // A history with regular activities: their type is in the scheduled event.
    const history = load('birth-bundle-completed.before-cheap-dossier.json');
    const scheduled = history.events.find(
      (e) => e.activityTaskScheduledEventAttributes,
    )?.activityTaskScheduledEventAttributes;
    expect(scheduled?.activityType.name).toBe('sendAgencyCommand');
    scheduled!.activityType.name = 'chargeRegistrationFee';
    await expect(
      Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter }, history, 'altered'),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
