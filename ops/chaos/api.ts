import { setTimeout as sleep } from 'node:timers/promises';
import { pool } from './pool';

/** What chaos reads of a dossier through the api. */
export interface DossierState {
  status: string;
  steps: { stepId: string; status: string; attempts: number }[];
}

/**
 * The portal api as chaos uses it: as a citizen who submits, an agency worker who decides, and an
 * audited operator who retries. Answers it cannot get (the api killed, a dependency down: refused
 * connections, 5xx) are retried; a submission keeps its Idempotency-Key, so one application makes one dossier.
 */
export function createChaosApi(
  baseUrl: string,
  options: {
    /** A token for a user the development login does not know (a citizen, one more worker); undefined: dev-login. */
    tokenFor?: (user: string) => Promise<string | undefined>;
  } = {},
) {
  const tokens = new Map<string, string>();
  async function tokenOf(user: string): Promise<string> {
    let token = tokens.get(user) ?? (await options.tokenFor?.(user));
    if (!token) {
      const response = await fetch(new URL('/auth/dev-login', baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`dev-login for ${user} answered ${response.status}`);
      token = ((await response.json()) as { token: string }).token;
    }
    tokens.set(user, token);
    return token;
  }
  async function call(
    method: string,
    path: string,
    user: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    for (let signedInAgain = false; ; signedInAgain = true) {
      const response = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${await tokenOf(user)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      // A token expires (an hour), and a run lasts longer: on 401 sign in again, once. A full run
      // lost its last three phases to expired tokens: submissions, retries and the stuck list refused.
      if (response.status !== 401 || signedInAgain) return response;
      await response.body?.cancel();
      tokens.delete(user);
    }
  }
  /** Retries while the api or its dependencies are down, up to `timeoutMs`; a 4xx is the answer. */
  async function persist(
    what: string,
    attempt: () => Promise<Response>,
    timeoutMs: number,
  ): Promise<{ status: number; body: unknown }> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const response = await attempt();
        const text = await response.text();
        // 408 (the api too slow to read the request) and 429 are answers to try again, as a 5xx.
        if (response.status < 500 && response.status !== 408 && response.status !== 429)
          return { status: response.status, body: text ? JSON.parse(text) : undefined };
        last = `${response.status} ${text.slice(0, 200)}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(500);
    }
    throw new Error(`${what}: no answer within ${timeoutMs / 1000} s (last: ${last})`);
  }
  return {
    /** As the citizen `user` (the application's applicant). */
    async submit(input: unknown, idempotencyKey: string, timeoutMs = 300_000, user = 'citizen-lan'): Promise<string> {
      const answer = await persist(
        `submit ${idempotencyKey}`,
        () => call('POST', '/api/dossiers', user, input, { 'idempotency-key': idempotencyKey }),
        timeoutMs,
      );
      const dossierId = (answer.body as { dossierId?: string } | undefined)?.dossierId;
      if ((answer.status !== 200 && answer.status !== 201 && answer.status !== 202) || !dossierId)
        throw new Error(`submit ${idempotencyKey} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return dossierId;
    },
    /** One dossier as an operator sees it; undefined when it does not answer now. */
    async dossier(dossierId: string): Promise<DossierState | undefined> {
      try {
        const response = await call('GET', `/api/dossiers/${dossierId}`, 'operator');
        if (!response.ok) return undefined;
        return (await response.json()) as DossierState;
      } catch {
        return undefined;
      }
    },
    /**
     * The dossier ids on the operator's stuck list. The one place that knows the list's shape: it
     * takes every `dossierId` anywhere in the answer, so a reshaped list (the operations module) still reads.
     */
    async stuckDossierIds(timeoutMs = 120_000): Promise<Set<string>> {
      const answer = await persist(
        'stuck list',
        () => call('GET', '/api/operator/dossiers/stuck?limit=500', 'operator'),
        timeoutMs,
      );
      // A refusal is not an empty list: every open dossier would count as unseen.
      if (answer.status !== 200)
        throw new Error(`stuck list answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const ids = new Set<string>();
      const walk = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (value && typeof value === 'object')
          for (const [key, inner] of Object.entries(value)) {
            if (key === 'dossierId' && typeof inner === 'string') ids.add(inner);
            else walk(inner);
          }
      };
      walk(answer.body);
      return ids;
    },
    /** As an audited operator: retry a step that ran out of attempts. */
    async retryStep(dossierId: string, stepId: string, reason: string): Promise<number> {
      const answer = await persist(
        `retry ${dossierId}/${stepId}`,
        () => call('POST', `/api/operator/dossiers/${dossierId}/steps/${stepId}/retry`, 'operator', { reason }),
        60_000,
      );
      return answer.status;
    },
    /**
     * As the agency's workers (`users`, the first lists): claims and approves every task of one page
     * of the inbox (`limit`, else the api's default), each worker its share, `concurrency` at a time;
     * how many it decided.
     */
    async approveTasks(
      agency: string,
      {
        users = [`worker-${agency}`],
        limit,
        concurrency = 1,
      }: { users?: readonly string[]; limit?: number; concurrency?: number } = {},
    ): Promise<number> {
      const list = await call('GET', `/api/agencies/${agency}/tasks${limit ? `?limit=${limit}` : ''}`, users[0]!);
      if (!list.ok) return 0;
      const tasks = (await list.json()) as { taskId: string; claimedBy: string | null }[];
      // A task one of them claimed before (its answer lost to a timeout, say) is decided by the same worker.
      const shares = tasks.flatMap((task, i) =>
        task.claimedBy === null
          ? [{ task, user: users[i % users.length]!, claimed: false }]
          : users.includes(task.claimedBy)
            ? [{ task, user: task.claimedBy, claimed: true }]
            : [],
      );
      const decided = await pool(shares, concurrency, async ({ task, user, claimed }) => {
        const path = `/api/agencies/${agency}/tasks/${encodeURIComponent(task.taskId)}`;
        try {
          // Each answer read to its end, so its connection goes back to the pool at once.
          if (!claimed) {
            const claim = await call('POST', `${path}/claim`, user);
            await claim.arrayBuffer();
            if (!claim.ok) return 0;
          }
          const decision = await call('POST', `${path}/decision`, user, { decision: 'approve' });
          await decision.arrayBuffer();
          return decision.ok ? 1 : 0;
        } catch {
          return 0;
        }
      });
      return decided.reduce<number>((n, d) => n + d, 0);
    },
    /** One GET as `user`, timed from the request to the last byte of the answer; never retried. */
    async timedGet(path: string, user: string): Promise<{ status: number; ms: number }> {
      const started = performance.now();
      const response = await call('GET', path, user);
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - started };
    },
  };
}
export type ChaosApi = ReturnType<typeof createChaosApi>;
