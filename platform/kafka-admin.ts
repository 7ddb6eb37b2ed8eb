import { setTimeout } from 'node:timers/promises';
import kafkajs, { type Admin, type AclEntry } from 'kafkajs';
import { aclGrants, type AclGrant } from '../contracts/kafka-access';
import { kafkaServices, type KafkaService } from '../contracts/principals';
import { allTopicNames } from '../contracts/topics';
import type { KafkaSettings } from './config';
import type { KafkaEndpoint } from './endpoints';
import { ensureTopics, kafkaFor } from './kafka';
import type { Logger } from './logger';

// Through the default export: Node's ESM loader does not see these among kafkajs's CommonJS named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const resourceTypes = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP } as const;
const patternTypes = { literal: ResourcePatternTypes.LITERAL, prefixed: ResourcePatternTypes.PREFIXED } as const;
const operationTypes = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
  delete: AclOperationTypes.DELETE,
} as const;

/** A grant as the broker stores it. */
export function aclEntry(grant: AclGrant): AclEntry {
  return {
    principal: `User:${grant.username}`,
    host: '*',
    resourceType: resourceTypes[grant.resource],
    resourceName: grant.name,
    resourcePatternType: patternTypes[grant.pattern],
    operation: operationTypes[grant.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

const entryKey = (entry: AclEntry) =>
  [
    entry.principal,
    entry.host,
    entry.resourceType,
    entry.resourceName,
    entry.resourcePatternType,
    entry.operation,
    entry.permissionType,
  ].join('\u0000');

/**
 * Makes the broker's ACLs for the given principals exactly the grants: missing ones are created,
 * ones no longer derived from the contracts are deleted (ACLs of other principals are left alone).
 * Needs an admin (super user) connection.
 */
export async function ensureAcls(admin: Admin, grants: AclGrant[]): Promise<{ created: number; deleted: number }> {
  const wanted = new Map(grants.map((grant) => [entryKey(aclEntry(grant)), aclEntry(grant)]));
  const principals = new Set(grants.map((grant) => `User:${grant.username}`));
  const describe = async () => {
    const described = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const existing = new Map<string, AclEntry>();
    for (const resource of described.resources) {
      for (const acl of resource.acls) {
        if (!principals.has(acl.principal)) continue;
        const entry: AclEntry = {
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          resourcePatternType: resource.resourcePatternType,
          ...acl,
        };
        existing.set(entryKey(entry), entry);
      }
    }
    return existing;
  };
  const existing = await describe();
  const missing = [...wanted].filter(([key]) => !existing.has(key)).map(([, entry]) => entry);
  const stale = [...existing].filter(([key]) => !wanted.has(key)).map(([, entry]) => entry);
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  if (stale.length > 0) await admin.deleteAcls({ filters: stale });
  // The broker applies new ACLs a moment after the controller commits them: a service connecting in
  // between is refused (an idempotent producer's InitProducerId fails with Cluster authorization failed).
  for (let wait = 50, waited = 0; missing.length > 0; waited += wait, wait = Math.min(wait * 2, 500)) {
    const now = await describe();
    if (missing.every((entry) => now.has(entryKey(entry)))) break;
    if (waited > 15_000) throw new Error(`${missing.length} new Kafka ACLs are not applied by the broker after 15 s`);
    await setTimeout(wait);
  }
  return { created: missing.length, deleted: stale.length };
}

/**
 * What only the admin principal may do: create the topics of the contracts and, when the brokers
 * authenticate, give each service's principal its ACLs. Idempotent; run at every start.
 */
export async function provisionKafka(
  endpoint: KafkaEndpoint,
  settings: Pick<KafkaSettings, 'clientId' | 'ssl' | 'partitions' | 'replicationFactor'>,
  log: Logger,
): Promise<{ topicsCreated: string[]; aclsCreated: number; aclsDeleted: number }> {
  const admin = kafkaFor(endpoint, 'admin', settings, log).admin();
  await admin.connect();
  try {
    const topicsCreated = await ensureTopics(admin, allTopicNames(), settings.partitions, settings.replicationFactor);
    if (!endpoint.sasl) return { topicsCreated, aclsCreated: 0, aclsDeleted: 0 };
    const usernames = Object.fromEntries(
      kafkaServices.map((service) => [service, endpoint.sasl?.credentials[service]?.username ?? service]),
    ) as Record<KafkaService, string>;
    const { created, deleted } = await ensureAcls(admin, aclGrants(usernames));
    return { topicsCreated, aclsCreated: created, aclsDeleted: deleted };
  } finally {
    await admin.disconnect();
  }
}
