import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogue } from '../contracts/procedures';
import { createTokenVerifier } from '../platform/auth';
import { createLogger } from '../platform/logger';
import { buildApi } from '../web/app';
import type { ApiContext } from '../web/context';
import { createNotificationHub } from '../web/notifications';

export const openApiPath = fileURLToPath(new URL('./openapi.json', import.meta.url));

/** The OpenAPI 3.1 document of the portal api, generated from the routes' zod schemas. */
export async function openApiDocument(): Promise<string> {
  // Routes only need their context when called; generating the document calls none.
  const context = {
    catalogue,
    notifications: createNotificationHub(),
    backOffices: {},
    namespace: 'default',
  } as unknown as ApiContext;
  const app = await buildApi({
    context,
    verifier: createTokenVerifier({ issuer: 'docs', audience: 'docs', secret: new Uint8Array(32) }),
    log: createLogger({ level: 'silent', format: 'json' }),
    bodyLimitBytes: 1024,
    rateLimitPerMinute: 1,
    ready: async () => ({}),
  });
  await app.ready();
  const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return document;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const document = await openApiDocument();
  writeFileSync(openApiPath, document);
  process.stdout.write(
    `wrote ${openApiPath} (${Object.keys((JSON.parse(document) as { paths: object }).paths).length} paths)\n`,
  );
}
