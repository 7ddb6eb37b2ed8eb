import { parseArgs } from 'node:util';
import { AgencyId, agencyIds } from '../contracts/agencies';
import { runningEndpoints } from '../infra/bring-up';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

const usage = `usage: tsx workers/agency.ts --agency <${agencyIds.join('|')}>`;

function agencyFromArgs(): AgencyId {
  let values;
  try {
    ({ values } = parseArgs({ options: { agency: { type: 'string' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const parsed = AgencyId.safeParse(values.agency);
  if (!parsed.success) {
    process.stderr.write(
      `--agency: must be one of ${agencyIds.join(', ')} (got ${JSON.stringify(values.agency ?? null)})\n${usage}\n`,
    );
    process.exit(2);
  }
  return parsed.data;
}

/** One simulated agency service as its own process, with its back office on BACK_OFFICE_BASE_PORT (+0/+1/+2). */
const agency = agencyFromArgs();
runProcess(`agency-${agency}`, async (config, log) =>
  startServices(config, runningEndpoints(config), log, { agencies: [agency], backOfficeHttp: true }),
);
