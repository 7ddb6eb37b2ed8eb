import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { createLogger } from '../../platform/logger';
import { birthCardInput, testCatalogue, testWorkflowsPath } from '../fixtures/procedures';
import { startSystem } from '../support/system';

const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
let system: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  system = await startSystem(endpoints, log, {}, { catalogue: testCatalogue, workflowsPath: testWorkflowsPath });
});
afterAll(async () => {
  await system?.stop();
});

describe('a procedure declared only in test fixtures, on the real stack', () => {
  it('registers the birth and issues the card through the real agencies, with no residence step', async () => {
    const input = birthCardInput(8);
    const dossierId = `HS-20261123-${randomBytes(5).toString('hex').toUpperCase()}`;
    const handle = await system.client.workflow.start(testCatalogue.procedureOf(input).workflowType, {
      taskQueue: orchestratorTaskQueue,
      workflowId: dossierId,
      args: [{ dossierId, input }],
    });
    const view: DossierStatusView = await handle.result();
    expect(view.procedure).toBe('birth-card');
    expect(view.status).toBe('result-returned');
    expect(view.steps.map((s) => [s.stepId, s.agency, s.status])).toEqual([
      ['register-birth', 'civil-status', 'completed'],
      ['issue-health-insurance-card', 'social-insurance', 'completed'],
    ]);
    const birth = view.steps[0]!.result!;
    const card = view.steps[1]!.result!;
    expect(birth.childPersonalIdNumber).toMatch(/^001[23]\d{8}$/);
    expect(card.cardNumber).toMatch(/^TE1\d+$/);
    expect(card.validFrom).toBe(input.child.birthDate);
  });
});
