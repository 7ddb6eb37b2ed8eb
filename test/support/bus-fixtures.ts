import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { deadLetterTopic, type TopicSpec } from '../../contracts/topics';
import { ensureTopics } from '../../platform/kafka';

/** A throw-away topic with one small message type, so bus tests never share state. */
export async function testTopic(kafka: Kafka, partitions = 1): Promise<TopicSpec> {
  const spec: TopicSpec = {
    name: `bus-test-${randomUUID()}`,
    description: 'test topic',
    // The services whose keys the bus tests publish and consume with.
    producers: ['orchestrator'],
    consumers: ['event-bridge'],
    messages: {
      'StepNoted.v1': z.strictObject({
        dossierId: z.string().min(1),
        step: z.string().min(1),
        sequence: z.number().int(),
      }),
    },
  };
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [spec.name, deadLetterTopic(spec.name)], partitions, 1);
  await admin.disconnect();
  return spec;
}

export const noted = (dossierId: string, sequence: number) => ({
  type: 'StepNoted.v1',
  subject: dossierId,
  source: 'test',
  data: { dossierId, step: 'register-birth', sequence },
});
