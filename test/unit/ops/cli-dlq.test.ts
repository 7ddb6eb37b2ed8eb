import { describe, expect, it } from 'vitest';
import { runDlq, type DlqIo } from '../../../ops/cli-dlq';

const id = '4f6c1c0e-8a1b-4c36-9d55-0c2f3e0b7a11';
const other = '5a7d2d1f-9b2c-4d47-8e66-1d3f4f1c8b22';

/** An io whose api answers from `answer`, recording every request. */
function fakeIo(answer: (method: string, url: string, body: unknown) => unknown, confirm = false) {
  const requests: { method: string; url: string; body: unknown }[] = [];
  const out: string[] = [];
  const io: DlqIo = {
    env: { LIENTHONG_TOKEN: 'tok' },
    out: (text) => out.push(text),
    confirm: async () => confirm,
    readInput: async () => '{"childPersonalIdNumber":"001226424242"}',
    fetch: (async (url: string, init: RequestInit) => {
      const body = init.body ? JSON.parse(init.body as string) : undefined;
      requests.push({ method: init.method!, url, body });
      return new Response(JSON.stringify(answer(init.method!, url, body)), { status: 200 });
    }) as typeof fetch,
  };
  return { io, requests, out };
}

describe('ops dlq', () => {
  it('lists through the api with the filters as query parameters, as a table', async () => {
    const { io, requests, out } = fakeIo(() => [
      {
        deadLetterId: id,
        state: 'open',
        topic: 'agency.civil-status.events',
        dossierId: 'HS-1',
        stepId: 'register-birth',
        attempt: 1,
        reason: 'schema-mismatch',
        firstSeenAt: '2026-11-30T00:00:00.000Z',
      },
    ]);
    expect(await runDlq(['dlq', '--api', 'http://api.test', 'list', '--dossier', 'HS-1', '--state', 'all'], io)).toBe(
      0,
    );
    expect(requests[0]!.url).toBe('http://api.test/api/operator/dead-letters?state=all&limit=100&dossierId=HS-1');
    expect(out[0]).toMatch(/^ID\s+STATE\s+TOPIC/);
    expect(out[0]).toContain(id);
  });

  it('refuses a bad flag or a missing token with a non-zero exit, before calling the api', async () => {
    const { io, requests } = fakeIo(() => []);
    expect(await runDlq(['dlq', 'list', '--state', 'closed'], io)).not.toBe(0);
    expect(await runDlq(['dlq', 'show', 'not-an-id'], io)).not.toBe(0);
    expect(await runDlq(['dlq', 'list'], { ...io, env: {} })).toBe(1);
    expect(await runDlq(['dlq', 'redrive', '--reason', 'why not'], io)).toBe(1);
    expect(requests).toEqual([]);
  });

  it('asks before redriving more than one, and sends nothing when not confirmed unless --yes', async () => {
    const outcomes = [id, other].map((deadLetterId) => ({ deadLetterId, outcome: 'would-redrive' }));
    const { io, requests } = fakeIo((_m, _u, body) => ({ dryRun: (body as { dryRun: boolean }).dryRun, outcomes }));
    expect(await runDlq(['dlq', 'redrive', id, other, '--reason', 'bridge fixed'], io)).toBe(1);
    expect(requests.map((r) => (r.body as { dryRun: boolean }).dryRun)).toEqual([true]);
    expect(await runDlq(['dlq', '--json', 'redrive', id, other, '--reason', 'bridge fixed', '--yes'], io)).toBe(0);
    expect(requests.at(-1)!.body).toEqual({
      deadLetterIds: [id, other],
      force: false,
      reason: 'bridge fixed',
      dryRun: false,
    });
  });

  it('fixes with the payload read from a file or stdin', async () => {
    const { io, requests } = fakeIo(() => ({ deadLetterId: id, fix: { changedPaths: ['childPersonalIdNumber'] } }));
    expect(await runDlq(['dlq', 'fix', id, '--payload', '-', '--reason', 'confirmed by phone'], io)).toBe(0);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: `http://127.0.0.1:8080/api/operator/dead-letters/${id}/fix`,
      body: { payload: { childPersonalIdNumber: '001226424242' }, reason: 'confirmed by phone' },
    });
  });

  it('answers --help with exit 0', async () => {
    const { io } = fakeIo(() => []);
    expect(await runDlq(['dlq', 'redrive', '--help'], io)).toBe(0);
  });
});
