import type { Kafka } from 'kafkajs';
import type { DossierView } from '../../contracts/api';
import { startDeadLetterRecorder } from '../../ops/dead-letters/recorder';
import { createDeadLetterOperations } from '../../ops/dead-letters/service';
import { createDeadLetterStore } from '../../ops/dead-letters/store';
import type { createAuditLog } from '../../platform/audit';
import type { Pool } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { testKeyring } from './bus-keys';

/**
 * Dead letters as an api process keeps them: the recorder of every `.dlq` topic and the operator
 * actions, as the operations principal. `stop` ends the recorder and the operations' producer.
 */
export async function startDeadLetters(options: {
  pool: Pool;
  kafka: Kafka;
  audit: ReturnType<typeof createAuditLog>;
  view: (dossierId: string) => Promise<Pick<DossierView, 'steps'>>;
  log: Logger;
}) {
  const store = createDeadLetterStore(options.pool);
  await store.migrate();
  const operations = { kafka: options.kafka, keyring: testKeyring('operations') };
  const recorder = await startDeadLetterRecorder({ ...operations, store, log: options.log });
  const deadLetters = createDeadLetterOperations({
    ...operations,
    store,
    audit: options.audit,
    stepsOf: async (dossierId) => (await options.view(dossierId)).steps,
    log: options.log,
  });
  return {
    deadLetters,
    stop: async () => {
      await recorder.stop();
      await deadLetters.close();
    },
  };
}
