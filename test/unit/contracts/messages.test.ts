import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgencyId } from '../../../contracts/agencies';
import {
  civilStatusCommands,
  civilStatusEvents,
  civilStatusReasonCodes,
} from '../../../contracts/agency-messages/civil-status';
import { residenceCommands, residenceEvents, residenceReasonCodes } from '../../../contracts/agency-messages/residence';
import {
  socialInsuranceCommands,
  socialInsuranceEvents,
  socialInsuranceReasonCodes,
} from '../../../contracts/agency-messages/social-insurance';
import { CloudEventAttributes, cloudEventHeaders } from '../../../contracts/cloudevents';
import { commandTopic, eventTopic, topicSpec } from '../../../contracts/topics';
import { decodeEvent, encodeEvent } from '../../../platform/bus/envelope';
import { UnknownMessageTypeError } from '../../../platform/bus/errors';
import { birthInput, deathInput } from '../../fixtures/dossiers';

type Key = string | number;
type Path = Key[];
type Node = Record<Key, unknown>;
type Kind = 'commands' | 'events';

/** it.each rows as [name, row], so the test title shows the row's whole name (`$name` would be truncated). */
const named = <T extends { name: string }>(table: readonly T[]) => table.map((row): [string, T] => [row.name, row]);
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;
const REMOVE = Symbol('remove');

function withChanges(base: unknown, changes: readonly (readonly [readonly Key[], unknown])[]): unknown {
  const copy: unknown = structuredClone(base);
  for (const [path, value] of changes) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = isNode(parent) ? parent[key] : undefined;
    const last = path.at(-1);
    if (!isNode(parent) || last === undefined) throw new Error(`no parent for ${path.join('.')}`);
    if (value === REMOVE) delete parent[last];
    else parent[last] = value;
  }
  return copy;
}

function issuesOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success, 'expected the message to be refused').toBe(false);
  return result.error?.issues ?? [];
}

/* ---------------------------------------------------------------- valid examples of every message */

const dossierId = 'HS-20261123-7K3M9Q2XAB';
const command = (stepId: string) => ({ dossierId, stepId, commandId: `${dossierId}/${stepId}/1`, attempt: 1 });
const event = (stepId: string) => ({ dossierId, stepId, commandId: `${dossierId}/${stepId}/1` });
const cancel = (stepId: string) => ({
  ...command(stepId),
  commandId: `${dossierId}/${stepId}/1/cancel`,
  cancelsCommandId: `${dossierId}/${stepId}/1`,
  reason: 'the citizen withdrew the dossier',
});
const at = '2026-11-23T09:15:00+07:00';

const birth = birthInput();
const death = deathInput(4);
const birthRegistration = { birthCertificateNumber: 'KS-2026-000123', childPersonalIdNumber: '001226000123' };
const deathRegistration = { deathExtractNumber: 'TT-2026-000045' };
const received = (stepId: string) => ({
  ...event(stepId),
  handling: 'automatic',
  receivedAt: at,
  dueAt: '2026-11-23T17:00:00+07:00',
});
const informationRequested = (stepId: string) => ({
  ...event(stepId),
  fields: ['child.fullName'],
  message: 'the child’s surname must be the father’s or the mother’s',
  answerBy: '2026-12-02T17:00:00+07:00',
});

interface Catalogue {
  agency: AgencyId;
  kind: Kind;
  schemas: Record<string, z.ZodType>;
  examples: Record<string, unknown>;
}

const catalogue: Catalogue[] = [
  {
    agency: 'civil-status',
    kind: 'commands',
    schemas: civilStatusCommands,
    examples: {
      'RegisterBirth.v1': {
        ...command('register-birth'),
        applicant: birth.applicant,
        child: birth.child,
        mother: birth.mother,
        father: birth.father,
        birthCertificateReference: birth.birthCertificateReference,
      },
      'RegisterDeath.v1': {
        ...command('register-death'),
        applicant: death.applicant,
        deceased: death.deceased,
        deathNoticeReference: death.deathNoticeReference,
      },
      'CancelCase.v1': cancel('register-birth'),
    },
  },
  {
    agency: 'civil-status',
    kind: 'events',
    schemas: civilStatusEvents,
    examples: {
      'CommandReceived.v1': received('register-birth'),
      'BirthRegistered.v1': { ...event('register-birth'), ...birthRegistration, registeredAt: at },
      'BirthRegistrationRejected.v1': {
        ...event('register-birth'),
        reasonCode: 'LATE_REGISTRATION',
        message: 'registered more than 60 days after the birth',
      },
      'DeathRegistered.v1': { ...event('register-death'), ...deathRegistration, registeredAt: at },
      'DeathRegistrationRejected.v1': {
        ...event('register-death'),
        reasonCode: 'ALREADY_DECEASED',
        message: 'the person is already registered dead',
      },
      'AdditionalInformationRequested.v1': informationRequested('register-birth'),
      'CaseCancelled.v1': { ...event('register-birth'), cancelsCommandId: `${dossierId}/register-birth/1` },
    },
  },
  {
    agency: 'residence',
    kind: 'commands',
    schemas: residenceCommands,
    examples: {
      'RegisterPermanentResidence.v1': {
        ...command('register-residence'),
        birthRegistration,
        child: birth.child,
        parentIdNumber: birth.mother?.personalIdNumber,
        residence: birth.residence,
      },
      'DeletePermanentResidence.v1': { ...command('delete-residence'), deathRegistration, deceased: death.deceased },
      'CancelCase.v1': cancel('register-residence'),
    },
  },
  {
    agency: 'residence',
    kind: 'events',
    schemas: residenceEvents,
    examples: {
      'CommandReceived.v1': { ...received('register-residence'), handling: 'manual', dueAt: undefined },
      'PermanentResidenceRegistered.v1': {
        ...event('register-residence'),
        residenceRegistrationNumber: 'TT-HK-2026-000777',
        householdId: 'HK-001-000123',
        registeredAt: at,
      },
      'PermanentResidenceRegistrationRejected.v1': {
        ...event('register-residence'),
        reasonCode: 'CONSENT_MISSING',
        message: 'the owner has not consented',
      },
      'PermanentResidenceDeleted.v1': {
        ...event('delete-residence'),
        deletionRecordNumber: 'XTT-2026-000031',
        deletedAt: at,
      },
      'PermanentResidenceDeletionRejected.v1': {
        ...event('delete-residence'),
        reasonCode: 'NO_PERMANENT_RESIDENCE',
        message: 'no permanent residence is registered',
      },
      'AdditionalInformationRequested.v1': informationRequested('register-residence'),
      'CaseCancelled.v1': { ...event('register-residence'), cancelsCommandId: `${dossierId}/register-residence/1` },
    },
  },
  {
    agency: 'social-insurance',
    kind: 'commands',
    schemas: socialInsuranceCommands,
    examples: {
      'IssueHealthInsuranceCard.v1': {
        ...command('issue-health-insurance-card'),
        birthRegistration,
        child: birth.child,
        residence: birth.residence,
      },
      'DecideFuneralAllowance.v1': {
        ...command('funeral-allowance'),
        deathRegistration,
        deceased: death.deceased,
        applicant: death.applicant,
      },
      'DecideSurvivorBenefit.v1': {
        ...command('survivor-benefit'),
        deathRegistration,
        deceased: death.deceased,
        survivors: death.survivors,
        representativeIdNumber: death.representativeIdNumber,
      },
      'CancelCase.v1': cancel('funeral-allowance'),
    },
  },
  {
    agency: 'social-insurance',
    kind: 'events',
    schemas: socialInsuranceEvents,
    examples: {
      'CommandReceived.v1': received('funeral-allowance'),
      'HealthInsuranceCardIssued.v1': {
        ...event('issue-health-insurance-card'),
        socialInsuranceNumber: '0126000123',
        cardNumber: 'TE1010126000123',
        validFrom: '2026-11-13',
        validTo: '2032-09-30',
      },
      'HealthInsuranceCardRejected.v1': {
        ...event('issue-health-insurance-card'),
        reasonCode: 'CHILD_TOO_OLD',
        message: 'the card is for children under 6',
      },
      'FuneralAllowanceDecided.v1': {
        ...event('funeral-allowance'),
        decisionNumber: 'QĐ-MT-2026-000012',
        amountVnd: 23_400_000,
      },
      'FuneralAllowanceRejected.v1': {
        ...event('funeral-allowance'),
        reasonCode: 'NOT_ELIGIBLE',
        message: 'fewer than 12 months of contributions',
      },
      'SurvivorBenefitDecided.v1': {
        ...event('survivor-benefit'),
        decisionNumber: 'QĐ-TT-2026-000004',
        representativeIdNumber: '001180054321',
      },
      'SurvivorBenefitRejected.v1': {
        ...event('survivor-benefit'),
        reasonCode: 'CONFIRMATIONS_MISSING',
        message: '1 relative(s) did not confirm the representative',
      },
      'AdditionalInformationRequested.v1': informationRequested('survivor-benefit'),
      'CaseCancelled.v1': { ...event('funeral-allowance'), cancelsCommandId: `${dossierId}/funeral-allowance/1` },
    },
  },
];

const topicOf = (entry: Pick<Catalogue, 'agency' | 'kind'>) =>
  entry.kind === 'commands' ? commandTopic(entry.agency) : eventTopic(entry.agency);

const messages = catalogue.flatMap((entry) =>
  Object.entries(entry.schemas).map(([type, schema]) => ({
    name: `${entry.agency} ${type}`,
    agency: entry.agency,
    kind: entry.kind,
    type,
    schema,
    example: entry.examples[type],
  })),
);
const commandMessages = messages.filter((message) => message.kind === 'commands');

/* ---------------------------------------------------------------- property-based helpers */

const anything = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});
const replacement = fc.oneof(
  anything,
  fc.jsonValue(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.constantFrom<unknown>(null, undefined, '', 0, -1, true, [], {}),
);

type Mutation =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'delete'; path: Path }
  | { op: 'add'; path: Path; key: string; value: unknown }
  | { op: 'edit'; path: Path; at: number; remove: number; insert: string };

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (!isNode(value)) return [prefix];
  return [
    prefix,
    ...Object.entries(value).flatMap(([key, child]) =>
      pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
    ),
  ];
}

function applyMutation(root: unknown, mutation: Mutation): unknown {
  if (mutation.path.length === 0) {
    if (mutation.op === 'set') return mutation.value;
    if (mutation.op === 'delete') return undefined;
  }
  let parent: unknown = root;
  for (const key of mutation.path.slice(0, -1)) parent = isNode(parent) ? parent[key] : undefined;
  const last = mutation.path.at(-1);
  if (mutation.op === 'add') {
    const target = last === undefined ? parent : isNode(parent) ? parent[last] : undefined;
    if (isNode(target)) Reflect.set(target, mutation.key, mutation.value);
    return root;
  }
  if (!isNode(parent) || last === undefined) return root;
  // Reflect, not assignment: an earlier mutation may have put a boxed string or other read-only value here.
  if (mutation.op === 'set') Reflect.set(parent, last, mutation.value);
  else if (mutation.op === 'delete') Reflect.deleteProperty(parent, last);
  else if (typeof parent[last] === 'string') {
    const text = parent[last] as string;
    const at = mutation.at % (text.length + 1);
    Reflect.set(parent, last, text.slice(0, at) + mutation.insert + text.slice(at + mutation.remove));
  }
  return root;
}

/** Valid examples with one to four random changes: new values anywhere, deleted or extra fields, edited strings. */
function mutationsOf(example: unknown): fc.Arbitrary<unknown> {
  const path = fc.constantFrom(...pathsOf(example));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('set' as const), path, value: replacement }),
    fc.record({ op: fc.constant('delete' as const), path }),
    fc.record({ op: fc.constant('add' as const), path, key: fc.string(), value: fc.jsonValue() }),
    fc.record({
      op: fc.constant('edit' as const),
      path,
      at: fc.nat(),
      remove: fc.nat({ max: 3 }),
      insert: fc.string({ maxLength: 3, unit: 'grapheme' }),
    }),
  );
  return fc
    .array(mutation, { minLength: 1, maxLength: 4 })
    .map((mutations) => mutations.reduce(applyMutation, structuredClone(example)));
}

/** safeParse must return, never throw: success with output that survives JSON and parses again, or a ZodError with issues. */
function parsesOrExplains(schema: z.ZodType, input: unknown): boolean {
  const result = schema.safeParse(input);
  if (result.success) {
    expect(schema.safeParse(JSON.parse(JSON.stringify(result.data))).success).toBe(true);
    return true;
  }
  expect(result.error).toBeInstanceOf(z.ZodError);
  expect(result.error.issues.length).toBeGreaterThan(0);
  for (const issue of result.error.issues) {
    expect(Array.isArray(issue.path)).toBe(true);
    expect(typeof issue.message).toBe('string');
  }
  return false;
}

describe('the example catalogue', () => {
  it.each(named(catalogue.map((entry) => ({ ...entry, name: `${entry.agency} ${entry.kind}` }))))(
    'has one example per message type of %s, as its topic carries them',
    (_name, entry) => {
      expect(Object.keys(entry.examples).sort()).toEqual(Object.keys(entry.schemas).sort());
      expect(Object.keys(topicSpec(topicOf(entry)).messages).sort()).toEqual(Object.keys(entry.schemas).sort());
    },
  );
});

describe('every agency command and event', () => {
  it.each(named(messages))('%s accepts its valid example', (_name, { schema, example }) => {
    const result = schema.safeParse(example);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data).toEqual(JSON.parse(JSON.stringify(example)));
  });

  it.each(named(messages))(
    '%s travels as a CloudEvent on its topic and back',
    (_name, { agency, kind, type, example }) => {
      const spec = topicSpec(topicOf({ agency, kind }));
      const encoded = encodeEvent(spec, {
        type,
        subject: dossierId,
        source: `lienthong/${agency}`,
        data: example,
        id: 'e-1',
        time: '2026-11-23T02:15:00.000Z',
      });
      const decoded = decodeEvent(spec, {
        key: Buffer.from(String(encoded.key)),
        value: Buffer.from(String(encoded.value)),
        headers: Object.fromEntries(
          Object.entries(encoded.headers ?? {}).map(([header, value]) => [header, Buffer.from(String(value))]),
        ),
      });
      expect(decoded).toEqual({
        ok: true,
        event: {
          attributes: expect.objectContaining({ type, subject: dossierId }),
          data: JSON.parse(JSON.stringify(example)),
        },
      });
    },
  );

  it.each(named(messages))('%s refuses a message without dossierId', (_name, { schema, example }) => {
    expect(issuesOf(schema, withChanges(example, [[['dossierId'], REMOVE]]))).toContainEqual(
      expect.objectContaining({ path: ['dossierId'], message: expect.stringContaining('expected string') }),
    );
  });

  it.each(named(messages))('%s refuses an empty dossierId', (_name, { schema, example }) => {
    expect(issuesOf(schema, withChanges(example, [[['dossierId'], '']]))).toContainEqual(
      expect.objectContaining({ path: ['dossierId'], message: expect.stringContaining('>=1') }),
    );
  });

  it.each(named(messages))('%s refuses a message without commandId', (_name, { schema, example }) => {
    expect(issuesOf(schema, withChanges(example, [[['commandId'], REMOVE]]))).toContainEqual(
      expect.objectContaining({ path: ['commandId'], message: expect.stringContaining('expected string') }),
    );
  });

  it.each(named(messages))('%s refuses a message without stepId', (_name, { schema, example }) => {
    expect(issuesOf(schema, withChanges(example, [[['stepId'], REMOVE]]))).toContainEqual(
      expect.objectContaining({ path: ['stepId'] }),
    );
  });

  it.each(named(messages))(
    '%s refuses a field it does not define (the type travels in the ce_type header, not the data)',
    (_name, { schema, example }) => {
      expect(issuesOf(schema, withChanges(example, [[['type'], 'RegisterBirth.v1']]))).toContainEqual(
        expect.objectContaining({ path: [], code: 'unrecognized_keys', keys: ['type'] }),
      );
    },
  );

  it.each(named(messages))('%s refuses a non-object', (_name, { schema }) => {
    expect(issuesOf(schema, JSON.stringify({ dossierId }))).toContainEqual(
      expect.objectContaining({ path: [], message: expect.stringContaining('expected object') }),
    );
  });
});

describe('commands carry a whole attempt number', () => {
  it.each(named(commandMessages))('%s refuses attempt 0', (_name, { schema, example }) => {
    expect(issuesOf(schema, withChanges(example, [[['attempt'], 0]]))).toContainEqual(
      expect.objectContaining({ path: ['attempt'], message: expect.stringContaining('>=1') }),
    );
  });

  it.each(named(commandMessages))('%s refuses a missing attempt', (_name, { schema, example }) => {
    expect(issuesOf(schema, withChanges(example, [[['attempt'], REMOVE]]))).toContainEqual(
      expect.objectContaining({ path: ['attempt'] }),
    );
  });

  it.each(named(commandMessages))('%s accepts a supplement of text answers', (_name, { schema, example }) => {
    expect(
      schema.safeParse(withChanges(example, [[['supplement'], { 'child.fullName': 'Trần Minh Khang' }]])).success,
    ).toBe(true);
  });

  const registerBirth = catalogue[0]?.examples['RegisterBirth.v1'];
  it.each(
    named([
      { name: 'a negative attempt', change: [['attempt'], -1], path: ['attempt'] },
      { name: 'a fractional attempt', change: [['attempt'], 1.5], path: ['attempt'] },
      { name: 'an attempt as text', change: [['attempt'], '1'], path: ['attempt'] },
      {
        name: 'a supplement with a number as answer',
        change: [['supplement'], { 'child.fullName': 1 }],
        path: ['supplement', 'child.fullName'],
      },
      { name: 'a supplement that is a list', change: [['supplement'], ['Trần Minh Khang']], path: ['supplement'] },
    ] as const),
  )('RegisterBirth.v1 refuses %s', (_name, { change, path }) => {
    expect(issuesOf(civilStatusCommands['RegisterBirth.v1'], withChanges(registerBirth, [change]))).toContainEqual(
      expect.objectContaining({ path }),
    );
  });
});

describe('unknown message types', () => {
  const allTypes = new Set(catalogue.flatMap((entry) => Object.keys(entry.schemas)));
  const unknownTypes = catalogue.flatMap((entry) => {
    const own = Object.keys(entry.schemas);
    const foreign = [...allTypes].filter((type) => !own.includes(type));
    const topic = topicOf(entry);
    return [
      { name: `${topic} refuses a type nobody defines`, entry, type: 'Unknown.v1' },
      {
        name: `${topic} refuses an unpublished version of its own type`,
        entry,
        type: own[0]?.replace(/\.v1$/, '.v2') ?? 'Unknown.v2',
      },
      {
        name: `${topic} refuses the unversioned name of its own type`,
        entry,
        type: own[0]?.replace(/\.v1$/, '') ?? 'Unknown',
      },
      ...foreign.map((type) => ({ name: `${topic} refuses ${type}, which it does not carry`, entry, type })),
    ];
  });

  it.each(named(unknownTypes))('%s', (_name, { entry, type }) => {
    const spec = topicSpec(topicOf(entry));
    expect(Object.hasOwn(entry.schemas, type)).toBe(false);
    expect(Object.hasOwn(spec.messages, type)).toBe(false);
    expect(() => encodeEvent(spec, { type, subject: dossierId, source: 'test', data: {} })).toThrow(
      UnknownMessageTypeError,
    );
    const headers = {
      ce_id: 'e-1',
      ce_source: 'test',
      ce_type: type,
      ce_specversion: '1.0',
      ce_subject: dossierId,
      ce_time: at,
      'content-type': 'application/json',
    };
    const decoded = decodeEvent(spec, {
      key: Buffer.from(dossierId),
      value: Buffer.from('{}'),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    });
    expect(decoded).toMatchObject({ ok: false, reason: /^\w+\.v\d+$/.test(type) ? 'unknown-type' : 'invalid-headers' });
  });

  // Consumers are safe from Object.prototype names because the ce_type header must look like Name.vN;
  // encodeEvent is not (it indexes the plain message map directly; see the report), so it is not called here.
  it.each(
    named(
      catalogue.flatMap((entry) =>
        ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'toString.v1'].map((type) => ({
          name: `${topicOf(entry)} refuses the Object.prototype name ${type} when consuming`,
          entry,
          type,
        })),
      ),
    ),
  )('%s', (_name, { entry, type }) => {
    const spec = topicSpec(topicOf(entry));
    expect(Object.hasOwn(spec.messages, type)).toBe(false);
    const headers = {
      ce_id: 'e-1',
      ce_source: 'test',
      ce_type: type,
      ce_specversion: '1.0',
      ce_subject: dossierId,
      ce_time: at,
      'content-type': 'application/json',
    };
    const decoded = decodeEvent(spec, {
      key: Buffer.from(dossierId),
      value: Buffer.from('{}'),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    });
    expect(decoded).toMatchObject({ ok: false, reason: type.endsWith('.v1') ? 'unknown-type' : 'invalid-headers' });
  });
});

describe('rejection events need a known reason code', () => {
  const codeLists: Record<AgencyId, readonly string[]> = {
    'civil-status': civilStatusReasonCodes,
    residence: residenceReasonCodes,
    'social-insurance': socialInsuranceReasonCodes,
  };
  const rejections = messages.filter((message) => message.type.endsWith('Rejected.v1'));

  it('finds the seven rejection events', () => {
    expect(rejections.map((message) => message.type).sort()).toEqual([
      'BirthRegistrationRejected.v1',
      'DeathRegistrationRejected.v1',
      'FuneralAllowanceRejected.v1',
      'HealthInsuranceCardRejected.v1',
      'PermanentResidenceDeletionRejected.v1',
      'PermanentResidenceRegistrationRejected.v1',
      'SurvivorBenefitRejected.v1',
    ]);
  });

  it.each(named(Object.entries(codeLists).map(([agency, codes]) => ({ name: agency, codes }))))(
    '%s reason codes are unique UPPER_SNAKE_CASE and cover rules 2 and 10',
    (name, { codes }) => {
      expect(new Set(codes).size).toBe(codes.length);
      expect(codes.every((code) => /^[A-Z]+(_[A-Z]+)*$/.test(code))).toBe(true);
      expect(codes).toEqual(expect.arrayContaining(['INFORMATION_NOT_SUPPLIED', 'REJECTED_BY_OFFICER']));
      if (name === 'civil-status') expect(codes).toContain('LATE_REGISTRATION');
    },
  );

  const accepted = rejections.flatMap((rejection) =>
    codeLists[rejection.agency].map((code) => ({ ...rejection, name: `${rejection.type} accepts ${code}`, code })),
  );
  it.each(named(accepted))('%s', (_name, { schema, example, code }) => {
    expect(schema.safeParse(withChanges(example, [[['reasonCode'], code]])).success).toBe(true);
  });

  const refused = rejections.flatMap((rejection) => {
    const own = codeLists[rejection.agency];
    const foreign =
      Object.values(codeLists)
        .flat()
        .find((code) => !own.includes(code)) ?? 'NONE';
    return [
      { name: 'an unknown code', value: 'UNKNOWN_REASON' },
      { name: `${foreign}, another agency's code`, value: foreign },
      { name: 'a code in lower case', value: own[0]?.toLowerCase() },
      { name: 'an empty code', value: '' },
      { name: 'a numeric code', value: 1 },
      { name: 'no code', value: REMOVE },
    ].map((row) => ({ ...rejection, ...row, name: `${rejection.type} refuses ${row.name}` }));
  });
  it.each(named(refused))('%s', (_name, { schema, example, value }) => {
    expect(issuesOf(schema, withChanges(example, [[['reasonCode'], value]]))).toContainEqual(
      expect.objectContaining({ path: ['reasonCode'] }),
    );
  });

  it.each(named(rejections))('%s refuses a rejection without a message', (_name, { schema, example }) => {
    expect(issuesOf(schema, withChanges(example, [[['message'], '']]))).toContainEqual(
      expect.objectContaining({ path: ['message'], message: expect.stringContaining('>=1') }),
    );
  });
});

describe('message-specific fields', () => {
  const schemaOf = (agency: AgencyId, type: string) => {
    const found = messages.find((message) => message.agency === agency && message.type === type);
    if (!found) throw new Error(`no ${agency} ${type}`);
    return found;
  };

  it.each(
    named([
      {
        name: 'BirthRegistered with an 11-digit child ID number',
        agency: 'civil-status',
        type: 'BirthRegistered.v1',
        change: [['childPersonalIdNumber'], '00122600012'],
        path: ['childPersonalIdNumber'],
        message: 'must be exactly 12 digits',
      },
      {
        name: 'BirthRegistered with a child ID number of an unknown province',
        agency: 'civil-status',
        type: 'BirthRegistered.v1',
        change: [['childPersonalIdNumber'], '002226000123'],
        path: ['childPersonalIdNumber'],
        message: 'one of the 34 provinces',
      },
      {
        name: 'BirthRegistered with a registration time without time zone',
        agency: 'civil-status',
        type: 'BirthRegistered.v1',
        change: [['registeredAt'], '2026-11-23T09:15:00'],
        path: ['registeredAt'],
        message: 'datetime',
      },
      {
        name: 'BirthRegistered with a registration date only',
        agency: 'civil-status',
        type: 'BirthRegistered.v1',
        change: [['registeredAt'], '2026-11-23'],
        path: ['registeredAt'],
        message: 'datetime',
      },
      {
        name: 'BirthRegistered without a birth certificate number',
        agency: 'civil-status',
        type: 'BirthRegistered.v1',
        change: [['birthCertificateNumber'], ''],
        path: ['birthCertificateNumber'],
        message: '>=1',
      },
      {
        name: 'DeathRegistered without a death extract number',
        agency: 'civil-status',
        type: 'DeathRegistered.v1',
        change: [['deathExtractNumber'], REMOVE],
        path: ['deathExtractNumber'],
        message: 'expected string',
      },
      {
        name: 'CommandReceived with an unknown handling',
        agency: 'civil-status',
        type: 'CommandReceived.v1',
        change: [['handling'], 'auto'],
        path: ['handling'],
        message: 'expected one of',
      },
      {
        name: 'CommandReceived with a due time in words',
        agency: 'residence',
        type: 'CommandReceived.v1',
        change: [['dueAt'], 'tomorrow'],
        path: ['dueAt'],
        message: 'datetime',
      },
      {
        name: 'CommandReceived without a reception time',
        agency: 'social-insurance',
        type: 'CommandReceived.v1',
        change: [['receivedAt'], REMOVE],
        path: ['receivedAt'],
        message: 'expected string',
      },
      {
        name: 'AdditionalInformationRequested with no fields',
        agency: 'civil-status',
        type: 'AdditionalInformationRequested.v1',
        change: [['fields'], []],
        path: ['fields'],
        message: '>=1',
      },
      {
        name: 'AdditionalInformationRequested with an empty field name',
        agency: 'residence',
        type: 'AdditionalInformationRequested.v1',
        change: [['fields'], ['']],
        path: ['fields', 0],
        message: '>=1',
      },
      {
        name: 'AdditionalInformationRequested without a message',
        agency: 'social-insurance',
        type: 'AdditionalInformationRequested.v1',
        change: [['message'], ''],
        path: ['message'],
        message: '>=1',
      },
      {
        name: 'CaseCancelled without the cancelled command',
        agency: 'residence',
        type: 'CaseCancelled.v1',
        change: [['cancelsCommandId'], REMOVE],
        path: ['cancelsCommandId'],
        message: 'expected string',
      },
      {
        name: 'CancelCase without a reason',
        agency: 'civil-status',
        type: 'CancelCase.v1',
        change: [['reason'], ''],
        path: ['reason'],
        message: '>=1',
      },
      {
        name: 'RegisterBirth of a child born in the future',
        agency: 'civil-status',
        type: 'RegisterBirth.v1',
        change: [['child', 'birthDate'], '2999-01-01'],
        path: ['child', 'birthDate'],
        message: 'must not be in the future',
      },
      {
        name: 'RegisterBirth by a neighbour',
        agency: 'civil-status',
        type: 'RegisterBirth.v1',
        change: [['applicant', 'relationship'], 'neighbour'],
        path: ['applicant', 'relationship'],
        message: 'expected one of',
      },
      {
        name: 'RegisterBirth without the birth certificate reference',
        agency: 'civil-status',
        type: 'RegisterBirth.v1',
        change: [['birthCertificateReference'], ''],
        path: ['birthCertificateReference'],
        message: '>=1',
      },
      {
        name: 'RegisterDeath of a person who died in the future',
        agency: 'civil-status',
        type: 'RegisterDeath.v1',
        change: [['deceased', 'dateOfDeath'], '2999-01-01'],
        path: ['deceased', 'dateOfDeath'],
        message: 'must not be in the future',
      },
      {
        name: 'RegisterDeath of a person without an ID number',
        agency: 'civil-status',
        type: 'RegisterDeath.v1',
        change: [['deceased', 'personalIdNumber'], REMOVE],
        path: ['deceased', 'personalIdNumber'],
        message: 'expected string',
      },
      {
        name: 'RegisterPermanentResidence with a short parent ID number',
        agency: 'residence',
        type: 'RegisterPermanentResidence.v1',
        change: [['parentIdNumber'], '12345'],
        path: ['parentIdNumber'],
        message: 'must be exactly 12 digits',
      },
      {
        name: 'RegisterPermanentResidence with a parent ID number of no province',
        agency: 'residence',
        type: 'RegisterPermanentResidence.v1',
        change: [['parentIdNumber'], '999999999999'],
        path: ['parentIdNumber'],
        message: 'must start with the code of one of the 34 provinces',
      },
      {
        name: 'RegisterDeath of a woman with a male ID digit',
        agency: 'civil-status',
        type: 'RegisterDeath.v1',
        change: [['deceased', 'sex'], 'female'],
        path: ['deceased', 'personalIdNumber'],
        message: 'rule 1',
      },
      {
        name: 'DecideFuneralAllowance for a death before the birth',
        agency: 'social-insurance',
        type: 'DecideFuneralAllowance.v1',
        change: [['deceased', 'dateOfDeath'], '1900-01-01'],
        path: ['deceased', 'dateOfDeath'],
        message: 'must not be before the birth date',
      },
      {
        name: 'RegisterPermanentResidence without the parent’s confirmation',
        agency: 'residence',
        type: 'RegisterPermanentResidence.v1',
        change: [['residence', 'parentConfirmed'], false],
        path: ['residence', 'parentConfirmed'],
        message: 'the parent must confirm',
      },
      {
        name: 'RegisterPermanentResidence with an invalid child ID number',
        agency: 'residence',
        type: 'RegisterPermanentResidence.v1',
        change: [['birthRegistration', 'childPersonalIdNumber'], 'ABC'],
        path: ['birthRegistration', 'childPersonalIdNumber'],
        message: 'must be exactly 12 digits',
      },
      {
        name: 'RegisterPermanentResidence at an address with a district',
        agency: 'residence',
        type: 'RegisterPermanentResidence.v1',
        change: [['residence', 'address', 'district'], 'Quận 1'],
        path: ['residence', 'address'],
        message: 'district',
      },
      {
        name: 'DeletePermanentResidence without the death registration',
        agency: 'residence',
        type: 'DeletePermanentResidence.v1',
        change: [['deathRegistration'], REMOVE],
        path: ['deathRegistration'],
        message: 'expected object',
      },
      {
        name: 'IssueHealthInsuranceCard without the birth registration result',
        agency: 'social-insurance',
        type: 'IssueHealthInsuranceCard.v1',
        change: [['birthRegistration', 'birthCertificateNumber'], ''],
        path: ['birthRegistration', 'birthCertificateNumber'],
        message: '>=1',
      },
      {
        name: 'DecideFuneralAllowance for an applicant who may not apply',
        agency: 'social-insurance',
        type: 'DecideFuneralAllowance.v1',
        change: [['applicant', 'relationship'], 'friend'],
        path: ['applicant', 'relationship'],
        message: 'expected one of',
      },
      {
        name: 'DecideSurvivorBenefit without relatives',
        agency: 'social-insurance',
        type: 'DecideSurvivorBenefit.v1',
        change: [['survivors'], []],
        path: ['survivors'],
        message: '>=1',
      },
      {
        name: 'DecideSurvivorBenefit without the representative',
        agency: 'social-insurance',
        type: 'DecideSurvivorBenefit.v1',
        change: [['representativeIdNumber'], REMOVE],
        path: ['representativeIdNumber'],
        message: 'expected string',
      },
      {
        name: 'HealthInsuranceCardIssued with a 9-digit social-insurance number',
        agency: 'social-insurance',
        type: 'HealthInsuranceCardIssued.v1',
        change: [['socialInsuranceNumber'], '012600012'],
        path: ['socialInsuranceNumber'],
        message: 'Invalid string',
      },
      {
        name: 'HealthInsuranceCardIssued valid to 31 September',
        agency: 'social-insurance',
        type: 'HealthInsuranceCardIssued.v1',
        change: [['validTo'], '2032-09-31'],
        path: ['validTo'],
        message: 'must be a date written YYYY-MM-DD',
      },
      {
        name: 'FuneralAllowanceDecided with a negative amount',
        agency: 'social-insurance',
        type: 'FuneralAllowanceDecided.v1',
        change: [['amountVnd'], -23_400_000],
        path: ['amountVnd'],
        message: 'must not be negative',
      },
      {
        name: 'FuneralAllowanceDecided with a fraction of a đồng',
        agency: 'social-insurance',
        type: 'FuneralAllowanceDecided.v1',
        change: [['amountVnd'], 23_400_000.5],
        path: ['amountVnd'],
        message: 'must be a whole number of đồng',
      },
      {
        name: 'SurvivorBenefitDecided with a representative of an unknown province',
        agency: 'social-insurance',
        type: 'SurvivorBenefitDecided.v1',
        change: [['representativeIdNumber'], '999180054321'],
        path: ['representativeIdNumber'],
        message: 'one of the 34 provinces',
      },
    ] as const),
  )('refuses %s', (_name, { agency, type, change, path, message }) => {
    const { schema, example } = schemaOf(agency, type);
    expect(issuesOf(schema, withChanges(example, [change]))).toContainEqual(
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    );
  });
});

describe('CloudEventAttributes', () => {
  const valid = {
    id: `${dossierId}/register-birth/1`,
    source: 'lienthong/orchestrator',
    type: 'RegisterBirth.v1',
    specversion: '1.0',
    subject: dossierId,
    time: '2026-11-23T02:15:00.000Z',
    datacontenttype: 'application/json',
  };

  it('maps every attribute to a Kafka header', () => {
    expect(Object.keys(cloudEventHeaders).sort()).toEqual(Object.keys(valid).sort());
  });

  it.each(
    named([
      { name: 'a UTC time', change: [] },
      { name: 'a time with the Vietnam offset', change: [[['time'], '2026-11-23T09:15:00+07:00']] },
      { name: 'a two-digit version', change: [[['type'], 'RegisterBirth.v12']] },
      { name: 'a 200-character id', change: [[['id'], 'x'.repeat(200)]] },
    ] as const),
  )('accepts %s', (_name, { change }) => {
    const input = withChanges(valid, change);
    expect(CloudEventAttributes.safeParse(input)).toEqual({ success: true, data: input });
  });

  it.each(
    named([
      {
        name: 'an unversioned type',
        change: [['type'], 'RegisterBirth'],
        path: ['type'],
        message: 'must be a versioned type name',
      },
      {
        name: 'a type starting with a digit',
        change: [['type'], '1RegisterBirth.v1'],
        path: ['type'],
        message: 'must be a versioned type name',
      },
      {
        name: 'a type with a dash',
        change: [['type'], 'Register-Birth.v1'],
        path: ['type'],
        message: 'must be a versioned type name',
      },
      {
        name: 'a type with a text version',
        change: [['type'], 'RegisterBirth.vOne'],
        path: ['type'],
        message: 'must be a versioned type name',
      },
      {
        name: 'a reverse-DNS type',
        change: [['type'], 'vn.gov.RegisterBirth.v1'],
        path: ['type'],
        message: 'must be a versioned type name',
      },
      { name: 'spec version 0.3', change: [['specversion'], '0.3'], path: ['specversion'], message: '"1.0"' },
      { name: 'spec version as a number', change: [['specversion'], 1], path: ['specversion'], message: '"1.0"' },
      { name: 'a time without zone', change: [['time'], '2026-11-23T09:15:00'], path: ['time'], message: 'datetime' },
      { name: 'a time with a space', change: [['time'], '2026-11-23 09:15:00Z'], path: ['time'], message: 'datetime' },
      {
        name: 'a text content type',
        change: [['datacontenttype'], 'text/plain'],
        path: ['datacontenttype'],
        message: 'application/json',
      },
      { name: 'an empty subject', change: [['subject'], ''], path: ['subject'], message: '>=1' },
      { name: 'an empty id', change: [['id'], ''], path: ['id'], message: '>=1' },
      { name: 'a 201-character source', change: [['source'], 'x'.repeat(201)], path: ['source'], message: '<=200' },
      { name: 'no source', change: [['source'], REMOVE], path: ['source'], message: 'expected string' },
      {
        name: 'an extension attribute',
        change: [['dataschema'], 'https://schemas/x'],
        path: [],
        message: 'dataschema',
      },
    ] as const),
  )('refuses %s', (_name, { change, path, message }) => {
    expect(issuesOf(CloudEventAttributes, withChanges(valid, [change]))).toContainEqual(
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    );
  });

  it('parses or explains any value (property)', () => {
    fc.assert(
      fc.property(anything, (input) => void parsesOrExplains(CloudEventAttributes, input)),
      { numRuns: 500 },
    );
  });

  it('parses or explains mutated valid attributes (property)', () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(mutationsOf(valid), (input) => {
        outcomes[parsesOrExplains(CloudEventAttributes, input) ? 'accepted' : 'refused'] += 1;
      }),
      { numRuns: 500 },
    );
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.accepted).toBeGreaterThan(0);
  });
});

describe('agency message unions never throw (property-based)', () => {
  const unions = named(catalogue.map((entry) => ({ ...entry, name: topicOf(entry) })));

  it.each(unions)(
    '%s: any type and any data either parse, yield a ZodError, or are an unknown type',
    (_name, entry) => {
      const spec = topicSpec(topicOf(entry));
      const types = Object.keys(entry.schemas);
      // Object.prototype names are left out of the random types: encodeEvent looks types up with a plain index (see the report).
      const randomType = fc.string().filter((type) => !(type in {}));
      fc.assert(
        fc.property(fc.oneof(fc.constantFrom(...types), randomType), anything, (type, data) => {
          if (!Object.hasOwn(spec.messages, type)) {
            expect(() => encodeEvent(spec, { type, subject: dossierId, source: 'test', data })).toThrow(
              UnknownMessageTypeError,
            );
            return;
          }
          const schema = spec.messages[type];
          expect(schema).toBeDefined();
          if (schema) parsesOrExplains(schema, data);
        }),
        { numRuns: 500 },
      );
    },
  );

  it.each(unions)('%s: mutated valid examples parse or yield a ZodError', (_name, entry) => {
    const outcomes = { accepted: 0, refused: 0 };
    const typed = fc
      .constantFrom(...Object.keys(entry.schemas))
      .chain((type) => mutationsOf(entry.examples[type]).map((data) => ({ type, data })));
    fc.assert(
      fc.property(typed, ({ type, data }) => {
        const schema = entry.schemas[type];
        expect(schema).toBeDefined();
        if (schema) outcomes[parsesOrExplains(schema, data) ? 'accepted' : 'refused'] += 1;
      }),
      { numRuns: 500 },
    );
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
