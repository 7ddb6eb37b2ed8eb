import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackOfficeServer, httpBackOffice } from '../../../agencies/runtime/back-office-http';
import type { BackOffice, Task, WorkerDecision } from '../../../contracts/back-office';
import { createLogger } from '../../../platform/logger';

/** The back office's HTTP API and client, over a fake office (the real one is in the integration tests). */
const calls: unknown[][] = [];
const task: Task = {
  taskId: 'HS-1/register-birth/1',
  dossierId: 'HS-1',
  stepId: 'register-birth',
  commandType: 'RegisterBirth.v1',
  status: 'awaiting-worker',
  flags: ['father-deceased'],
  dueAt: '2026-11-24T10:00:00.000Z',
  claimedBy: null,
  createdAt: '2026-11-23T01:00:00.000Z',
};
const read = {
  actor: 'rules',
  organisation: 'civil-status',
  dossierId: 'HS-1',
  purpose: 'case-decision',
  holder: 'civil-status',
  at: '2026-11-23T01:00:00.000Z',
} as const;
const note = { noteId: '1', author: 'officer-a', text: 'Gọi điện cho mẹ', createdAt: '2026-11-23T02:00:00.000Z' };
const office: BackOffice = {
  listTasks: async (filter) => {
    calls.push(['list', filter]);
    return [task];
  },
  task: async (taskId) => {
    calls.push(['task', taskId]);
    return taskId === task.taskId ? task : undefined;
  },
  claim: async (taskId, worker) => {
    calls.push(['claim', taskId, worker]);
    return worker === 'officer-a';
  },
  release: async (taskId, worker) => {
    calls.push(['release', taskId, worker]);
    return true;
  },
  complete: async (taskId, worker, decision: WorkerDecision) => {
    calls.push(['complete', taskId, worker, decision]);
    return true;
  },
  caseFile: async (taskId, reviewFields) => {
    calls.push(['case-file', taskId, reviewFields]);
    return taskId === task.taskId ? { task, facts: { 'child.fullName': 'Trần An' }, notes: [note] } : undefined;
  },
  addNote: async (taskId, author, text) => {
    calls.push(['note', taskId, author, text]);
    return { ...note, author, text };
  },
  dataAccess: async (personalId) => {
    calls.push(['data-access', personalId]);
    return [read];
  },
  outboxLag: async (query) => {
    calls.push(['outbox-lag', query]);
    return {
      unpublished: 3,
      oldestAgeSeconds: 42.5,
      waiting: [{ dossierId: 'HS-1', stepId: 'register-birth', ageSeconds: 42.5 }],
    };
  },
};

let server: Awaited<ReturnType<typeof buildBackOfficeServer>>;
let url: string;
beforeAll(async () => {
  server = await buildBackOfficeServer(office, {
    log: createLogger({ level: 'silent', format: 'json' }),
    token: 'service-token-0123456789',
  });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
});

describe('back office over HTTP', () => {
  it('passes every call through with its arguments and answers', async () => {
    const client = httpBackOffice(url, 'service-token-0123456789');
    const tasks = await client.listTasks({
      status: 'awaiting-worker',
      dueBefore: new Date('2026-12-01T00:00:00Z'),
      limit: 20,
    });
    expect(tasks).toEqual([task]);
    expect(await client.task(task.taskId)).toEqual(task);
    expect(await client.task('HS-0/none/1')).toBeUndefined();
    expect(await client.claim(task.taskId, 'officer-a')).toBe(true);
    expect(await client.claim(task.taskId, 'officer-b')).toBe(false);
    expect(await client.release(task.taskId, 'officer-a')).toBe(true);
    expect(
      await client.complete(task.taskId, 'officer-a', {
        decision: 'reject',
        reasonCode: 'REJECTED_BY_OFFICER',
        message: 'forged certificate',
      }),
    ).toBe(true);
    expect(await client.caseFile(task.taskId, ['child.fullName'])).toEqual({
      task,
      facts: { 'child.fullName': 'Trần An' },
      notes: [note],
    });
    expect(await client.caseFile('HS-0/none/1', ['child.fullName'])).toBeUndefined();
    expect(await client.addNote(task.taskId, 'officer-b', 'Đã xác minh')).toEqual({
      ...note,
      author: 'officer-b',
      text: 'Đã xác minh',
    });
    expect(await client.dataAccess('001190012345')).toEqual([read]);
    expect(await client.outboxLag({ olderThanSeconds: 30, limit: 10 })).toEqual({
      unpublished: 3,
      oldestAgeSeconds: 42.5,
      waiting: [{ dossierId: 'HS-1', stepId: 'register-birth', ageSeconds: 42.5 }],
    });
    expect(calls).toEqual([
      ['list', { status: 'awaiting-worker', dueBefore: new Date('2026-12-01T00:00:00Z'), limit: 20 }],
      ['task', task.taskId],
      ['task', 'HS-0/none/1'],
      ['claim', task.taskId, 'officer-a'],
      ['claim', task.taskId, 'officer-b'],
      ['release', task.taskId, 'officer-a'],
      [
        'complete',
        task.taskId,
        'officer-a',
        { decision: 'reject', reasonCode: 'REJECTED_BY_OFFICER', message: 'forged certificate' },
      ],
      ['case-file', task.taskId, ['child.fullName']],
      ['case-file', 'HS-0/none/1', ['child.fullName']],
      ['note', task.taskId, 'officer-b', 'Đã xác minh'],
      ['data-access', '001190012345'],
      ['outbox-lag', { olderThanSeconds: 30, limit: 10 }],
    ]);
  });

  it('refuses calls without the service token, and invalid bodies, with problem details', async () => {
    await expect(httpBackOffice(url).listTasks()).rejects.toThrow(/401/);
    await expect(httpBackOffice(url, 'wrong-token-0123456789').claim('x', 'y')).rejects.toThrow(/401/);
    const response = await fetch(`${url}/tasks/x/complete`, {
      method: 'POST',
      headers: { authorization: 'Bearer service-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ worker: 'a', decision: { decision: 'maybe' } }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
