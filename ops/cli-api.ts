/** Something the command line reports in one line and exits non-zero with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface ApiClient {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * The operator's door to the api: every action goes through it with the operator's token, so
 * roles, reasons and the audit log apply as they do on the pages. A problem answer becomes a
 * one-line CliError naming the status, the detail and each field at fault.
 */
export function createApiClient(baseUrl: string, token: string): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (err) {
        throw new CliError(`cannot reach the api at ${base}: ${(err as Error).message}`);
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        throw new CliError(`the api at ${base} answered ${response.status} with something that is not JSON`);
      }
      if (!response.ok) {
        const problem = (parsed ?? {}) as {
          detail?: string;
          title?: string;
          state?: string;
          errors?: { path: string; message: string }[];
        };
        const fields = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
        const detail = problem.detail ?? problem.title ?? 'no detail';
        throw new CliError(`${response.status} ${detail}${fields && !detail.includes(fields) ? ` (${fields})` : ''}`);
      }
      return parsed as T;
    },
  };
}
