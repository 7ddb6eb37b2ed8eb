import { z } from 'zod';

/**
 * Who looked at a citizen's record, and why (Estonia's Data Tracker): every read of a person's
 * record in the national population database, whether the registry answers it or an agency's
 * read model does, is logged by whoever holds the copy read. The citizen sees the reads of their
 * own record through `GET /api/me/data-access`.
 */

/** Why a record was read. */
export const dataAccessPurposes = [
  /** The citizen looked at their own record (`GET /api/me`). */
  'own-record',
  /** A relative looked at their own record, which names you (spouse, parent, child, household). */
  'family-record',
  /** The api checked the people an application names before accepting it. */
  'application-check',
  /** An agency decided a case by its rules, or a worker decided it. */
  'case-decision',
  /** The notifications service read the contact details it tells the citizen at about a dossier. */
  'notification',
] as const;
export const DataAccessPurpose = z.enum(dataAccessPurposes);
export type DataAccessPurpose = z.infer<typeof DataAccessPurpose>;

/** Who reads and for what: passed with every read, so the holder of the copy can log it. */
export const AccessContext = z.strictObject({
  /** The person who read (a worker, an operator, the citizen), or `rules` for an agency's automatic decision. */
  actor: z.string().min(1).max(200),
  /** The organisation that read: an agency id, or `portal` for the api. */
  organisation: z.string().min(1).max(60),
  /** The dossier the read was for, when there is one. */
  dossierId: z.string().min(1).max(300).optional(),
  purpose: DataAccessPurpose,
});
export type AccessContext = z.infer<typeof AccessContext>;

/** One logged read of a person's record. */
export const DataAccessRecord = AccessContext.extend({
  /** Which copy was read: the registry itself or an agency's read model of it. */
  holder: z.string().min(1).max(60),
  at: z.iso.datetime({ offset: true }),
});
export type DataAccessRecord = z.infer<typeof DataAccessRecord>;

/** Where a holder keeps its log: one table, the same in the registry's database and every agency's. */
export const dataAccessTableDdl = `
  create table if not exists data_access (
    id bigserial primary key,
    personal_id text not null,
    actor text not null,
    organisation text not null,
    dossier_id text,
    purpose text not null,
    at timestamptz not null default now()
  );
  create index if not exists data_access_by_person on data_access (personal_id, at desc);`;
