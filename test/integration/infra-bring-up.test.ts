import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { bringUp, type Infrastructure } from '../../infra/bring-up';
import { freeServerPorts, isAlive, stopProcess } from '../../infra/process';
import { readState, writeState } from '../../infra/state';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';

/**
 * Servers one at a time, on a DATA_DIR of their own: a server that died is started again alone,
 * leaving the others and their PIDs as they are; servers left by an `npm start` that crashed are
 * adopted by the next one, which says so and stops them.
 */
const log = createLogger({ level: 'warn', format: 'json' });
const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-bring-up-'));
let infra: Infrastructure | undefined;

afterAll(async () => {
  for (const p of Object.values(readState(dataDir)?.processes ?? {})) await stopProcess(p.pid);
  rmSync(dataDir, { recursive: true, force: true });
});

const pids = () => Object.fromEntries(Object.entries(readState(dataDir)!.processes).map(([s, p]) => [s, p.pid]));

describe('local servers, one at a time', () => {
  it('starts only the server that died, then lets a new npm start adopt what a crashed one left, and stop it', async () => {
    const ports = await freeServerPorts();
    const config = loadConfig({
      DATA_DIR: dataDir,
      INFRA_CACHE_DIR: resolve(process.env.INFRA_CACHE_DIR ?? '.infra'),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.temporalUi),
      TEMPORAL_UI: 'false',
      KAFKA_PORT: String(ports.kafka),
      KAFKA_CONTROLLER_PORT: String(ports.kafkaController),
      POSTGRES_PORT: String(ports.postgres),
      KAFKA_TOPIC_PARTITIONS: '1',
      LOG_LEVEL: 'warn',
    });
    infra = await bringUp(config, log, undefined, 'infra:up');
    expect(infra.started?.sort()).toEqual(['kafka', 'postgres', 'temporal']);
    expect(infra.owned).toBe(false);
    const first = pids();

    // Kafka dies alone: the next start brings back Kafka and nothing else.
    process.kill(first.kafka!, 'SIGKILL');
    while (isAlive(first.kafka!)) await sleep(50);
    infra = await bringUp(config, log, undefined, 'infra:up');
    expect(infra.started).toEqual(['kafka']);
    const second = pids();
    expect(second.temporal).toBe(first.temporal);
    expect(second.postgres).toBe(first.postgres);
    expect(second.kafka).not.toBe(first.kafka);

    // An npm start that owned them was SIGKILLed: its PID is gone, its servers still run.
    const crashed = spawnSync('true').pid!;
    const state = readState(dataDir)!;
    for (const p of Object.values(state.processes)) Object.assign(p, { startedBy: 'npm start', ownerPid: crashed });
    writeState(dataDir, state);
    infra = await bringUp(config, log, undefined, 'npm start');
    expect(infra.started).toEqual([]);
    expect(infra.owned).toBe(true);
    expect(Object.values(readState(dataDir)!.processes).every((p) => p.ownerPid === process.pid)).toBe(true);
    await infra.stop();
    expect(Object.values(second).some((pid) => isAlive(pid))).toBe(false);
    expect(readState(dataDir)).toBeUndefined();
  });
});
