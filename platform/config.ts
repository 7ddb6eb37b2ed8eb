import { z } from 'zod';
import { agencyIds, type AgencyId } from '../contracts/agencies';
import { kafkaPrincipals, principalVariableSuffix, type KafkaPrincipal } from '../contracts/principals';

/** Raised when the environment does not describe a runnable configuration; names every bad variable. */
export class ConfigError extends Error {
  readonly type = 'ConfigError';
  readonly retriable = false;
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be from 1 to 65535');

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');

const flag = z.stringbool({ error: 'must be true or false' });

const postgresUrl = z
  .url({
    protocol: /^postgres(ql)?$/,
    error: 'must be a postgres:// URL, e.g. postgres://user:pass@host:5432/lienthong',
  })
  .refine((value) => new URL(value).pathname.length > 1, 'must name a database, e.g. postgres://host:5432/lienthong');

export const infraModes = ['local', 'external', 'containers', 'auto'] as const;
export type InfraMode = (typeof infraModes)[number];

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const agencyPolicies = ['auto', 'manual', 'review'] as const;
export type AgencyPolicy = (typeof agencyPolicies)[number];
const agencyPolicy = z.enum(agencyPolicies, { error: 'must be auto, manual or review' });

type EnvSuffix<Id extends string> = Id extends `${infer Head}-${infer Tail}` ? `${Head}_${EnvSuffix<Tail>}` : Id;
type PolicyVariable = `AGENCY_POLICY_${Uppercase<EnvSuffix<AgencyId>>}`;

/** The variable that overrides AGENCY_POLICY for one agency: `residence` → `AGENCY_POLICY_RESIDENCE`. */
export function policyVariable(agency: AgencyId): PolicyVariable {
  return `AGENCY_POLICY_${agency.toUpperCase().replaceAll('-', '_')}` as PolicyVariable;
}

/** One value per agency, so a new id in agencyIds reaches every per-agency setting without an edit here. */
function perAgency<T>(value: (agency: AgencyId, index: number) => T): Record<AgencyId, T> {
  return Object.fromEntries(agencyIds.map((agency, index) => [agency, value(agency, index)])) as Record<AgencyId, T>;
}

const policyVariables = Object.fromEntries(
  agencyIds.map((agency) => [policyVariable(agency), agencyPolicy.optional()]),
) as Record<PolicyVariable, z.ZodOptional<typeof agencyPolicy>>;

type CredentialVariable = `KAFKA_SASL_${'USERNAME' | 'PASSWORD'}_${Uppercase<EnvSuffix<KafkaPrincipal>>}`;

/** The variables of one principal's Kafka credentials: `event-bridge` → `KAFKA_SASL_PASSWORD_EVENT_BRIDGE`. */
export function kafkaCredentialVariables(principal: KafkaPrincipal): {
  username: CredentialVariable;
  password: CredentialVariable;
} {
  const suffix = principalVariableSuffix(principal);
  return {
    username: `KAFKA_SASL_USERNAME_${suffix}` as CredentialVariable,
    password: `KAFKA_SASL_PASSWORD_${suffix}` as CredentialVariable,
  };
}

const credentialVariables = Object.fromEntries(
  kafkaPrincipals.flatMap((principal) => {
    const names = kafkaCredentialVariables(principal);
    return [
      [names.username, z.string().min(1).optional()],
      [names.password, z.string().min(1).optional()],
    ];
  }),
) as Record<CredentialVariable, z.ZodOptional<z.ZodString>>;

const agencyAlternatives = agencyIds.map((agency) => agency.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/** A comma-separated list of `<agency><separator><value>` pairs, the agency one of agencyIds. */
function agencyPairs(separator: string, value: string): RegExp {
  const pair = `(${agencyAlternatives})${separator}${value}`;
  return new RegExp(`^${pair}(,${pair})*$`);
}

/**
 * Every environment variable Lienthong reads, with its default and rule. Keys are the variable
 * names so a zod issue path is the variable to fix. The README's configuration table mirrors this.
 */
export const EnvSchema = z.object({
  INFRA_MODE: z.enum(infraModes, { error: `must be one of ${infraModes.join(', ')}` }).default('local'),
  DATA_DIR: z.string().min(1).default('.data'),
  INFRA_CACHE_DIR: z.string().min(1).default('.infra'),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto'], { error: 'must be json, pretty or auto' }).default('auto'),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name')
    .default('default'),
  TEMPORAL_TLS: flag.default(false),
  ORCHESTRATOR_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .default(150),
  ORCHESTRATOR_WORKFLOW_HEAP_MB: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(256, 'must be at least 256')
    .max(65_536, 'must be at most 65536')
    .default(512),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI: flag.default(true),

  KAFKA_BROKERS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean),
    )
    .pipe(z.array(hostPort).min(1, 'must list at least one host:port'))
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('lienthong'),
  KAFKA_SSL: flag.default(false),
  KAFKA_SSL_CA_PATH: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], { error: 'must be plain, scram-sha-256 or scram-sha-512' })
    .optional(),
  ...credentialVariables,
  // Replaced by one principal per service; kept in the schema only to name the new variables.
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_TOPIC_PARTITIONS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(1),
  KAFKA_PORT: port.default(19092),
  KAFKA_CONTROLLER_PORT: port.default(19093),

  DATABASE_URL: postgresUrl.optional(),
  DATABASE_ADMIN_URL: postgresUrl.optional(),
  AUDIT_HMAC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (openssl rand -base64 32)')
    .optional(),

  AGENCY_POLICY: agencyPolicy.default('auto'),
  ...policyVariables,
  AGENCY_PROCESSING_DELAY_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .default(0),
  AGENCY_RECEIPT_LINGER_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(60_000, 'must be at most 60000 (a minute)')
    .default(1000),
  AGENCY_LATENCY_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .default(0),
  AGENCY_FAILURE_RATE: z.coerce
    .number({ error: 'must be a number' })
    .min(0, 'must be from 0 to 1')
    .max(1, 'must be from 0 to 1')
    .default(0),
  AGENCY_OUTAGES: z
    .string()
    .regex(
      agencyPairs('@', '[^/,]+/[^/,]+'),
      'must be agency@from/to pairs of ISO times, e.g. residence@2026-11-23T09:00:00Z/2026-11-23T09:10:00Z',
    )
    .optional(),
  CLOCK_FACTOR: z.coerce
    .number({ error: 'must be a number' })
    .min(1, 'must be at least 1 (real time)')
    .max(1_000_000, 'must be at most 1000000')
    .default(1),
  CLOCK_EPOCH: z.iso.datetime({ offset: true, error: 'must be an ISO time, e.g. 2026-11-30T09:00:00Z' }).optional(),
  RESEND_BACKOFF_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .min(0, 'must not be negative')
    .max(86_400, 'must be at most 86400')
    .optional(),
  POPULATION_SIZE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(5_000_000, 'must be at most 5000000')
    .default(20_000),

  PAYLOAD_KEYS: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9._-]+:[A-Za-z0-9+/]{43}=\s*(,\s*[A-Za-z0-9._-]+:[A-Za-z0-9+/]{43}=\s*)*$/,
      'must be id:base64 pairs of 32-byte keys separated by commas, e.g. k1:<44 base64 characters>',
    )
    .optional(),
  PAYLOAD_ACTIVE_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be a key id from PAYLOAD_KEYS')
    .optional(),
  BUS_KEYS_DIR: z.string().min(1).optional(),
  CITIZEN_SEARCH_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (openssl rand -base64 32)')
    .optional(),
  POSTGRES_PORT: port.default(15432),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(8080),
  API_BODY_LIMIT_BYTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1_024, 'must be at least 1024')
    .max(10_485_760, 'must be at most 10485760')
    .default(262_144),
  API_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000_000, 'must be at most 1000000')
    .default(600),
  API_ALLOWED_HOSTS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/, 'must be host or host:port names'))
        .min(1, 'must list at least one host'),
    )
    .optional(),
  API_CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^https?:\/\/[A-Za-z0-9.[\]:-]+$/, 'must be origins such as https://temporal-ui.example.gov.vn'),
      ),
    )
    .optional(),
  PAGES_CSRF_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  API_MAX_STREAMS_PER_IDENTITY: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000, 'must be at most 1000')
    .default(10),
  OPS_OUTBOX_LAG_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400')
    .default(60),
  BACK_OFFICE_HOST: z.string().min(1).default('127.0.0.1'),
  BACK_OFFICE_BASE_PORT: port.default(8090),
  BACK_OFFICE_URLS: z
    .string()
    .regex(
      agencyPairs('=', 'https?://[^,\\s]+'),
      'must be agency=url pairs, e.g. civil-status=http://10.0.0.5:8090,residence=http://10.0.0.6:8091',
    )
    .optional(),
  BACK_OFFICE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  REGISTRY_HOST: z.string().min(1).default('127.0.0.1'),
  REGISTRY_PORT: port.default(8088),
  REGISTRY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the population registry' }).optional(),
  REGISTRY_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  NOTIFY_EMAIL_TRANSPORT: z.enum(['outbox', 'smtp'], { error: 'must be outbox or smtp' }).default('outbox'),
  NOTIFY_SMS_TRANSPORT: z.enum(['outbox', 'sms-gateway'], { error: 'must be outbox or sms-gateway' }).default('outbox'),
  NOTIFY_PORTAL_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be the http(s) URL citizens open the portal at, e.g. https://dichvucong.example.vn/',
    })
    .optional(),
  NOTIFY_MAX_ATTEMPTS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(10),
  SMTP_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'must be a host name or address, e.g. smtp.example.vn')
    .optional(),
  SMTP_PORT: port.default(587),
  SMTP_SECURE: flag.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_FROM: z
    .string()
    .regex(
      /^([^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/,
      'must be an address, e.g. "Cổng DVC <no-reply@example.vn>"',
    )
    .optional(),
  SMS_GATEWAY_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL of the SMS gateway's send endpoint" })
    .optional(),
  SMS_GATEWAY_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SMS_SENDER: z
    .string()
    .regex(/^[A-Za-z0-9 ]{1,11}$/, 'must be 1 to 11 letters, digits or spaces (an alphanumeric sender id)')
    .optional(),
  AUTH_ISSUER: z.string().min(1).default('lienthong-dev'),
  AUTH_AUDIENCE: z.string().min(1).default('lienthong-api'),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL of the issuer's JWKS" }).optional(),
  AUTH_DEV_LOGIN: flag.optional(),
  AUTH_DEV_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_TOKEN_MAX_LIFETIME_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(60, 'must be at least 60')
    .max(7 * 24 * 3600, 'must be at most 604800 (7 days)')
    .default(12 * 3600),
});
export type Env = z.infer<typeof EnvSchema>;

export interface TemporalSettings {
  address?: string;
  namespace: string;
  tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
  apiKey?: string;
  port: number;
  uiPort: number;
  ui: boolean;
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaCredentials {
  username: string;
  password: string;
}

export interface KafkaSasl {
  mechanism: SaslMechanism;
  credentials: Partial<Record<KafkaPrincipal, KafkaCredentials>>;
}

export interface KafkaSettings {
  brokers?: string[];
  clientId: string;
  ssl?: { caPath?: string };
  /** External mode: the mechanism and the credentials of each principal configured (a process uses its own). */
  sasl?: KafkaSasl;
  partitions: number;
  replicationFactor: number;
  port: number;
  controllerPort: number;
}

/** The one typed configuration object; code below a composition root receives it, never process.env. */
export interface Config {
  mode: InfraMode;
  dataDir: string;
  cacheDir: string;
  log: { level: (typeof logLevels)[number]; format: 'json' | 'pretty' | 'auto' };
  temporal: TemporalSettings;
  /**
   * `maxCachedWorkflows`: workflows an orchestrator worker keeps in memory between their tasks
   * (about 1.5 MiB each, measured); one evicted replays its history at its next task.
   * `workflowHeapMb`: the V8 heap limit of the thread that runs them.
   */
  orchestrator: { maxCachedWorkflows: number; workflowHeapMb: number };
  kafka: KafkaSettings;
  /**
   * `url`: the services' role (external mode). `adminUrl`: an administrator's, only for
   * `npm run ops -- db setup` (external mode), which creates that role's grants and the audit log.
   */
  database: { url?: string; adminUrl?: string; port: number };
  /** Key of the audit log's hash chain (base64, 32 bytes); unset in local mode = a development key under DATA_DIR. */
  auditHmacKey?: string;
  agencies: {
    policy: Record<AgencyId, AgencyPolicy>;
    processingDelayMs: number;
    /** How long an agency holds a receipt back; a decision meanwhile withdraws it. */
    receiptLingerMs: number;
    latencyMs: number;
    failureRate: number;
    outages: { agency: AgencyId; from: Date; to: Date }[];
    populationSize: number;
  };
  /** The scaled clock shared by workflows and agencies: simulated time runs `factor` times faster. */
  clockFactor: number;
  /**
   * Where the scaled clock starts, shared by every process of a deployment (real = simulated time
   * there); unset = each process's own start, so a restarted process's simulated time would jump back.
   */
  clockEpoch?: Date;
  /** Backoff before re-sending an overdue command (doubled each time) for new dossiers; unset = the workflow's default. */
  resendBackoffSeconds?: number;
  /** Temporal payload encryption keys; unset in local mode = a development key under DATA_DIR. */
  payloadKeys?: { spec: string; activeKeyId?: string };
  /** Secret of the citizens' pseudonymous search keys; unset in local mode = a development one under DATA_DIR. */
  citizenSearchKey?: string;
  /** The folder of the bus's signing and topic keys; unset in local mode = DATA_DIR/bus-keys, generated. */
  busKeysDir?: string;
  api: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    rateLimitPerMinute: number;
    /** Host header values the api answers (DNS rebinding): `host:port`, or `host` for any port. */
    allowedHosts: string[];
    /** Origins allowed to call the codec endpoint from a browser; unset = the local Temporal Web UI's. */
    corsOrigins?: string[];
    /** Open server-sent event streams one identity may hold at once (per api process). */
    maxStreamsPerIdentity: number;
    /** Key binding the pages' CSRF tokens to their user; unset = one generated once under DATA_DIR. */
    pagesCsrfKey?: string;
    /** A result older than this (seconds) in an agency's outbox puts its dossier on the stuck list. */
    outboxLagThresholdSeconds: number;
  };
  /**
   * Agency back offices over HTTP: an agency process serves its own on `ports[agency]`; an api in
   * another process reaches it at `urls[agency]`, with `token` both ways when set.
   */
  backOffice: {
    host: string;
    ports: Record<AgencyId, number>;
    urls: Record<AgencyId, string>;
    token?: string;
  };
  /**
   * The national population registry: its own process serves it on `host:port`; agencies and the
   * api in other processes reach it at `url`, with `token` both ways when set.
   */
  registry: { host: string; port: number; url: string; token?: string };
  /**
   * The notifications service: where e-mail and SMS go (the local outbox, or an SMTP server and an
   * SMS gateway), the portal address messages link to, and how often a delivery is tried.
   */
  notifications: {
    email:
      | { transport: 'outbox' }
      | {
          transport: 'smtp';
          smtp: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string };
        };
    sms:
      { transport: 'outbox' } | { transport: 'sms-gateway'; gateway: { url: string; token: string; sender?: string } };
    portalUrl: string;
    maxAttempts: number;
  };
  /**
   * Bearer tokens: verified against `jwksUrl` in production; the development identity provider
   * (POST /auth/dev-login, HS256 with `devSecret` or a key under DATA_DIR) only when `devLogin`.
   */
  auth: {
    issuer: string;
    audience: string;
    jwksUrl?: string;
    devLogin: boolean;
    devSecret?: string;
    /** Tokens that live longer are refused. */
    maxTokenLifetimeSeconds: number;
  };
}

/** Loopback names and addresses: where a development login may be served. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/** The api's own host:port plus the localhost forms of its port: what a browser on this machine sends as Host. */
export function defaultAllowedHosts(host: string, port: number): string[] {
  const own = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return [...new Set([own, 'localhost', '127.0.0.1', '[::1]'].map((name) => `${name.toLowerCase()}:${port}`))];
}

const endpointVariables = ['TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'DATABASE_URL'] as const;

/** Parses the environment once, at start-up; throws ConfigError naming each bad variable and its rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = EnvSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `${String(issue.path[0] ?? 'environment')}: ${issue.message} (got ${JSON.stringify(relevant[String(issue.path[0])] ?? null)})`,
      ),
    );
  }
  const e = parsed.data;
  const problems = crossFieldProblems(e);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mode: e.INFRA_MODE,
    dataDir: e.DATA_DIR,
    cacheDir: e.INFRA_CACHE_DIR,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    orchestrator: {
      maxCachedWorkflows: e.ORCHESTRATOR_MAX_CACHED_WORKFLOWS,
      workflowHeapMb: e.ORCHESTRATOR_WORKFLOW_HEAP_MB,
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      tls: e.TEMPORAL_TLS
        ? {
            certPath: e.TEMPORAL_TLS_CERT_PATH,
            keyPath: e.TEMPORAL_TLS_KEY_PATH,
            caPath: e.TEMPORAL_TLS_CA_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      apiKey: e.TEMPORAL_API_KEY,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      ui: e.TEMPORAL_UI,
    },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      ssl: e.KAFKA_SSL ? { caPath: e.KAFKA_SSL_CA_PATH } : undefined,
      sasl: e.KAFKA_SASL_MECHANISM
        ? { mechanism: e.KAFKA_SASL_MECHANISM, credentials: configuredCredentials(e) }
        : undefined,
      partitions: e.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      port: e.KAFKA_PORT,
      controllerPort: e.KAFKA_CONTROLLER_PORT,
    },
    database: { url: e.DATABASE_URL, adminUrl: e.DATABASE_ADMIN_URL, port: e.POSTGRES_PORT },
    auditHmacKey: e.AUDIT_HMAC_KEY,
    payloadKeys: e.PAYLOAD_KEYS ? { spec: e.PAYLOAD_KEYS, activeKeyId: e.PAYLOAD_ACTIVE_KEY_ID } : undefined,
    citizenSearchKey: e.CITIZEN_SEARCH_KEY,
    busKeysDir: e.BUS_KEYS_DIR,
    agencies: {
      policy: perAgency((agency) => e[policyVariable(agency)] ?? e.AGENCY_POLICY),
      processingDelayMs: e.AGENCY_PROCESSING_DELAY_MS,
      receiptLingerMs: e.AGENCY_RECEIPT_LINGER_MS,
      latencyMs: e.AGENCY_LATENCY_MS,
      failureRate: e.AGENCY_FAILURE_RATE,
      outages: parseOutages(e.AGENCY_OUTAGES),
      populationSize: e.POPULATION_SIZE,
    },
    clockFactor: e.CLOCK_FACTOR,
    clockEpoch: e.CLOCK_EPOCH ? new Date(e.CLOCK_EPOCH) : undefined,
    resendBackoffSeconds: e.RESEND_BACKOFF_SECONDS,
    backOffice: backOfficeSettings(e),
    registry: {
      host: e.REGISTRY_HOST,
      port: e.REGISTRY_PORT,
      url: e.REGISTRY_URL ?? `http://${e.REGISTRY_HOST}:${e.REGISTRY_PORT}/`,
      token: e.REGISTRY_TOKEN,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      bodyLimitBytes: e.API_BODY_LIMIT_BYTES,
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      allowedHosts: e.API_ALLOWED_HOSTS ?? defaultAllowedHosts(e.API_HOST, e.API_PORT),
      corsOrigins: e.API_CORS_ORIGINS,
      maxStreamsPerIdentity: e.API_MAX_STREAMS_PER_IDENTITY,
      pagesCsrfKey: e.PAGES_CSRF_KEY,
      outboxLagThresholdSeconds: e.OPS_OUTBOX_LAG_SECONDS,
    },
    notifications: notificationSettings(e),
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      jwksUrl: e.AUTH_JWKS_URL,
      devLogin: e.AUTH_DEV_LOGIN ?? e.INFRA_MODE !== 'external',
      devSecret: e.AUTH_DEV_SECRET,
      maxTokenLifetimeSeconds: e.AUTH_TOKEN_MAX_LIFETIME_SECONDS,
    },
  };
}

/** Each principal whose password is set, its username defaulting to the principal's name. */
function configuredCredentials(e: Env): KafkaSasl['credentials'] {
  const credentials: KafkaSasl['credentials'] = {};
  for (const principal of kafkaPrincipals) {
    const names = kafkaCredentialVariables(principal);
    const password = e[names.password];
    if (password) credentials[principal] = { username: e[names.username] ?? principal, password };
  }
  return credentials;
}

function backOfficeSettings(e: Env): Config['backOffice'] {
  // Consecutive ports in agencyIds order, so the documented +0/+1/+2 holds and a new agency takes the next.
  const ports = perAgency((_, index) => e.BACK_OFFICE_BASE_PORT + index);
  const given: Partial<Record<AgencyId, string>> = Object.fromEntries(
    (e.BACK_OFFICE_URLS ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return {
    host: e.BACK_OFFICE_HOST,
    ports,
    urls: perAgency((agency) => given[agency] ?? `http://${e.BACK_OFFICE_HOST}:${ports[agency]}/`),
    token: e.BACK_OFFICE_TOKEN,
  };
}

function notificationSettings(e: Env): Config['notifications'] {
  return {
    email:
      e.NOTIFY_EMAIL_TRANSPORT === 'smtp'
        ? {
            transport: 'smtp',
            smtp: {
              host: e.SMTP_HOST!,
              port: e.SMTP_PORT,
              secure: e.SMTP_SECURE,
              user: e.SMTP_USER,
              password: e.SMTP_PASSWORD,
              from: e.SMTP_FROM!,
            },
          }
        : { transport: 'outbox' },
    sms:
      e.NOTIFY_SMS_TRANSPORT === 'sms-gateway'
        ? {
            transport: 'sms-gateway',
            gateway: { url: e.SMS_GATEWAY_URL!, token: e.SMS_GATEWAY_TOKEN!, sender: e.SMS_SENDER },
          }
        : { transport: 'outbox' },
    portalUrl:
      e.NOTIFY_PORTAL_URL ?? `http://${e.API_HOST.includes(':') ? `[${e.API_HOST}]` : e.API_HOST}:${e.API_PORT}/`,
    maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
  };
}

function parseOutages(spec: string | undefined): Config['agencies']['outages'] {
  if (!spec) return [];
  return spec.split(',').map((part) => {
    const [agency, window] = part.split('@') as [AgencyId, string];
    const [from, to] = window.split('/') as [string, string];
    return { agency, from: new Date(from), to: new Date(to) };
  });
}

/** Heap a cached dossier workflow may take (measured about 1.5 MiB), and the workflow thread's own. */
export const workflowHeapBudget = { perWorkflowMb: 2, baseMb: 200 };

function crossFieldProblems(e: Env): string[] {
  const problems: string[] = [];
  const heapNeeded = e.ORCHESTRATOR_MAX_CACHED_WORKFLOWS * workflowHeapBudget.perWorkflowMb + workflowHeapBudget.baseMb;
  if (heapNeeded > e.ORCHESTRATOR_WORKFLOW_HEAP_MB)
    problems.push(
      `ORCHESTRATOR_MAX_CACHED_WORKFLOWS: ${e.ORCHESTRATOR_MAX_CACHED_WORKFLOWS} cached workflows need about ${heapNeeded} MB of workflow heap ` +
        `(${workflowHeapBudget.perWorkflowMb} MB each and ${workflowHeapBudget.baseMb}), more than ORCHESTRATOR_WORKFLOW_HEAP_MB (${e.ORCHESTRATOR_WORKFLOW_HEAP_MB}); ` +
        `cache fewer or raise the heap`,
    );
  for (const outage of parseOutages(e.AGENCY_OUTAGES)) {
    if (Number.isNaN(outage.from.getTime()) || Number.isNaN(outage.to.getTime()) || outage.to <= outage.from) {
      problems.push(`AGENCY_OUTAGES: ${outage.agency}'s window must be two ISO times, the end after the start`);
    }
  }
  if (e.INFRA_MODE === 'external') {
    for (const name of endpointVariables) {
      if (e[name] === undefined) problems.push(`${name}: is required when INFRA_MODE=external`);
    }
  } else {
    for (const name of endpointVariables) {
      if (e[name] !== undefined)
        problems.push(
          `${name}: is only used when INFRA_MODE=external (now ${e.INFRA_MODE}); set INFRA_MODE=external or unset ${name}`,
        );
    }
  }
  if (!e.AUTH_JWKS_URL && (e.AUTH_DEV_LOGIN ?? e.INFRA_MODE !== 'external') === false) {
    problems.push(
      'AUTH_JWKS_URL: is required when the development login is off (AUTH_DEV_LOGIN=false or INFRA_MODE=external): the api needs an issuer to verify tokens',
    );
  }
  if (e.AUTH_JWKS_URL && e.AUTH_DEV_LOGIN === true) {
    problems.push(
      'AUTH_DEV_LOGIN: cannot be true together with AUTH_JWKS_URL; development tokens are for machines without an identity provider',
    );
  }
  // The development login mints any role's token for whoever asks: only on this machine, never beside real clusters.
  if (e.INFRA_MODE === 'external' && e.AUTH_DEV_LOGIN === true) {
    problems.push(
      'AUTH_DEV_LOGIN: cannot be true when INFRA_MODE=external; the development login is for local machines only',
    );
  } else if ((e.AUTH_DEV_LOGIN ?? e.INFRA_MODE !== 'external') && !isLoopbackHost(e.API_HOST)) {
    problems.push(
      `AUTH_DEV_LOGIN: the development login is only served on a loopback API_HOST (127.0.0.1, ::1 or localhost; API_HOST is ${e.API_HOST}); set AUTH_DEV_LOGIN=false with AUTH_JWKS_URL, or a loopback API_HOST`,
    );
  }
  if (
    e.NOTIFY_PORTAL_URL === undefined &&
    (e.NOTIFY_EMAIL_TRANSPORT === 'smtp' || e.NOTIFY_SMS_TRANSPORT === 'sms-gateway')
  ) {
    problems.push(
      "NOTIFY_PORTAL_URL: is required when messages leave by smtp or sms-gateway (each message links to the citizen's dossier; the default is this machine's api address)",
    );
  }
  if (e.INFRA_MODE === 'external' && e.CITIZEN_SEARCH_KEY === undefined) {
    problems.push(
      'CITIZEN_SEARCH_KEY: is required when INFRA_MODE=external (it keeps ID numbers out of Temporal visibility; keep it stable, or citizens lose their dossier lists)',
    );
  }
  if (e.INFRA_MODE === 'external' && e.AUDIT_HMAC_KEY === undefined) {
    problems.push(
      "AUDIT_HMAC_KEY: is required when INFRA_MODE=external (it keys the audit log's hash chain; the development key is only for local mode)",
    );
  }
  if (e.INFRA_MODE !== 'external' && e.DATABASE_ADMIN_URL !== undefined) {
    problems.push(
      `DATABASE_ADMIN_URL: is only used when INFRA_MODE=external (now ${e.INFRA_MODE}); local servers are provisioned by npm start`,
    );
  }
  if (e.INFRA_MODE === 'external' && e.BUS_KEYS_DIR === undefined) {
    problems.push(
      'BUS_KEYS_DIR: is required when INFRA_MODE=external (the folder of this process\'s bus signing key, every service\'s public keys and the keys of its topics; see "Messages on the bus")',
    );
  }
  if (e.INFRA_MODE === 'external' && e.PAYLOAD_KEYS === undefined) {
    problems.push(
      'PAYLOAD_KEYS: is required when INFRA_MODE=external (personal data in Temporal payloads is encrypted; development keys are only for local mode)',
    );
  }
  if (
    e.PAYLOAD_ACTIVE_KEY_ID &&
    !(e.PAYLOAD_KEYS ?? '').split(',').some((pair) => pair.trim().startsWith(`${e.PAYLOAD_ACTIVE_KEY_ID}:`))
  ) {
    problems.push(`PAYLOAD_ACTIVE_KEY_ID: key "${e.PAYLOAD_ACTIVE_KEY_ID}" is not in PAYLOAD_KEYS`);
  }
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    problems.push('TEMPORAL_TLS_CERT_PATH: must be set together with TEMPORAL_TLS_KEY_PATH (mutual TLS needs both)');
  }
  for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
    if (e[name] !== undefined)
      problems.push(
        `${name}: no longer read; each service has its own principal: set ${name}_<SERVICE> (${kafkaPrincipals.map(principalVariableSuffix).join(', ')})`,
      );
  }
  const credentialsSet = Object.keys(credentialVariables).filter((name) => e[name as CredentialVariable] !== undefined);
  if (credentialsSet.length > 0 && e.INFRA_MODE !== 'external') {
    problems.push(
      `${credentialsSet[0]}: Kafka credentials are only configured when INFRA_MODE=external (now ${e.INFRA_MODE}); local ones are generated under DATA_DIR`,
    );
  } else if (credentialsSet.length > 0 && !e.KAFKA_SASL_MECHANISM) {
    problems.push(`${credentialsSet[0]}: is set but KAFKA_SASL_MECHANISM is not; choose the mechanism the brokers use`);
  }
  for (const principal of kafkaPrincipals) {
    const names = kafkaCredentialVariables(principal);
    if (e[names.username] !== undefined && e[names.password] === undefined)
      problems.push(`${names.password}: is required when ${names.username} is set`);
  }
  if (e.NOTIFY_EMAIL_TRANSPORT === 'smtp') {
    for (const name of ['SMTP_HOST', 'SMTP_FROM'] as const)
      if (e[name] === undefined) problems.push(`${name}: is required when NOTIFY_EMAIL_TRANSPORT=smtp`);
  }
  if ((e.SMTP_USER === undefined) !== (e.SMTP_PASSWORD === undefined)) {
    problems.push(
      `${e.SMTP_USER === undefined ? 'SMTP_USER' : 'SMTP_PASSWORD'}: must be set together with ${e.SMTP_USER === undefined ? 'SMTP_PASSWORD' : 'SMTP_USER'} (SMTP authentication needs both)`,
    );
  }
  if (e.NOTIFY_SMS_TRANSPORT === 'sms-gateway') {
    for (const name of ['SMS_GATEWAY_URL', 'SMS_GATEWAY_TOKEN'] as const)
      if (e[name] === undefined) problems.push(`${name}: is required when NOTIFY_SMS_TRANSPORT=sms-gateway`);
  }
  const localPorts: [string, number][] = [
    ['TEMPORAL_PORT', e.TEMPORAL_PORT],
    ['TEMPORAL_UI_PORT', e.TEMPORAL_UI_PORT],
    ['KAFKA_PORT', e.KAFKA_PORT],
    ['KAFKA_CONTROLLER_PORT', e.KAFKA_CONTROLLER_PORT],
    ['POSTGRES_PORT', e.POSTGRES_PORT],
  ];
  for (const [i, [name, value]] of localPorts.entries()) {
    const clash = localPorts.slice(0, i).find(([, other]) => other === value);
    if (clash) problems.push(`${name}: port ${value} is already used by ${clash[0]}; give each server its own port`);
  }
  return problems;
}
