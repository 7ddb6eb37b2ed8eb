import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiPath } from '../../../docs/openapi';

describe('docs/openapi.json', () => {
  it('is what the routes generate now (run `npm run api:docs` after changing a route)', async () => {
    expect(readFileSync(openApiPath, 'utf8'), 'docs/openapi.json is stale: run npm run api:docs').toBe(
      await openApiDocument(),
    );
  });

  it("is OpenAPI 3.1 with every role's routes, bearer security and problem responses", async () => {
    const doc = JSON.parse(await openApiDocument()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
      components: { securitySchemes: object };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/dossiers',
        '/api/dossiers/{dossierId}',
        '/api/agencies/{agency}/tasks/{taskId}/decision',
        '/api/operator/dossiers/stuck',
        '/api/operator/dead-letters/redrive',
        '/api/operator/dead-letters/{deadLetterId}',
        '/api/operator/dead-letters/{deadLetterId}/fix',
        '/api/audit',
        '/auth/dev-login',
        '/health/ready',
      ]),
    );
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
    expect(doc.paths['/api/dossiers']!.post!.responses).toHaveProperty('400');
    expect(doc.paths['/api/dossiers']!.post!.requestBody).toBeDefined();
  });
});
