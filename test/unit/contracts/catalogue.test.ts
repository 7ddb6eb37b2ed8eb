import { describe, expect, it } from 'vitest';
import { agencyIds } from '../../../contracts/agencies';
import { agencyMessages } from '../../../contracts/agency-messages';
import { classifyAgencyEvent, expectedEventTypes } from '../../../contracts/agency-outcomes';
import { DossierStatus, StepStatus } from '../../../contracts/dossier-status';
import { catalogue, createCatalogue, labelled, procedures, stagesFor } from '../../../contracts/procedures';
import { birthBundle } from '../../../contracts/procedures/birth-bundle';
import { deathBundle } from '../../../contracts/procedures/death-bundle';
import { rejectionReasonCodes, type ProcedureDefinition } from '../../../contracts/procedures/define';
import {
  agencyLabels,
  dossierStatusLabels,
  reasonCodeLabels,
  stepStatusLabels,
} from '../../../contracts/procedures/labels';
import { registerBirth, registerDeath, services } from '../../../contracts/procedures/services';
import * as workflows from '../../../workflows';
import { birthInput, deathInput } from '../../fixtures/dossiers';
import { birthCard } from '../../fixtures/procedures/birth-card';

describe('the procedure catalogue', () => {
  it('has a workflow exported under every procedure’s workflow type', () => {
    for (const procedure of catalogue.procedures)
      expect(typeof (workflows as Record<string, unknown>)[procedure.workflowType], procedure.id).toBe('function');
    expect(Object.keys(workflows).sort()).toEqual(catalogue.workflowTypes.slice().sort());
  });

  it('derives the birth bundle’s stages and the death bundle’s variants from data', () => {
    const ids = (stages: ReturnType<typeof stagesFor>) => stages.map((stage) => stage.map((s) => s.service.id));
    expect(ids(stagesFor(birthBundle, birthInput()))).toEqual([
      ['register-birth'],
      ['register-residence', 'issue-health-insurance-card'],
    ]);
    expect(ids(stagesFor(deathBundle, deathInput(2)))).toEqual([['register-death'], ['delete-residence']]);
    expect(ids(stagesFor(deathBundle, deathInput(4)))).toEqual([
      ['register-death'],
      ['delete-residence', 'funeral-allowance', 'survivor-benefit'],
    ]);
  });

  it('builds each command from the input and the typed results of the steps it needs', () => {
    const stages = stagesFor(birthBundle, birthInput());
    const birth = stages[0]![0];
    const residence = stages[1]![0];
    const input = birthInput();
    expect(birth!.command(input, {})).toMatchObject({
      child: input.child,
      birthCertificateReference: input.birthCertificateReference,
    });
    const results = { 'register-birth': { birthCertificateNumber: 'KS-1', childPersonalIdNumber: '001226000001' } };
    expect(residence!.needs).toEqual(['register-birth']);
    expect(residence!.command(input, results)).toMatchObject({
      birthRegistration: { birthCertificateNumber: 'KS-1', childPersonalIdNumber: '001226000001' },
      parentIdNumber: input.mother!.personalIdNumber,
    });
  });

  it('answers lookups by step, command and procedure, and validates any application on offer', () => {
    expect(catalogue.service('register-birth')).toBe(registerBirth);
    expect(catalogue.serviceForCommand('RegisterDeath.v1')).toBe(registerDeath);
    expect(catalogue.service('no-such-step')).toBeUndefined();
    expect(catalogue.procedureOf(deathInput(3))).toBe(deathBundle);
    expect(() => catalogue.procedureOf({ procedure: 'marriage', applicant: { personalIdNumber: '1' } })).toThrow(
      /no procedure marriage/,
    );
    expect(catalogue.input.safeParse(birthInput()).success).toBe(true);
    const unknown = catalogue.input.safeParse({ ...birthInput(), procedure: 'marriage' });
    expect(unknown.success).toBe(false);
  });

  it('lets a test add a procedure made of the same services', () => {
    const extended = createCatalogue([...procedures, birthCard]);
    expect(extended.workflowTypes).toEqual(['birthBundle', 'deathBundle', 'birthCard']);
    expect(extended.service('issue-health-insurance-card')).toBe(catalogue.service('issue-health-insurance-card'));
  });

  describe('refuses procedures that do not fit together, naming the mistake', () => {
    const cases: [string, () => ProcedureDefinition[], RegExp][] = [
      [
        'the same id twice',
        () => [birthBundle, { ...deathBundle, id: 'birth-bundle' }],
        /birth-bundle is declared twice/,
      ],
      [
        'the same workflow type twice',
        () => [birthBundle, { ...deathBundle, workflowType: 'birthBundle' }],
        /workflow type birthBundle is used twice/,
      ],
      [
        'a step that needs a step of its own stage',
        () => [{ ...birthBundle, stages: [birthBundle.stages.flat()] }],
        /register-residence needs register-birth, not in an earlier stage/,
      ],
      [
        'a variant naming a step the procedure does not have',
        () => [{ ...deathBundle, variants: { ...deathBundle.variants!, steps: { 2: ['register-death', 'nope'] } } }],
        /variant 2 names unknown step nope/,
      ],
      [
        'one step id for two different services',
        () => {
          const birth = birthBundle.stages[0]![0];
          const impostor = { ...birth!, service: { ...registerDeath, id: 'register-birth' } };
          return [birthBundle, { ...birthCard, stages: [[impostor]] }];
        },
        /step register-birth \(RegisterDeath.v1\) differs from the service declared as register-birth/,
      ],
    ];
    it.each(cases)('%s', (_name, build, message) => {
      expect(() => createCatalogue(build())).toThrow(message);
    });
  });
});

describe('classifying an agency event for a step, from its service', () => {
  const data = { dossierId: 'HS-1', stepId: 'register-birth', commandId: 'HS-1/register-birth/1' };
  it.each([
    ['CommandReceived.v1', { handling: 'automatic' }, { kind: 'received', awaitingWorker: false, flags: [] }],
    [
      'CommandReceived.v1',
      { handling: 'manual', flags: ['father-deceased'] },
      { kind: 'received', awaitingWorker: true, flags: ['father-deceased'] },
    ],
    ['CaseCancelled.v1', {}, { kind: 'ignored' }],
    [
      'AdditionalInformationRequested.v1',
      { fields: ['child.fullName'], message: 'spell it' },
      { kind: 'information-requested', fields: ['child.fullName'], message: 'spell it' },
    ],
    [
      'BirthRegistrationRejected.v1',
      { reasonCode: 'LATE_REGISTRATION', message: 'late' },
      { kind: 'rejected', reasonCode: 'LATE_REGISTRATION', message: 'late' },
    ],
    [
      'BirthRegistered.v1',
      { birthCertificateNumber: 'KS-1' },
      { kind: 'completed', result: { birthCertificateNumber: 'KS-1' } },
    ],
    ['DeathRegistered.v1', { deathExtractNumber: 'TK-1' }, { kind: 'unexpected' }],
    ['DeathRegistrationRejected.v1', { reasonCode: 'PERSON_NOT_FOUND', message: 'no' }, { kind: 'unexpected' }],
  ] as const)('%s', (type, extra, outcome) => {
    expect(classifyAgencyEvent(registerBirth, type, { ...data, ...extra })).toEqual(outcome);
  });

  it('expects only events its agency publishes, and every service’s events exist in its contract', () => {
    for (const service of services) {
      const events = Object.keys(agencyMessages[service.agency].events);
      expect(events, service.id).toEqual(expect.arrayContaining(expectedEventTypes(service)));
    }
  });
});

describe('labels in Vietnamese and English', () => {
  const complete = (labels: Record<string, { vi: string; en: string }>) =>
    Object.values(labels).every((l) => l.vi.trim().length > 0 && l.en.trim().length > 0);

  it('exist for every status, agency, procedure, variant, step and reason code', () => {
    expect(Object.keys(dossierStatusLabels).sort()).toEqual([...DossierStatus.options].sort());
    expect(Object.keys(stepStatusLabels).sort()).toEqual([...StepStatus.options].sort());
    expect(Object.keys(agencyLabels).sort()).toEqual([...agencyIds].sort());
    for (const labels of [dossierStatusLabels, stepStatusLabels, agencyLabels]) expect(complete(labels)).toBe(true);
    for (const procedure of catalogue.procedures) {
      expect(complete({ label: procedure.label, description: procedure.description })).toBe(true);
      expect(Object.keys(procedure.variants?.labels ?? {})).toEqual(Object.keys(procedure.variants?.steps ?? {}));
    }
    for (const service of services) {
      expect(complete({ label: service.label, ...service.informationFields }), service.id).toBe(true);
      const codes = rejectionReasonCodes(service);
      expect(codes.length, service.id).toBeGreaterThan(0);
      expect(Object.keys(reasonCodeLabels[service.agency])).toEqual(expect.arrayContaining([...codes]));
    }
  });

  it('are put on a dossier view for the api, with the id where the catalogue has none', () => {
    const view = labelled(catalogue, {
      dossierId: 'HS-1',
      procedure: 'birth-bundle',
      citizenId: '001190012345',
      status: 'additional-info-requested',
      submittedAt: '2026-11-23T02:00:00.000Z',
      updatedAt: '2026-11-23T02:00:00.000Z',
      operatorActions: [],
      ignoredEvents: 0,
      steps: [
        {
          stepId: 'register-birth',
          agency: 'civil-status',
          status: 'awaiting-citizen',
          attempts: 1,
          informationRequest: { fields: ['child.fullName', 'shoe-size'], message: 'spell it' },
        },
        {
          stepId: 'register-residence',
          agency: 'residence',
          status: 'awaiting-agency-worker',
          attempts: 1,
          reviewFlags: ['old-birth-registration', 'new-flag'],
        },
        {
          stepId: 'retired-step',
          agency: 'residence',
          status: 'rejected',
          attempts: 1,
          rejection: { reasonCode: 'CONSENT_MISSING', message: 'no consent' },
        },
      ],
    });
    expect(view.procedureLabel.vi).toMatch(/^Đăng ký khai sinh/);
    expect(view.statusLabel).toEqual({ vi: 'Yêu cầu bổ sung hồ sơ', en: 'More information requested' });
    expect(view.steps[0]).toMatchObject({
      label: { vi: 'Đăng ký khai sinh', en: 'Register the birth' },
      statusLabel: { en: 'Waiting for your information' },
      informationRequest: {
        fieldLabels: {
          'child.fullName': { en: "Child's full name" },
          'shoe-size': { vi: 'shoe-size', en: 'shoe-size' },
        },
      },
    });
    expect(view.steps[1]!.reviewLabels).toEqual([
      { vi: 'Đăng ký khai sinh đã lâu, cần xác minh', en: 'The birth was registered long ago; verify' },
      { vi: 'new-flag', en: 'new-flag' },
    ]);
    expect(view.steps[2]).toMatchObject({
      label: { vi: 'retired-step', en: 'retired-step' },
      rejection: { label: { en: "The household head's or owner's consent is missing" } },
    });
  });
});
