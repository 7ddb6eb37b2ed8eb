import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface OpsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npm run ops -- ...` against an api, as an operator runs it: the command line in a process of its
 * own, started with the TypeScript loader directly (npx and tsx's own launcher cost two more Node
 * start-ups, about half a second, per call).
 */
export function runOps(
  api: { url: string; token: string },
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<OpsRun> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'ops/cli.ts', ...args], {
    env: { ...process.env, LIENTHONG_API_URL: api.url, LIENTHONG_TOKEN: api.token, ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: OpsRun) => err,
  );
}
