import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { DossierStatusView } from '../../../contracts/dossier-status';
import { catalogue } from '../../../contracts/procedures';
import { createDossierGateway, type DossierGatewayDeps } from '../../../web/dossiers';

const finalView: DossierStatusView = {
  dossierId: 'HS-20261130-VIEW00001',
  procedure: 'birth-bundle',
  citizenId: '001090000001',
  status: 'result-returned',
  submittedAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:05:00.000Z',
  steps: [],
  operatorActions: [],
  ignoredEvents: 0,
};

/** A Temporal client whose query fails as a replay that hits a nondeterminism error does. */
function clientOf(status: string, calls: string[]): Client {
  const handle = {
    async query() {
      calls.push('query');
      throw new Error('[TMPRL1100] Nondeterminism error: UpsertWorkflowSearchAttributesMachine does not handle ...');
    },
    async describe() {
      calls.push('describe');
      return { status: { name: status } };
    },
    async result() {
      calls.push('result');
      return finalView;
    },
  };
  return { workflow: { getHandle: () => handle } } as unknown as Client;
}

const gateway = (client: Client) =>
  createDossierGateway({ client, catalogue, records: { get: async () => undefined } } as unknown as DossierGatewayDeps);

describe('reading a dossier that has no closed record', () => {
  it('reads a completed workflow’s final view when its query fails', async () => {
    const calls: string[] = [];
    const view = await gateway(clientOf('COMPLETED', calls)).view(finalView.dossierId);
    expect(view.status).toBe('result-returned');
    expect(calls).toEqual(['query', 'describe', 'result']);
  });

  it('passes the query’s failure on for a dossier that is still running', async () => {
    const calls: string[] = [];
    await expect(gateway(clientOf('RUNNING', calls)).view(finalView.dossierId)).rejects.toThrow(/Nondeterminism/);
    expect(calls).toEqual(['query', 'describe']);
  });
});
