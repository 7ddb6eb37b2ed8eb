import type { z } from 'zod';
import type { RegisterBirth, RegisterDeath } from '../../contracts/agency-messages/civil-status';
import type { Queryable } from '../../platform/database';
import { InvalidDecisionError } from '../runtime/decider';
import type { Decision } from '../runtime/handlers';

/**
 * The civil-status book: each birth and each death is registered once, whichever dossier asks. The
 * unique keys make a claim race-safe: a second claim of the same birth waits for the first case's
 * transaction and then finds the key taken, so two cases decided at the same moment cannot both win.
 */
export const registrationTables = `
  create table if not exists registrations (
    kind text not null,
    key text not null,
    alternate_key text,
    dossier_id text not null,
    step_id text not null,
    command_id text not null,
    result jsonb,
    registered_at timestamptz not null default now(),
    primary key (kind, key),
    unique (kind, alternate_key)
  );`;

/** What identifies one birth or one death in the book; a birth has a second key when the mother is named. */
export interface Identity {
  kind: 'birth' | 'death';
  key: string;
  alternateKey: string | null;
}

type Routing = { dossierId: string; stepId: string; commandId: string };
interface Holder {
  dossierId: string;
  stepId: string;
  result: unknown;
}
/** Who holds a registration: this dossier's step (an earlier attempt of it), another dossier, or nobody. */
interface Held {
  mine?: Holder;
  other?: Holder;
}

const nameKey = (name: string) => name.normalize('NFC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('vi');

/** A birth is its hospital birth certificate (one per birth), and its mother, birth date and name. */
export const birthIdentity = ({ birthCertificateReference, mother, child }: RegisterBirth): Identity => ({
  kind: 'birth',
  key: birthCertificateReference.trim().toUpperCase(),
  alternateKey: mother ? [mother.personalIdNumber, child.birthDate, nameKey(child.fullName)].join('/') : null,
});

/** A death is the person's: one death registration per personal ID number. */
export const deathIdentity = ({ deceased }: RegisterDeath): Identity => ({
  kind: 'death',
  key: deceased.personalIdNumber,
  alternateKey: null,
});

async function heldBy(db: Queryable, identity: Identity, command: Routing): Promise<Held> {
  const { rows } = await db.query<{ dossier_id: string; step_id: string; result: unknown }>(
    'select dossier_id, step_id, result from registrations where kind = $1 and (key = $2 or alternate_key = $3)',
    [identity.kind, identity.key, identity.alternateKey],
  );
  const holders = rows.map((r) => ({ dossierId: r.dossier_id, stepId: r.step_id, result: r.result }));
  const isMine = (h: Holder) => h.dossierId === command.dossierId && h.stepId === command.stepId;
  return { mine: holders.find(isMine), other: holders.find((h) => !isMine(h)) };
}

/** Takes the registration for this dossier's step in the case's transaction; says who holds it after. */
async function claim(db: Queryable, identity: Identity, command: Routing): Promise<Held> {
  await db.query(
    'insert into registrations (kind, key, alternate_key, dossier_id, step_id, command_id) values ($1, $2, $3, $4, $5, $6) on conflict do nothing',
    [identity.kind, identity.key, identity.alternateKey, command.dossierId, command.stepId, command.commandId],
  );
  return heldBy(db, identity, command);
}

/**
 * Decides a registration that happens once: a re-sent attempt of a step already registered is
 * approved again (its carry-out answers with the same numbers); the rules learn whether another
 * dossier registered it; an approval claims it, and a claim lost to a concurrent case is `duplicate`.
 */
export async function decideOnce<Result, Code extends string>(
  db: Queryable,
  identity: Identity,
  command: Routing,
  rules: (registeredElsewhere: boolean) => Promise<Decision<Result, Code>>,
  duplicate: Extract<Decision<Result, Code>, { outcome: 'rejected' }>,
  again: Result,
): Promise<Decision<Result, Code>> {
  const held = await heldBy(db, identity, command);
  if (held.mine?.result) return { outcome: 'approved', result: again };
  const decision = await rules(held.other !== undefined);
  if (decision.outcome !== 'approved') return decision;
  return (await claim(db, identity, command)).other ? duplicate : decision;
}

/**
 * Carries out a registration once: claims it (a worker's approval has not yet), answers an earlier
 * attempt of the same step with its recorded result, else registers and records the result.
 */
export async function carryOutOnce<Result extends Record<string, unknown>>(
  db: Queryable,
  identity: Identity,
  command: Routing,
  recorded: z.ZodType<Result>,
  register: () => Promise<Result>,
): Promise<Result> {
  const held = await claim(db, identity, command);
  if (held.other)
    throw new InvalidDecisionError(`this ${identity.kind} is already registered in another dossier: reject the case`);
  if (held.mine?.result) return recorded.parse(held.mine.result);
  const result = await register();
  await db.query('update registrations set result = $4 where kind = $1 and dossier_id = $2 and step_id = $3', [
    identity.kind,
    command.dossierId,
    command.stepId,
    JSON.stringify(result),
  ]);
  return result;
}
