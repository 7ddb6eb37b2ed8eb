/**
 * Pinned versions of the local servers. Changing the Temporal CLI version can make an existing
 * `.data/temporal.db` unreadable: bump it together with a note in the README.
 */
export const versions = {
  temporalCli: '1.8.2',
  /** Time-skipping test server for workflow tests (Java SDK test server, native build). */
  temporalTestServer: '1.40.0',
  kafka: '3.9.1',
  kafkaScala: '2.13',
  slf4jReload4j: '1.7.36',
  reload4j: '1.2.25',
} as const;
