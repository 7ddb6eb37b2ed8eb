import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kafkaServices, operationsService, type KafkaService } from '../../contracts/principals';
import { topicSpecs, type TopicSpec } from '../../contracts/topics';
import { ConfigError } from '../config';
import { readOrCreatePrivateFile, writePrivateFile } from '../files';

/**
 * The keys of the bus, kept as files in one folder (DATA_DIR/bus-keys locally, generated at first
 * start; BUS_KEYS_DIR elsewhere, provisioned by the deployment):
 *
 * - `signing/<service>.json`: the service's Ed25519 private keys, `{ active, keys: { id: pkcs8 } }`;
 *   only that service's process needs it.
 * - `public/<service>.json`: the public keys of every key the service ever signed with, `{ id: spki }`;
 *   every consumer needs all of them. Rotation adds a key and keeps the old ones verifiable.
 * - `topics/<topic>.json`: the topic's AES-256 data keys, `{ active, keys: { id: base64 } }`; only
 *   the topic's producers and consumers (contracts/topics.ts, the same lists the ACLs come from).
 */
interface KeySetFile {
  active: string;
  keys: Record<string, string>;
}

/** The keys of one topic: new messages use the active one, every listed one still decrypts. */
export interface TopicKeys {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** What one service holds: its own signing key, everyone's public keys, and the keys of its topics only. */
export interface BusKeyring {
  readonly service: KafkaService;
  readonly signing: { keyId: string; privateKey: KeyObject };
  /** Key id → the service it belongs to and its public key, for every service, old keys included. */
  readonly verifying: ReadonlyMap<string, { service: KafkaService; publicKey: KeyObject }>;
  /** Topic name → its data keys, for the topics this service produces or consumes. */
  readonly topics: ReadonlyMap<string, TopicKeys>;
}

/** Where the bus keys are and whether missing ones may be generated (local mode only). */
export interface BusKeySettings {
  dir: string;
  generate: boolean;
}

/** BUS_KEYS_DIR when set (never generated into); else DATA_DIR/bus-keys, generated on first use. */
export function busKeySettings(config: { busKeysDir?: string; dataDir: string }): BusKeySettings {
  return config.busKeysDir
    ? { dir: resolve(config.busKeysDir), generate: false }
    : { dir: join(resolve(config.dataDir), 'bus-keys'), generate: true };
}

/**
 * The services that hold a topic's data key: those that write or read it by contract, and
 * operations, which reads its dead letters (the topic's encrypted bytes) and seals the fixed copies.
 */
export function topicKeyHolders(spec: TopicSpec): KafkaService[] {
  return [...new Set<KafkaService>([...spec.producers, ...spec.consumers, operationsService])];
}

const signingFile = (dir: string, service: string) => join(dir, 'signing', `${service}.json`);
const publicFile = (dir: string, service: string) => join(dir, 'public', `${service}.json`);
const topicFile = (dir: string, topic: string) => join(dir, 'topics', `${topic}.json`);

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function newSigningKey(service: string, n: number) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyId: `${service}/${n}`,
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    spki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

const nextNumber = (ids: string[]) => Math.max(0, ...ids.map((id) => Number(id.split('/').at(-1)) || 0)) + 1;

/** Creates the signing key of every service and the data key of every topic that has none yet. */
export function ensureLocalBusKeys(dir: string, specs: readonly TopicSpec[] = topicSpecs): void {
  for (const service of kafkaServices) {
    if (existsSync(signingFile(dir, service))) continue;
    const key = newSigningKey(service, 1);
    writePrivateFile(publicFile(dir, service), json({ [key.keyId]: key.spki }));
    writePrivateFile(signingFile(dir, service), json({ active: key.keyId, keys: { [key.keyId]: key.pkcs8 } }));
  }
  for (const spec of specs)
    readOrCreatePrivateFile(topicFile(dir, spec.name), () => {
      const keyId = `${spec.name}/1`;
      return json({ active: keyId, keys: { [keyId]: randomBytes(32).toString('base64') } });
    });
}

/**
 * Rotation: a new active signing key for a service (the old private key is dropped, its public key
 * stays, so what it signed before, dead letters included, still verifies), or a new active data key for a topic (old ones still decrypt). Processes
 * pick it up at their next start; restart consumers before producers.
 */
export function rotateBusKey(dir: string, what: { service: KafkaService } | { topic: string }): string {
  if ('service' in what) {
    const publicKeys = readJson<Record<string, string>>(publicFile(dir, what.service));
    const key = newSigningKey(what.service, nextNumber(Object.keys(publicKeys)));
    writePrivateFile(publicFile(dir, what.service), json({ ...publicKeys, [key.keyId]: key.spki }));
    writePrivateFile(signingFile(dir, what.service), json({ active: key.keyId, keys: { [key.keyId]: key.pkcs8 } }));
    return key.keyId;
  }
  const topic = readKeySet(topicFile(dir, what.topic));
  const keyId = `${what.topic}/${nextNumber(Object.keys(topic.keys))}`;
  writePrivateFile(
    topicFile(dir, what.topic),
    json({ active: keyId, keys: { ...topic.keys, [keyId]: randomBytes(32).toString('base64') } }),
  );
  return keyId;
}

function readJson<T>(file: string): T {
  if (!existsSync(file))
    throw new ConfigError([`BUS_KEYS_DIR: ${file} is missing (see "Messages on the bus" in the README)`]);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new ConfigError([`BUS_KEYS_DIR: ${file} is not valid JSON (${(err as Error).message})`]);
  }
}

function readKeySet(file: string): KeySetFile {
  const set = readJson<KeySetFile>(file);
  if (typeof set.active !== 'string' || !set.keys || typeof set.keys[set.active] !== 'string')
    throw new ConfigError([`BUS_KEYS_DIR: ${file} must name its active key among its keys`]);
  return set;
}

/**
 * One service's keyring, read once at start (key objects are built here, not per message). A
 * process that runs several services builds one keyring per service.
 */
export function loadBusKeyring(
  settings: BusKeySettings,
  service: KafkaService,
  specs: readonly TopicSpec[] = topicSpecs,
): BusKeyring {
  const { dir } = settings;
  if (settings.generate) ensureLocalBusKeys(dir, specs);
  const signing = readKeySet(signingFile(dir, service));
  const verifying = new Map<string, { service: KafkaService; publicKey: KeyObject }>();
  for (const owner of kafkaServices) {
    for (const [keyId, spki] of Object.entries(readJson<Record<string, string>>(publicFile(dir, owner))))
      verifying.set(keyId, {
        service: owner,
        publicKey: createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }),
      });
  }
  const topics = new Map<string, TopicKeys>();
  for (const spec of specs) {
    if (!topicKeyHolders(spec).includes(service)) continue;
    const set = readKeySet(topicFile(dir, spec.name));
    const keys = new Map(Object.entries(set.keys).map(([id, key]) => [id, Buffer.from(key, 'base64')]));
    for (const [id, key] of keys)
      if (key.length !== 32)
        throw new ConfigError([
          `BUS_KEYS_DIR: key ${id} of ${spec.name} must be 32 bytes (AES-256), got ${key.length}`,
        ]);
    topics.set(spec.name, { activeKeyId: set.active, keys });
  }
  return {
    service,
    signing: {
      keyId: signing.active,
      privateKey: createPrivateKey({
        key: Buffer.from(signing.keys[signing.active]!, 'base64'),
        format: 'der',
        type: 'pkcs8',
      }),
    },
    verifying,
    topics,
  };
}
