import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, type Kafka } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import {
  BusError,
  createPublisher,
  DeadLetterError,
  InvalidMessageError,
  isBusError,
  PublishFailedError,
  UnknownMessageTypeError,
} from '../../../platform/bus';
import { createLogger } from '../../../platform/logger';
import { unitKeyring } from '../../support/bus-keys';
import { notedTopic } from './noted-topic';

const cause = new Error('underlying');

describe('bus error tree', () => {
  it.each([
    [new InvalidMessageError('m', { cause }), 'InvalidMessageError', 'InvalidMessage', false],
    [new UnknownMessageTypeError('m', { cause }), 'UnknownMessageTypeError', 'UnknownMessageType', false],
    [new PublishFailedError('m', { cause }), 'PublishFailedError', 'PublishFailed', true],
    [new DeadLetterError('unknown-dossier', 'm', { cause }), 'DeadLetterError', 'DeadLetter', false],
  ])('%s has its own name, a stable type, a retriable flag and keeps its cause', (err, name, type, retriable) => {
    expect(err).toBeInstanceOf(BusError);
    expect(err).toBeInstanceOf(Error);
    expect(isBusError(err)).toBe(true);
    expect(err).toMatchObject({ name, type, retriable, message: 'm' });
    expect(err.cause).toBe(cause);
    expect(String(err)).toBe(`${name}: m`);
    expect(err.stack?.split('\n')[0]).toBe(`${name}: m`);
  });

  it('leaves the cause unset when none is given, and DeadLetterError keeps its reason', () => {
    const err = new DeadLetterError('closed-workflow', 'dossier HS-1 is closed');
    expect(err.reason).toBe('closed-workflow');
    expect('cause' in err).toBe(false);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['a kafkajs error that is not retriable', new KafkaJSNonRetriableError(new Error('x'))],
    ['an object shaped like a bus error', { type: 'InvalidMessage', retriable: false, message: 'x' }],
    ['a string', 'InvalidMessage'],
    ['undefined', undefined],
  ])('isBusError refuses %s', (_, err) => {
    expect(isBusError(err)).toBe(false);
  });
});

describe('publisher failures', () => {
  const spec = notedTopic;
  const event = { type: 'Noted.v1', subject: 'HS-1', source: 'test', data: { n: 1 } };

  async function publisherOver(send: () => Promise<unknown>) {
    // The publisher sends what waits together as one sendBatch.
    const producer = {
      connect: vi.fn(async () => {}),
      disconnect: vi.fn(async () => {}),
      send: vi.fn(send),
      sendBatch: vi.fn(send),
    };
    const kafka = { producer: () => producer } as unknown as Kafka;
    return {
      producer,
      publisher: await createPublisher(
        kafka,
        createLogger({ level: 'silent', format: 'json' }),
        unitKeyring('orchestrator', { ...spec, producers: ['orchestrator'] }),
      ),
    };
  }

  it('wraps what the broker refuses in a retriable PublishFailedError that keeps the kafkajs error as cause', async () => {
    const refused = new KafkaJSNumberOfRetriesExceeded(new Error('Connection timeout'), {
      retryCount: 5,
      retryTime: 1,
    });
    const { publisher } = await publisherOver(() => Promise.reject(refused));
    for (const attempt of [publisher.publish(spec, event), publisher.publishBatch(spec, [event])]) {
      const err: unknown = await attempt.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PublishFailedError);
      expect(err).toMatchObject({ retriable: true, type: 'PublishFailed', cause: refused });
      expect((err as Error).message).toBe('could not publish to t: Connection timeout');
    }
  });

  it('throws encoding errors as they are and sends nothing', async () => {
    const { producer, publisher } = await publisherOver(() => Promise.resolve([]));
    await expect(publisher.publish(spec, { ...event, data: { n: 1.5 } })).rejects.toThrow(InvalidMessageError);
    await expect(publisher.publishBatch(spec, [{ ...event, type: 'Other.v1' }])).rejects.toThrow(
      UnknownMessageTypeError,
    );
    expect(producer.send).not.toHaveBeenCalled();
    expect(producer.sendBatch).not.toHaveBeenCalled();
  });
});
