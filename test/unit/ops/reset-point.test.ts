import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { findResetPoint } from '../../../ops/operations/reset-point';
import { testDataConverter } from '../../support/workflow-env';

const codec = testDataConverter.payloadCodecs[0]!;
const history = (file: string) =>
  historyFromJSON(JSON.parse(readFileSync(fileURLToPath(new URL(`../../histories/${file}`, import.meta.url)), 'utf8')));

type Events = NonNullable<ReturnType<typeof history>['events']>;
const isTaskCompleted = (events: Events, id: number) =>
  Boolean(events.find((e) => Number(e.eventId) === id)?.workflowTaskCompletedEventAttributes);

describe('the reset point before a step', () => {
  it('is the workflow task that scheduled the step’s first command, in a run of regular activities', async () => {
    const h = history('birth-bundle-completed.before-cheap-dossier.json');
    const birth = await findResetPoint(h, codec, { beforeStep: 'register-birth' });
    const residence = await findResetPoint(h, codec, { beforeStep: 'register-residence' });
    expect(isTaskCompleted(h.events!, birth)).toBe(true);
    expect(isTaskCompleted(h.events!, residence)).toBe(true);
    // The next command scheduled after that workflow task is the step's.
    const next = h.events!.find(
      (e) =>
        Number(e.eventId) > residence &&
        e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendAgencyCommand',
    );
    expect(Number(next!.eventId)).toBeGreaterThan(residence);
    expect(residence).toBeGreaterThan(birth);
  });

  it.each([
    ['local-commands', 'birth-bundle-completed.before-batched-publish.json'],
    ['batched-publish', 'birth-bundle-completed.json'],
  ])('is the workflow task whose local activity sent the step’s first command, under %s', async (_patch, file) => {
    const h = history(file);
    const markers = h.events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(markers.length).toBeGreaterThan(0);
    const birth = await findResetPoint(h, codec, { beforeStep: 'register-birth' });
    const residence = await findResetPoint(h, codec, { beforeStep: 'register-residence' });
    const card = await findResetPoint(h, codec, { beforeStep: 'issue-health-insurance-card' });
    for (const point of [birth, residence, card]) expect(isTaskCompleted(h.events!, point)).toBe(true);
    expect(residence).toBeGreaterThan(birth);
    // The two steps of the second stage are sent by the same workflow task.
    expect(card).toBe(residence);
  });

  it('names the field when the step never sent a command', async () => {
    await expect(
      findResetPoint(history('birth-bundle-rejected.json'), codec, { beforeStep: 'register-residence' }),
    ).rejects.toThrow(/never sent a command/);
  });
});
