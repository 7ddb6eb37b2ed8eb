import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreatePrivateFile } from '../platform/files';
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { BusKeyring } from '../platform/bus';
import type { AgencyId } from '../contracts/agencies';
import type { DossierSettings } from '../contracts/dossier-workflow';
import type { BackOffice } from '../contracts/back-office';
import type { PopulationRegistryClient } from '../contracts/registry';
import { catalogue as productionCatalogue, type Catalogue } from '../contracts/procedures';
import { auditKeyFor, createAuditLog } from '../platform/audit';
import { createDossierRecords } from '../platform/dossier-records';
import { createStepTimings } from '../platform/step-timings';
import { createTokenVerifier, type VerifierOptions } from '../platform/auth';
import type { AesGcmPayloadCodec } from '../platform/codec';
import type { Config } from '../platform/config';
import { createPool } from '../platform/database';
import type { Endpoints } from '../platform/endpoints';
import type { Logger } from '../platform/logger';
import { citizenKeyerFor } from '../platform/pseudonym';
import { buildApi } from '../web/app';
import { createDossierGateway } from '../web/dossiers';
import { createSubmissionLedger } from '../web/submission-ledger';
import { createNotificationHub, feedFromKafka } from '../web/notifications';
import { startDossierArchive } from './dossier-archive';
import { createDeadLetterStore } from '../ops/dead-letters/store';
import { startDeadLetterRecorder } from '../ops/dead-letters/recorder';
import { createDeadLetterOperations } from '../ops/dead-letters/service';
import { createBulkJobStore } from '../ops/operations';
import { createNotificationStore } from '../notify/store';

/** The development token secret: configured, or generated once under DATA_DIR (never in external mode). */
export function developmentAuthSecret(config: Config): Uint8Array {
  if (config.auth.devSecret) return new TextEncoder().encode(config.auth.devSecret);
  const file = join(config.dataDir, 'dev-auth-secret');
  const secret = readOrCreatePrivateFile(file, () => randomBytes(32).toString('base64url'));
  return new TextEncoder().encode(secret.trim());
}

/** The pages' CSRF key: configured (one for every api process of a site), or generated once under DATA_DIR. */
export function pagesCsrfKey(config: Config): Uint8Array {
  const key =
    config.api.pagesCsrfKey ??
    readOrCreatePrivateFile(join(config.dataDir, 'pages-csrf-key'), () => randomBytes(32).toString('base64url'));
  return new TextEncoder().encode(key.trim());
}

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** Starts the portal api over the given clients; back offices are those of agencies in this process. */
export async function startApi(deps: {
  config: Config;
  endpoints: Endpoints;
  log: Logger;
  client: Client;
  kafka: Kafka;
  /** The api's bus keys: it reads dossier.notifications. */
  keyring: BusKeyring;
  /** The operator tools' own principal and keys: they record, open, redrive and fix dead letters. */
  operations: { kafka: Kafka; keyring: BusKeyring };
  codec: AesGcmPayloadCodec;
  backOffices: Partial<Record<AgencyId, BackOffice>>;
  /** The national population registry: `GET /api/me`, the checks at submission, the data-access log. */
  registry: PopulationRegistryClient;
  clock: DossierSettings['clock'];
  /** The procedures on offer; the production catalogue unless a test adds its own. */
  catalogue?: Catalogue;
}): Promise<RunningApi> {
  const { config, log } = deps;
  const pool = createPool(deps.endpoints.postgres.url, {
    applicationName: 'lienthong-api',
    onIdleError: (err) => log.warn({ error: err.message }, 'idle database connection lost'),
  });
  const audit = createAuditLog(pool, auditKeyFor(config));
  await audit.ready();
  const ledger = createSubmissionLedger(pool);
  await ledger.migrate();
  const records = createDossierRecords(pool, deps.codec);
  await records.migrate();
  const stepTimings = createStepTimings(pool);
  await stepTimings.migrate();
  const bulkJobStore = createBulkJobStore(pool);
  await bulkJobStore.migrate();
  // The notifications service's outbox, read for the citizen's messages page and the metrics.
  const messageStore = createNotificationStore(pool, deps.codec);
  await messageStore.migrate();
  const secret = config.auth.devLogin ? developmentAuthSecret(config) : undefined;
  const claims = {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    maxLifetimeSeconds: config.auth.maxTokenLifetimeSeconds,
  };
  const verifierOptions: VerifierOptions = config.auth.jwksUrl
    ? { ...claims, jwksUrl: config.auth.jwksUrl }
    : { ...claims, secret: secret! };
  const uiUrl = deps.endpoints.temporal.uiUrl;
  const citizenKey = citizenKeyerFor(config);
  const catalogue = deps.catalogue ?? productionCatalogue;
  const notifications = createNotificationHub();
  const feed = await feedFromKafka(notifications, deps.kafka, deps.keyring, log);
  const archive = await startDossierArchive({
    kafka: deps.kafka,
    keyring: deps.keyring,
    client: deps.client,
    records,
    stepTimings,
    citizenKey,
    log,
  });
  const dossiers = createDossierGateway({
    client: deps.client,
    citizenKey,
    catalogue,
    ledger,
    settings: {
      clock: deps.clock,
      ...(config.resendBackoffSeconds === undefined ? {} : { resendBackoffSeconds: config.resendBackoffSeconds }),
    },
    records,
    registry: deps.registry,
  });
  const deadLetterStore = createDeadLetterStore(pool);
  await deadLetterStore.migrate();
  const recorder = await startDeadLetterRecorder({ ...deps.operations, store: deadLetterStore, log });
  const deadLetters = createDeadLetterOperations({
    ...deps.operations,
    store: deadLetterStore,
    audit,
    stepsOf: async (dossierId) => (await dossiers.view(dossierId)).steps,
    log,
  });
  const app = await buildApi({
    context: {
      catalogue,
      dossiers,
      registry: deps.registry,
      notifications,
      backOffices: deps.backOffices,
      audit,
      // Operations may describe the agency topics and the bridge's group: the consumer-lag metric.
      kafka: deps.operations.kafka,
      deadLetters,
      temporalUiUrl: deps.endpoints.temporal.uiUrl,
      stepTimings,
      outboxLagThresholdSeconds: config.api.outboxLagThresholdSeconds,
      bulkJobStore,
      messages: {
        forCitizen: (personalIdNumber, limit) => messageStore.forCitizen(citizenKey(personalIdNumber), limit),
        counts: () => messageStore.counts(),
      },
      namespace: deps.endpoints.temporal.namespace,
      codec: deps.codec,
    },
    verifier: createTokenVerifier(verifierOptions),
    devLogin: secret
      ? {
          issuer: config.auth.issuer,
          audience: config.auth.audience,
          secret,
          ttlSeconds: Math.min(3600, config.auth.maxTokenLifetimeSeconds),
        }
      : undefined,
    log,
    pagesCsrfKey: pagesCsrfKey(config),
    bodyLimitBytes: config.api.bodyLimitBytes,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    allowedHosts: config.api.allowedHosts,
    // The local Web UI by default; on real clusters, the origins configured for it.
    corsOrigins: config.api.corsOrigins ?? (uiUrl ? [new URL(uiUrl).origin] : []),
    maxStreamsPerIdentity: config.api.maxStreamsPerIdentity,
    // Each dependency answers within 1.5 s or counts as down, all asked at once: a probe gets its
    // answer in under 2 s whatever is down, rather than waiting out a client's own retries.
    ready: async () => {
      const check = (probe: () => Promise<unknown>) =>
        Promise.race([
          probe().then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_500).unref()),
        ]);
      const [temporal, kafka, postgres] = await Promise.all([
        check(() => deps.client.workflowService.getSystemInfo({})),
        check(async () => {
          const admin = deps.kafka.admin({ retry: { retries: 0 } });
          await admin.connect();
          try {
            await admin.describeCluster();
          } finally {
            await admin.disconnect();
          }
        }),
        check(() => pool.query('select 1')),
      ]);
      return { temporal, kafka, postgres };
    },
  });
  const url = await app.listen({ host: config.api.host, port: config.api.port });
  log.info({ url, docs: `${url}/docs`, devLogin: Boolean(secret) }, 'api listening');
  return {
    url,
    async stop() {
      await app.close();
      await feed.stop();
      await archive.stop();
      await recorder.stop();
      await deadLetters.close();
      await pool.end();
    },
  };
}
