/** The audit chain's key in every test that writes the shared audit log, so the verify test sees one chain. */
export const testAuditKey = new TextEncoder().encode('lienthong-integration-audit-key!');
