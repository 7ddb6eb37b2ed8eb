import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { agencyIds } from '../contracts/agencies';
import type { KafkaService } from '../contracts/principals';
import { busKeySettings, loadBusKeyring, type BusKeyring } from '../platform/bus';
import { kafkaFor } from '../platform/kafka';
import { freePort } from '../infra/process';
import { loadConfig } from '../platform/config';
import type { Logger } from '../platform/logger';
import { installTemporalRuntime } from '../platform/temporal-runtime';
import { startServices } from '../services/runtime';
import { benchStack } from './stack';

/**
 * The whole system as `npm start` runs it (registry, orchestrator, bridge, agencies, api with its
 * pages and the development sign-in) over throw-away servers: for the page benchmark and the
 * screenshots, which must not depend on or disturb a running `npm start`.
 */
export async function startThrowAwaySystem(
  log: Logger,
  env: Record<string, string> = {},
): Promise<{
  url: string;
  /** A service's own Kafka connection and keys, to publish as it would (e.g. a poison event for the screenshots). */
  as(service: KafkaService): { kafka: Kafka; keyring: BusKeyring };
  stop(): Promise<void>;
}> {
  const stack = await benchStack(log);
  try {
    const config = loadConfig({
      ...process.env,
      INFRA_MODE: 'local',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'lienthong-throw-away-')),
      PAYLOAD_KEYS: `throw-away:${Buffer.alloc(32, 7).toString('base64')}`,
      AGENCY_PROCESSING_DELAY_MS: '0',
      POPULATION_SIZE: '1000',
      API_PORT: String(await freePort()),
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'warn',
      ...env,
    });
    const quiet = log.child({}, { level: 'warn' });
    installTemporalRuntime(quiet, 'warn');
    const services = await startServices(config, stack.endpoints, quiet, {
      orchestrator: true,
      bridge: true,
      agencies: [...agencyIds],
      registry: true,
      api: true,
    });
    return {
      url: services.api!.url,
      as: (service) => ({
        kafka: kafkaFor(stack.endpoints.kafka, service, config.kafka, quiet),
        keyring: loadBusKeyring(busKeySettings(config), service),
      }),
      async stop() {
        try {
          await services.stop();
        } finally {
          await stack.stop();
        }
      },
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
