import type { Endpoints } from '../../platform/endpoints';
import { createAuditLog } from '../../platform/audit';
import { createTokenVerifier, issueDevelopmentToken } from '../../platform/auth';
import type { Pool } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { citizenKeyer } from '../../platform/pseudonym';
import { createBulkJobStore } from '../../ops/operations';
import { catalogue } from '../../contracts/procedures';
import type { DossierSettings } from '../../contracts/dossier-workflow';
import { buildApi } from '../../web/app';
import { devUsers } from '../../web/auth';
import type { ApiContext } from '../../web/context';
import { createDossierGateway } from '../../web/dossiers';
import { createNotificationHub } from '../../web/notifications';
import { createSubmissionLedger } from '../../web/submission-ledger';
import type { startSystem } from './system';
import { testDataConverter } from './workflow-env';
import { testAuditKey } from './audit-key';

export const portalAuth = {
  issuer: 'lienthong-test',
  audience: 'lienthong-api',
  secret: new TextEncoder().encode('integration-secret-of-at-least-32-bytes'),
};

/**
 * A lean portal api over the real system (no notification feed, no archive): what operator and
 * command-line tests call over HTTP with development tokens.
 */
export async function startPortal(
  system: Awaited<ReturnType<typeof startSystem>>,
  endpoints: Endpoints,
  pool: Pool,
  log: Logger,
  options: { settings?: Partial<DossierSettings>; context?: Partial<ApiContext> } = {},
) {
  const audit = createAuditLog(pool, testAuditKey);
  await audit.ready();
  const ledger = createSubmissionLedger(pool);
  await ledger.migrate();
  const bulkJobStore = createBulkJobStore(pool);
  await bulkJobStore.migrate();
  const app = await buildApi({
    context: {
      catalogue,
      dossiers: createDossierGateway({
        client: system.client,
        citizenKey: citizenKeyer(new TextEncoder().encode('integration-citizen-search-secret')),
        catalogue,
        ledger,
        settings: options.settings ?? {},
        registry: system.registry.service,
      }),
      registry: system.registry.service,
      notifications: createNotificationHub(),
      backOffices: Object.fromEntries(Object.entries(system.agencies).map(([a, r]) => [a, r.backOffice])),
      audit,
      kafka: system.kafka,
      namespace: endpoints.temporal.namespace,
      codec: testDataConverter.payloadCodecs[0]!,
      bulkJobStore,
      ...options.context,
    },
    verifier: createTokenVerifier(portalAuth),
    devLogin: portalAuth,
    log,
    bodyLimitBytes: 256 * 1024,
    rateLimitPerMinute: 100_000,
    ready: async () => ({ temporal: true }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const tokens: Record<string, string> = {};
  const token = async (who: keyof typeof devUsers) =>
    (tokens[who] ??= await issueDevelopmentToken(devUsers[who]!, portalAuth));
  const call = async (who: keyof typeof devUsers, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(who)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever the api answered
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  return { url, call, token, close: () => app.close() };
}
