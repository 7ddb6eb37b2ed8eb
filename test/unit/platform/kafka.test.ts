import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../platform/config';
import { kafkaFor } from '../../../platform/kafka';
import { createLogger } from '../../../platform/logger';

const log = createLogger({ level: 'silent', format: 'json' });

describe('kafkaFor', () => {
  it('refuses to build a client for a principal without credentials, naming the variable', () => {
    const endpoint = {
      brokers: ['kafka:9093'],
      sasl: { mechanism: 'scram-sha-512' as const, credentials: { orchestrator: { username: 'o', password: 'p' } } },
    };
    expect(() => kafkaFor(endpoint, 'orchestrator', { clientId: 'lt' }, log)).not.toThrow();
    expect(() => kafkaFor(endpoint, 'event-bridge', { clientId: 'lt' }, log)).toThrow(ConfigError);
    expect(() => kafkaFor(endpoint, 'event-bridge', { clientId: 'lt' }, log)).toThrow(
      /KAFKA_SASL_PASSWORD_EVENT_BRIDGE: is required: the event-bridge service connects to Kafka as its own principal/,
    );
  });

  it('connects without SASL when the brokers do not ask for it', () => {
    expect(() => kafkaFor({ brokers: ['kafka:9092'] }, 'api', { clientId: 'lt' }, log)).not.toThrow();
  });
});
