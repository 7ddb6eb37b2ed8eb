import type { Kafka } from 'kafkajs';
import { eventTopic, topicSpec } from '../../contracts/topics';
import { encodeEvent, sealMessage, type BusKeyring } from '../../platform/bus';

/** The data of a birth's register-birth result (its first attempt) with the child's ID number given. */
export const birthResult = (dossierId: string, childPersonalIdNumber: string) => ({
  dossierId,
  stepId: 'register-birth',
  commandId: `${dossierId}/register-birth/1`,
  birthCertificateNumber: '001/2026/KS-424242',
  childPersonalIdNumber,
  registeredAt: new Date().toISOString(),
});

/**
 * Publishes, as civil status (its principal, its signature), a register-birth result whose data
 * does not fit the contract (the child's ID number is not a number): the event bridge dead-letters
 * it with `schema-mismatch`. `kafka` and `keyring` are civil status's own.
 */
export async function publishPoisonBirthResult(kafka: Kafka, keyring: BusKeyring, dossierId: string): Promise<void> {
  const events = topicSpec(eventTopic('civil-status'));
  const valid = encodeEvent(events, {
    type: 'BirthRegistered.v1',
    subject: dossierId,
    source: 'lienthong/agency/civil-status',
    data: birthResult(dossierId, '001226424242'),
  });
  const poison = sealMessage(
    events.name,
    { ...valid, value: JSON.stringify(birthResult(dossierId, 'not-a-number')) },
    keyring,
  );
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic: events.name, acks: -1, messages: [poison] });
  } finally {
    await producer.disconnect();
  }
}
