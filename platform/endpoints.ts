import type { KafkaSasl } from './config';

/**
 * Where Kafka answers and how each principal logs in: locally every service's generated
 * credentials, in external mode those configured for this process.
 */
export interface KafkaEndpoint {
  brokers: string[];
  sasl?: KafkaSasl;
}

/** Where the three servers answer, whichever infrastructure mode provided them. */
export interface Endpoints {
  temporal: { address: string; namespace: string; uiUrl?: string };
  kafka: KafkaEndpoint;
  /**
   * A connection URL to the platform database as the services' role; agency databases share host
   * and credentials. `adminUrl`, where this project provisioned the server (local, containers), is
   * an administrator's: for provisioning and tests, never for a service.
   */
  postgres: { url: string; adminUrl?: string };
}

/** The URL of another database on the same PostgreSQL server. */
export function databaseUrl(endpoints: Endpoints, database: string): string {
  const url = new URL(endpoints.postgres.url);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A URL safe to print or log: the password is masked. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** The endpoints without Kafka passwords, to print or to write to a file others may read. */
export function withoutCredentials(endpoints: Endpoints): Endpoints {
  const { sasl } = endpoints.kafka;
  return { ...endpoints, kafka: { ...endpoints.kafka, sasl: sasl && { mechanism: sasl.mechanism, credentials: {} } } };
}

/** Human-readable endpoint list, shared by `infra:up` and `npm start`. */
export function describeEndpoints(endpoints: Endpoints): string {
  return [
    `  Temporal gRPC   ${endpoints.temporal.address} (namespace ${endpoints.temporal.namespace})`,
    endpoints.temporal.uiUrl ? `  Temporal Web UI ${endpoints.temporal.uiUrl}` : undefined,
    `  Kafka brokers   ${endpoints.kafka.brokers.join(',')}${endpoints.kafka.sasl ? ` (SASL ${endpoints.kafka.sasl.mechanism}, a principal per service)` : ''}`,
    `  PostgreSQL      ${withoutPassword(endpoints.postgres.url)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Endpoint fields for a log line: flat names (so address redaction of personal data does not hide them), no password. */
export function loggableEndpoints(endpoints: Endpoints): Record<string, unknown> {
  return {
    temporalAddress: endpoints.temporal.address,
    temporalNamespace: endpoints.temporal.namespace,
    temporalUiUrl: endpoints.temporal.uiUrl,
    kafkaBrokers: endpoints.kafka.brokers,
    kafkaSasl: endpoints.kafka.sasl?.mechanism,
    postgresUrl: withoutPassword(endpoints.postgres.url),
  };
}
