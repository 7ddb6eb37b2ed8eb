import { TextEncoder } from 'node:util';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { DossierStatusView } from '../../../contracts/dossier-status';
import type { BackOffice } from '../../../contracts/back-office';
import { AuditWriteError, type AuditEntry, type AuditEntryInput, type AuditLog } from '../../../platform/audit';
import { createTokenVerifier, issueDevelopmentToken } from '../../../platform/auth';
import { createLogger } from '../../../platform/logger';
import { buildApi, type ApiOptions } from '../../../web/app';
import { devUsers } from '../../../web/auth';
import { visibilityQuery, type DossierGateway } from '../../../web/dossiers';
import { catalogue, labelled } from '../../../contracts/procedures';
import { createNotificationHub } from '../../../web/notifications';
import { demoCitizens } from '../../../contracts/population-generator';
import { fakeNationalRegistry } from '../agencies/support';
import type { DeadLetterOperations } from '../../../ops/dead-letters/service';
import { demoPeople } from '../../../contracts/demo-citizens';
import type { DeliveredMessage } from '../../../contracts/notifications';

/** What the notifications service told Lan about her dossier: the result by e-mail, then the request by SMS before it. */
export const lanMessages: DeliveredMessage[] = [
  {
    dossierId: 'HS-20261123-LAN0000001',
    kind: 'dossier-finished',
    channel: 'email',
    recipientHint: 'l••@example.vn',
    language: 'vi',
    subject: 'Hồ sơ đã có kết quả: Đã trả kết quả',
    text: 'Hồ sơ HS-20261123-LAN0000001\n\nHồ sơ của bạn đã kết thúc với trạng thái: Đã trả kết quả.',
    state: 'sent',
    createdAt: '2026-11-24T03:00:00.000Z',
    sentAt: '2026-11-24T03:00:01.000Z',
  },
  {
    dossierId: 'HS-20261123-LAN0000001',
    kind: 'information-requested',
    channel: 'sms',
    recipientHint: '•••••0001',
    language: 'vi',
    subject: null,
    text: 'Ho so HS-20261123-LAN0000001: Can bo sung thong tin cho ho so (Dang ky thuong tru). Han: 02/12/2026 17:00.',
    state: 'sent',
    createdAt: '2026-11-23T03:00:00.000Z',
    sentAt: '2026-11-23T03:00:01.000Z',
  },
];

/**
 * The api over in-memory fakes of Temporal, the back offices and the audit log: for the role
 * matrix and the fuzz test, which are about the http layer. The real stack is tested in
 * test/integration/api.test.ts.
 */
export const secret = new TextEncoder().encode('unit-test-secret-of-at-least-32-bytes!!');
export const auth = { issuer: 'lienthong-test', audience: 'lienthong-api', secret };

export const lanDossier = 'HS-20261123-LAN0000001';
export const otherDossier = 'HS-20261123-OTHER00001';
/** Lan's dossier that has ended: its workflow is closed, so Temporal answers updates to it "not found". */
export const lanClosedDossier = 'HS-20261123-LANDONE001';

const view = (dossierId: string, citizenId: string): DossierStatusView => ({
  dossierId,
  procedure: 'birth-bundle',
  citizenId,
  status: 'processing',
  submittedAt: '2026-11-23T01:00:00.000Z',
  updatedAt: '2026-11-23T01:00:00.000Z',
  steps: [{ stepId: 'register-birth', agency: 'civil-status', status: 'in-progress', attempts: 1 }],
  operatorActions: [],
  ignoredEvents: 0,
});

/** The local Temporal Web UI's origin, which the fake api allows to call the codec endpoint. */
export const uiOrigin = 'http://127.0.0.1:8233';

export async function fakeApi({
  codec,
  deadLetters,
  ...options
}: Partial<ApiOptions> & { codec?: PayloadCodec; deadLetters?: DeadLetterOperations } = {}) {
  const dossiers = new Map([
    [
      lanDossier,
      view(
        lanDossier,
        devUsers['citizen-lan']!.role === 'citizen'
          ? (devUsers['citizen-lan'] as { personalIdNumber: string }).personalIdNumber
          : '',
      ),
    ],
    [otherDossier, view(otherDossier, '001180054321')],
  ]);
  dossiers.set(lanClosedDossier, {
    ...view(lanClosedDossier, dossiers.get(lanDossier)!.citizenId),
    status: 'result-returned',
  });
  /** What reached Temporal or a back office, in order, next to the audit rows written. */
  const carriedOut: string[] = [];
  /** Set to make every audit append fail, as a database outage would. */
  const auditDown = { value: false };
  const notFound = () => Object.assign(new Error('not found'), { name: 'WorkflowNotFoundError' });
  const handle = (id: string) => ({
    executeUpdate: async () => {
      carriedOut.push(`update ${id}`);
      if (!dossiers.has(id) || id === lanClosedDossier) throw notFound();
      return labelled(catalogue, dossiers.get(id)!);
    },
    terminate: async () => void carriedOut.push(`terminate ${id}`),
    describe: async () => {
      if (!dossiers.has(id)) throw notFound();
      return {
        status: { name: 'RUNNING' },
        runId: 'run-1',
        historyLength: 10,
        startTime: new Date(),
        closeTime: undefined,
        raw: { pendingActivities: [], pendingWorkflowTask: null },
      };
    },
    fetchHistory: async () => ({ events: [] }),
  });
  const gateway = {
    client: {} as Client,
    catalogue,
    query: (filters: Parameters<typeof visibilityQuery>[1]) => visibilityQuery(catalogue, filters),
    submit: async () => ({ dossierId: 'HS-20261123-NEW0000001', created: true }),
    list: async () => [],
    page: async () => ({ rows: [] }),
    search: async () => [],
    mine: async () => [],
    count: async () => 0,
    view: async (id: string) => {
      if (!dossiers.has(id)) throw notFound();
      return labelled(catalogue, dossiers.get(id)!);
    },
    handle,
  } as unknown as DossierGateway;
  const tasks = [
    {
      taskId: 'HS-1/register-birth/1',
      dossierId: 'HS-1',
      stepId: 'register-birth',
      commandType: 'RegisterBirth.v1',
      status: 'awaiting-worker',
      flags: [],
      dueAt: new Date(),
      claimedBy: null,
      createdAt: new Date(),
    },
  ];
  const office = {
    listTasks: async () => tasks,
    task: async (taskId: string) => tasks.find((t) => t.taskId === taskId),
    claim: async (taskId: string) => carriedOut.push(`claim ${taskId}`) > 0,
    release: async (taskId: string) => carriedOut.push(`release ${taskId}`) > 0,
    complete: async (taskId: string) => carriedOut.push(`complete ${taskId}`) > 0,
    dataAccess: async () => [],
    outboxLag: async () => ({ unpublished: 0, oldestAgeSeconds: null, waiting: [] }),
  } as unknown as BackOffice;
  const entries: AuditEntry[] = [];
  const audit = {
    migrate: async () => undefined,
    append: async (input: AuditEntryInput) => {
      if (auditDown.value) throw new AuditWriteError(new Error('the audit database is down'));
      carriedOut.push(`audit ${input.action}`);
      const entry = {
        ...input,
        details: input.details ?? {},
        id: entries.length + 1,
        at: new Date().toISOString(),
      } as AuditEntry;
      entries.push(entry);
      return entry;
    },
    list: async () => entries,
  } as unknown as AuditLog;
  const app = await buildApi({
    context: {
      catalogue,
      dossiers: gateway,
      notifications: createNotificationHub(),
      backOffices: { 'civil-status': office, residence: office, 'social-insurance': office },
      audit,
      registry: fakeNationalRegistry(new Map(demoCitizens.map((c) => [c.personalId, c]))),
      namespace: 'default',
      codec: codec ?? { encode: async (p) => p, decode: async (p) => p },
      deadLetters,
      messages: {
        forCitizen: async (personalIdNumber) => (personalIdNumber === demoPeople.lan.personalId ? lanMessages : []),
        counts: async () => [{ channel: 'email', state: 'sent', count: 1 }],
      },
    },
    verifier: createTokenVerifier(auth),
    devLogin: auth,
    log: createLogger({ level: 'silent', format: 'json' }),
    bodyLimitBytes: 64 * 1024,
    rateLimitPerMinute: 1_000_000,
    corsOrigins: [uiOrigin],
    ready: async () => ({ temporal: true, kafka: true, postgres: true }),
    ...options,
  });
  const tokens = Object.fromEntries(
    await Promise.all(
      Object.entries(devUsers).map(async ([name, principal]) => [name, await issueDevelopmentToken(principal, auth)]),
    ),
  ) as Record<string, string>;
  return { app, tokens, audit: entries, carriedOut, auditDown };
}
