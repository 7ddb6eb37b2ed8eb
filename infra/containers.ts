import { platformDatabase } from '../contracts/agencies';
import type { Endpoints } from '../platform/endpoints';
import type { Logger } from '../platform/logger';
import { versions } from './versions';

export const containerImages = {
  // Confluent Platform 7.9 ships Apache Kafka 3.9, the line kafkajs supports.
  kafka: 'confluentinc/cp-kafka:7.9.2',
  temporal: `temporalio/temporal:${versions.temporalCli}`,
  postgres: 'postgres:17-alpine',
} as const;

export interface ContainerStack {
  endpoints: Endpoints;
  stop(): Promise<void>;
}

/** Starts Kafka (KRaft), the Temporal dev server and PostgreSQL with testcontainers (needs a Docker engine). */
export async function startContainerStack(namespace: string, log: Logger): Promise<ContainerStack> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  log.info({ images: containerImages }, 'starting containers');
  const [kafka, temporal, postgres] = await Promise.all([
    new KafkaContainer(containerImages.kafka).withKraft().start(),
    new GenericContainer(containerImages.temporal)
      .withEntrypoint(['temporal'])
      .withCommand([
        'server',
        'start-dev',
        '--ip',
        '0.0.0.0',
        '--namespace',
        namespace,
        '--dynamic-config-value',
        'frontend.enableExecuteMultiOperation=true',
        '--dynamic-config-value',
        'system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=2',
      ])
      .withExposedPorts(7233, 8233)
      .withWaitStrategy(Wait.forListeningPorts())
      .start(),
    new PostgreSqlContainer(containerImages.postgres).withDatabase(platformDatabase).start(),
  ]);
  return {
    endpoints: {
      temporal: {
        address: `${temporal.getHost()}:${temporal.getMappedPort(7233)}`,
        namespace,
        uiUrl: `http://${temporal.getHost()}:${temporal.getMappedPort(8233)}`,
      },
      kafka: { brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`] },
      postgres: { url: postgres.getConnectionUri() },
    },
    stop: async () => {
      await Promise.all([kafka.stop(), temporal.stop(), postgres.stop()]);
    },
  };
}
