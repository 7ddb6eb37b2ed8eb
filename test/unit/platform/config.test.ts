import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agencyIds } from '../../../contracts/agencies';
import { ConfigError, EnvSchema, loadConfig, policyVariable } from '../../../platform/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const key = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('defaults to local infrastructure with documented ports', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('local');
    expect(config.temporal).toMatchObject({ namespace: 'default', port: 7233, uiPort: 8233, ui: true });
    expect(config.kafka).toMatchObject({
      port: 19092,
      controllerPort: 19093,
      partitions: 3,
      replicationFactor: 1,
      clientId: 'lienthong',
    });
    expect(config.database).toEqual({ url: undefined, port: 15432 });
    expect(config.dataDir).toBe('.data');
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
  });

  it('places the back offices on consecutive ports, or where BACK_OFFICE_URLS says', () => {
    expect(loadConfig({}).backOffice).toEqual({
      host: '127.0.0.1',
      ports: { 'civil-status': 8090, residence: 8091, 'social-insurance': 8092 },
      urls: {
        'civil-status': 'http://127.0.0.1:8090/',
        residence: 'http://127.0.0.1:8091/',
        'social-insurance': 'http://127.0.0.1:8092/',
      },
      token: undefined,
    });
    const remote = loadConfig({
      BACK_OFFICE_URLS: 'residence=http://10.0.0.6:9000/bo',
      BACK_OFFICE_BASE_PORT: '7000',
    }).backOffice;
    expect(remote.urls).toEqual({
      'civil-status': 'http://127.0.0.1:7000/',
      residence: 'http://10.0.0.6:9000/bo',
      'social-insurance': 'http://127.0.0.1:7002/',
    });
  });

  it('reads an external cluster with TLS, API key and SASL', () => {
    const config = loadConfig({
      INFRA_MODE: 'external',
      TEMPORAL_ADDRESS: 'lienthong.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'lienthong.a1b2c',
      TEMPORAL_API_KEY: 'secret-key',
      KAFKA_BROKERS: 'kafka-1.gov.vn:9093, kafka-2.gov.vn:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME_EVENT_BRIDGE: 'lienthong-bridge',
      KAFKA_SASL_PASSWORD_EVENT_BRIDGE: 'pw',
      KAFKA_SASL_PASSWORD_CIVIL_STATUS: 'pw2',
      DATABASE_URL: 'postgres://app:pw@db.gov.vn:5432/lienthong',
      DATABASE_ADMIN_URL: 'postgres://dba:pw@db.gov.vn:5432/lienthong',
      AUDIT_HMAC_KEY: key,
      PAYLOAD_KEYS: `k2:${key}, k1:${key}`,
      PAYLOAD_ACTIVE_KEY_ID: 'k1',
      AUTH_JWKS_URL: 'https://id.gov.vn/.well-known/jwks.json',
      AUTH_ISSUER: 'https://id.gov.vn',
      CITIZEN_SEARCH_KEY: key,
      BUS_KEYS_DIR: '/etc/lienthong/bus-keys',
    });
    expect(config.citizenSearchKey).toBe(key);
    expect(config.busKeysDir).toBe('/etc/lienthong/bus-keys');
    expect(config.mode).toBe('external');
    expect(config.auth).toEqual({
      issuer: 'https://id.gov.vn',
      audience: 'lienthong-api',
      jwksUrl: 'https://id.gov.vn/.well-known/jwks.json',
      devLogin: false,
      devSecret: undefined,
      maxTokenLifetimeSeconds: 43_200,
    });
    expect(config.temporal.apiKey).toBe('secret-key');
    expect(config.kafka.brokers).toEqual(['kafka-1.gov.vn:9093', 'kafka-2.gov.vn:9093']);
    expect(config.kafka.ssl).toEqual({ caPath: undefined });
    expect(config.kafka.sasl).toEqual({
      mechanism: 'scram-sha-512',
      credentials: {
        'event-bridge': { username: 'lienthong-bridge', password: 'pw' },
        'civil-status': { username: 'civil-status', password: 'pw2' },
      },
    });
    expect(config.database.url).toBe('postgres://app:pw@db.gov.vn:5432/lienthong');
    expect(config.database.adminUrl).toBe('postgres://dba:pw@db.gov.vn:5432/lienthong');
    expect(config.auditHmacKey).toBe(key);
    expect(config.payloadKeys).toEqual({ spec: `k2:${key}, k1:${key}`, activeKeyId: 'k1' });
  });

  it.each([
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'not-a-host:x',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
      },
      'TEMPORAL_ADDRESS: must be host:port',
    ],
    [{ TEMPORAL_ADDRESS: 'not-a-host:x' }, 'TEMPORAL_ADDRESS: must be host:port'],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:70000',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
      },
      'TEMPORAL_ADDRESS: port must be from 1 to 65535',
    ],
    [{ INFRA_MODE: 'cloud' }, 'INFRA_MODE: must be one of local, external, containers, auto'],
    [{ AUTH_DEV_LOGIN: 'false' }, 'AUTH_JWKS_URL: is required when the development login is off'],
    [
      { AUTH_DEV_LOGIN: 'true', AUTH_JWKS_URL: 'https://id.gov.vn/jwks' },
      'AUTH_DEV_LOGIN: cannot be true together with AUTH_JWKS_URL',
    ],
    [{ AUTH_JWKS_URL: 'ftp://id.gov.vn/jwks' }, 'AUTH_JWKS_URL: must be an http(s) URL'],
    [{ API_PORT: '0' }, 'API_PORT: must be from 1 to 65535'],
    [{ CITIZEN_SEARCH_KEY: 'short' }, 'CITIZEN_SEARCH_KEY: must be 32 bytes in base64'],
    [{ BACK_OFFICE_URLS: 'police=http://10.0.0.6:8091' }, 'BACK_OFFICE_URLS: must be agency=url pairs'],
    [{ BACK_OFFICE_TOKEN: 'short' }, 'BACK_OFFICE_TOKEN: must be at least 16 characters'],
    [{ API_BODY_LIMIT_BYTES: '10' }, 'API_BODY_LIMIT_BYTES: must be at least 1024'],
    [{ AUTH_DEV_SECRET: 'short' }, 'AUTH_DEV_SECRET: must be at least 32 characters'],
    [{ KAFKA_PORT: 'ninety' }, 'KAFKA_PORT: must be a port number'],
    [{ POSTGRES_PORT: '0' }, 'POSTGRES_PORT: must be from 1 to 65535'],
    [{ KAFKA_TOPIC_PARTITIONS: '2.5' }, 'KAFKA_TOPIC_PARTITIONS: must be a whole number'],
    [{ TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS: must be true or false'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of'],
    [{ INFRA_MODE: 'external' }, 'TEMPORAL_ADDRESS: is required when INFRA_MODE=external'],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:7233',
        KAFKA_BROKERS: ' , ',
        DATABASE_URL: 'postgres://h:5432/db',
      },
      'KAFKA_BROKERS: must list at least one host:port',
    ],
    [
      { INFRA_MODE: 'external', TEMPORAL_ADDRESS: 'h:7233', KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'mysql://h/db' },
      'DATABASE_URL: must be a postgres:// URL',
    ],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:7233',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432',
      },
      'DATABASE_URL: must name a database',
    ],
    [{ DATABASE_URL: 'postgres://h:5432/db' }, 'DATABASE_URL: is only used when INFRA_MODE=external'],
    [{ KAFKA_PORT: '7233' }, 'KAFKA_PORT: port 7233 is already used by TEMPORAL_PORT'],
    [
      { TEMPORAL_TLS_CERT_PATH: '/tls/client.pem' },
      'TEMPORAL_TLS_CERT_PATH: must be set together with TEMPORAL_TLS_KEY_PATH',
    ],
    [
      { KAFKA_SASL_USERNAME: 'lienthong' },
      'KAFKA_SASL_USERNAME: no longer read; each service has its own principal: set KAFKA_SASL_USERNAME_<SERVICE> (ORCHESTRATOR, EVENT_BRIDGE,',
    ],
    [
      { KAFKA_SASL_PASSWORD_RESIDENCE: 'pw' },
      'KAFKA_SASL_PASSWORD_RESIDENCE: Kafka credentials are only configured when INFRA_MODE=external',
    ],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:7233',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
        KAFKA_SASL_PASSWORD_RESIDENCE: 'pw',
      },
      'KAFKA_SASL_PASSWORD_RESIDENCE: is set but KAFKA_SASL_MECHANISM is not',
    ],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:7233',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME_ADMIN: 'root',
      },
      'KAFKA_SASL_PASSWORD_ADMIN: is required when KAFKA_SASL_USERNAME_ADMIN is set',
    ],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:7233',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
      },
      'PAYLOAD_KEYS: is required when INFRA_MODE=external',
    ],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:7233',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
      },
      'BUS_KEYS_DIR: is required when INFRA_MODE=external',
    ],
    [{ PAYLOAD_KEYS: 'k1:tooshort' }, 'PAYLOAD_KEYS: must be id:base64 pairs of 32-byte keys'],
    [
      {
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 'h:7233',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
      },
      'AUDIT_HMAC_KEY: is required when INFRA_MODE=external',
    ],
    [{ AUDIT_HMAC_KEY: 'short' }, 'AUDIT_HMAC_KEY: must be 32 bytes in base64'],
    [{ DATABASE_ADMIN_URL: 'postgres://h:5432/db' }, 'DATABASE_ADMIN_URL: is only used when INFRA_MODE=external'],
    [
      { PAYLOAD_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`, PAYLOAD_ACTIVE_KEY_ID: 'k9' },
      'PAYLOAD_ACTIVE_KEY_ID: key "k9" is not in PAYLOAD_KEYS',
    ],
  ])('refuses %j naming the variable and the rule', (env, expected) => {
    expect(problemsOf(env).join('\n')).toContain(expected);
  });

  it("sizes the orchestrator's workflow cache within its workflow heap, and says which to change", () => {
    expect(loadConfig({}).orchestrator).toEqual({ maxCachedWorkflows: 150, workflowHeapMb: 512 });
    expect(
      loadConfig({ ORCHESTRATOR_MAX_CACHED_WORKFLOWS: '1000', ORCHESTRATOR_WORKFLOW_HEAP_MB: '2200' }).orchestrator,
    ).toEqual({ maxCachedWorkflows: 1000, workflowHeapMb: 2200 });
    expect(problemsOf({ ORCHESTRATOR_MAX_CACHED_WORKFLOWS: '500' })).toEqual([
      'ORCHESTRATOR_MAX_CACHED_WORKFLOWS: 500 cached workflows need about 1200 MB of workflow heap (2 MB each and 200), more than ORCHESTRATOR_WORKFLOW_HEAP_MB (512); cache fewer or raise the heap',
    ]);
    expect(problemsOf({ ORCHESTRATOR_WORKFLOW_HEAP_MB: '100' })).toEqual([
      'ORCHESTRATOR_WORKFLOW_HEAP_MB: must be at least 256 (got "100")',
    ]);
  });

  it('reports every bad variable at once, with the offending value', () => {
    const problems = problemsOf({ KAFKA_PORT: 'x', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('(got "x")');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', LOG_LEVEL: '' }).log.level).toBe('info');
  });
});

describe('per-agency settings derived from agencyIds', () => {
  it('names the policy variables as the README documents them', () => {
    expect(agencyIds.map(policyVariable)).toEqual([
      'AGENCY_POLICY_CIVIL_STATUS',
      'AGENCY_POLICY_RESIDENCE',
      'AGENCY_POLICY_SOCIAL_INSURANCE',
    ]);
  });

  it.each(agencyIds)('reads and checks the policy variable of %s', (agency) => {
    const variable = policyVariable(agency);
    expect(Object.keys(EnvSchema.shape)).toContain(variable);
    const policy = loadConfig({ AGENCY_POLICY: 'review', [variable]: 'manual' }).agencies.policy;
    expect(policy).toEqual(
      Object.fromEntries(agencyIds.map((other) => [other, other === agency ? 'manual' : 'review'])),
    );
    expect(problemsOf({ [variable]: 'sometimes' })).toEqual([
      `${variable}: must be auto, manual or review (got "sometimes")`,
    ]);
  });

  it('gives every agency a back-office port in agencyIds order and takes a URL for any of them', () => {
    const { ports, urls } = loadConfig({ BACK_OFFICE_BASE_PORT: '9000' }).backOffice;
    expect(Object.keys(ports)).toEqual([...agencyIds]);
    agencyIds.forEach((agency, index) => expect(ports[agency]).toBe(9000 + index));
    const given = loadConfig({
      BACK_OFFICE_URLS: agencyIds.map((agency) => `${agency}=http://${agency}.gov.vn/bo`).join(','),
    }).backOffice.urls;
    expect(Object.keys(urls)).toEqual([...agencyIds]);
    for (const agency of agencyIds) expect(given[agency]).toBe(`http://${agency}.gov.vn/bo`);
  });

  it('accepts an outage for every agency id and refuses any other name', () => {
    const window = '2026-11-23T09:00:00Z/2026-11-23T09:10:00Z';
    const outages = loadConfig({ AGENCY_OUTAGES: agencyIds.map((agency) => `${agency}@${window}`).join(',') }).agencies
      .outages;
    expect(outages.map((o) => o.agency)).toEqual([...agencyIds]);
    expect(problemsOf({ AGENCY_OUTAGES: `police@${window}` }).join('\n')).toContain(
      'AGENCY_OUTAGES: must be agency@from/to pairs of ISO times',
    );
    // An id is matched whole: a prefix of one, or one with a suffix, is not an agency.
    expect(problemsOf({ AGENCY_OUTAGES: `${agencyIds[0]}x@${window}` })).toHaveLength(1);
    expect(problemsOf({ BACK_OFFICE_URLS: `x${agencyIds[0]}=http://h/` })).toHaveLength(1);
  });

  it('serves the development login only on a loopback API_HOST and never in external mode (regression)', () => {
    expect(loadConfig({ API_HOST: '::1' }).auth.devLogin).toBe(true);
    expect(problemsOf({ API_HOST: '0.0.0.0' })).toEqual([
      expect.stringMatching(/^AUTH_DEV_LOGIN: .*loopback API_HOST/),
    ]);
    expect(problemsOf({ API_HOST: '10.0.0.5', AUTH_DEV_LOGIN: 'true' })[0]).toMatch(/^AUTH_DEV_LOGIN: .*10\.0\.0\.5/);
    expect(
      loadConfig({ API_HOST: '0.0.0.0', AUTH_DEV_LOGIN: 'false', AUTH_JWKS_URL: 'https://id.gov.vn/jwks.json' }).auth
        .devLogin,
    ).toBe(false);
    expect(
      problemsOf({
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: 't:7233',
        KAFKA_BROKERS: 'k:9092',
        DATABASE_URL: 'postgres://h:5432/db',
        PAYLOAD_KEYS: `k1:${key}`,
        CITIZEN_SEARCH_KEY: key,
        AUTH_DEV_LOGIN: 'true',
      }),
    ).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AUTH_DEV_LOGIN: cannot be true when INFRA_MODE=external/)]),
    );
  });

  it("answers its own host:port and the localhost forms unless API_ALLOWED_HOSTS says; reads the api's limits", () => {
    expect(loadConfig({ API_PORT: '9000' }).api).toMatchObject({
      allowedHosts: ['127.0.0.1:9000', 'localhost:9000', '[::1]:9000'],
      corsOrigins: undefined,
      maxStreamsPerIdentity: 10,
      outboxLagThresholdSeconds: 60,
    });
    const config = loadConfig({
      API_ALLOWED_HOSTS: 'portal.gov.vn, Portal.gov.vn:8443',
      API_CORS_ORIGINS: 'https://temporal.gov.vn',
      API_MAX_STREAMS_PER_IDENTITY: '3',
      AUTH_TOKEN_MAX_LIFETIME_SECONDS: '3600',
    });
    expect(config.api).toMatchObject({
      allowedHosts: ['portal.gov.vn', 'portal.gov.vn:8443'],
      corsOrigins: ['https://temporal.gov.vn'],
      maxStreamsPerIdentity: 3,
    });
    expect(config.auth.maxTokenLifetimeSeconds).toBe(3600);
    expect(problemsOf({ API_ALLOWED_HOSTS: 'evil.com/x' })[0]).toMatch(/^API_ALLOWED_HOSTS: /);
    expect(problemsOf({ API_CORS_ORIGINS: '*' })[0]).toMatch(/^API_CORS_ORIGINS: /);
    expect(loadConfig({ OPS_OUTBOX_LAG_SECONDS: '5' }).api.outboxLagThresholdSeconds).toBe(5);
    expect(problemsOf({ OPS_OUTBOX_LAG_SECONDS: '0' })[0]).toMatch(/^OPS_OUTBOX_LAG_SECONDS: must be at least 1/);
    expect(problemsOf({ AUTH_TOKEN_MAX_LIFETIME_SECONDS: '0' })[0]).toMatch(/^AUTH_TOKEN_MAX_LIFETIME_SECONDS: /);
  });

  it("is documented: the README's configuration table names every agency's policy variable and port", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const policyRow = readme.split('\n').find((line) => line.includes('`AGENCY_POLICY_')) ?? '';
    const portRow = readme.split('\n').find((line) => line.includes('`BACK_OFFICE_BASE_PORT`')) ?? '';
    agencyIds.forEach((agency, index) => {
      expect(policyRow).toContain(policyVariable(agency).slice('AGENCY_POLICY'.length));
      expect(portRow).toContain(`+${index} ${agency}`);
    });
  });
});
