import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger, kafkaLogCreator, kafkaLogLevel, temporalLogger } from '../../../platform/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'debug', format: 'json', destination }, { process: 'test' }) };
}

describe('logger', () => {
  it('writes JSON lines with level labels, module fields and ISO times', () => {
    const { lines, log } = capture();
    log.child({ module: 'bridge' }).info({ dossierId: 'HS-1', step: 'register-birth' }, 'event delivered');
    expect(lines[0]).toMatchObject({
      level: 'info',
      process: 'test',
      module: 'bridge',
      dossierId: 'HS-1',
      step: 'register-birth',
      msg: 'event delivered',
    });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts names, ID numbers and addresses wherever they sit', () => {
    const { lines, log } = capture();
    log.info(
      {
        applicant: { fullName: 'Trần Văn Bình', personalIdNumber: '079090001234', address: { street: '12 Lê Lợi' } },
        child: { name: 'Trần An' },
      },
      'dossier submitted',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('Bình');
    expect(text).not.toContain('079090001234');
    expect(text).not.toContain('Lê Lợi');
    expect(text).not.toContain('Trần An');
    expect(text).toContain('[redacted]');
  });

  it('routes kafkajs log entries into pino at the matching level', () => {
    const { lines, log } = capture();
    const write = kafkaLogCreator(log)(logLevel.INFO);
    write({
      namespace: 'Consumer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 'x', message: 'Crash: KafkaJSNumberOfRetriesExceeded', groupId: 'g1' },
    });
    expect(lines[0]).toMatchObject({
      level: 'error',
      module: 'kafkajs',
      kafkaNamespace: 'Consumer',
      groupId: 'g1',
      msg: 'Crash: KafkaJSNumberOfRetriesExceeded',
    });
    expect(kafkaLogLevel('warn')).toBe(logLevel.WARN);
    expect(kafkaLogLevel('silent')).toBe(logLevel.NOTHING);
  });

  it('reports a group coordinator still forming as a warning, not an error (kafkajs retries it)', () => {
    const { lines, log } = capture();
    const write = kafkaLogCreator(log)(logLevel.INFO);
    for (const error of [
      'The group coordinator is not available',
      "The coordinator is loading and hence can't process requests for this group",
      'Not authorized to access topics: [Topic authorization failed]',
    ])
      write({
        namespace: 'Connection',
        level: logLevel.ERROR,
        label: 'ERROR',
        log: { timestamp: 'x', message: 'Response GroupCoordinator(key: 10, version: 2)', error },
      });
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn', 'error']);
  });

  it('keeps the message and stack of an Error the Temporal SDK passes as `error`', () => {
    const { lines, log } = capture();
    temporalLogger(log).error('Failed to process Workflow Activation', { error: new Error('boom'), runId: 'r1' });
    expect(lines[0]).toMatchObject({ level: 'error', runId: 'r1', error: { type: 'Error', message: 'boom' } });
    expect((lines[0] as { error: { stack: string } }).error.stack).toContain('boom');
  });

  it('adapts pino to the Temporal SDK logger', () => {
    const { lines, log } = capture();
    temporalLogger(log).warn('Workflow task failed', { workflowId: 'HS-2' });
    temporalLogger(log).log('DEBUG', 'Worker state changed', { state: 'RUNNING' });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        module: 'temporal-sdk',
        workflowId: 'HS-2',
        msg: 'Workflow task failed',
      }),
      expect.objectContaining({ level: 'debug', state: 'RUNNING', msg: 'Worker state changed' }),
    ]);
  });
});
