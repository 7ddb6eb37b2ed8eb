/** The audit chain's key in every test that writes the shared audit log, so the verify test sees one chain. */
export const testAuditKey = new TextEncoder().encode('lienthong-integration-audit-key!');

/** The same key as `AUDIT_HMAC_KEY` for tests that start the api from its config. */
export const testAuditKeyEnv = { AUDIT_HMAC_KEY: Buffer.from(testAuditKey).toString('base64') };
