import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Problem } from '../../contracts/api';
import type { Me, MePerson } from '../../contracts/me';
import type { Catalogue, Labels } from '../../contracts/procedures';
import type { ProcedureInputBase } from '../../contracts/procedures/define';
import { messages, parseTypedDate, type Message } from './i18n';

/**
 * Form posts as applications: the fields a citizen typed, merged with what the population
 * registry filled (read again at the post, never trusted from hidden fields), validated by the
 * catalogue's schema, with each problem put next to its field in the citizen's language.
 */

/** A urlencoded body: every value a string (a repeated name keeps its values as an array). */
export type FormBody = Record<string, string | string[] | undefined>;
/** Problems by field path (`child.birthDate`); `''` holds those of no field of this form. */
export type FieldErrors = Record<string, Labels>;

export const one = (body: FormBody, name: string): string => {
  const value = body[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
};
export const all = (body: FormBody, name: string): string[] => {
  const value = body[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

/** The per-form Idempotency-Key: the one the form carried (a double submission repeats it), else a new one. */
export const formKey = (body?: FormBody): string => {
  const carried = body ? one(body, 'formKey') : '';
  return /^[A-Za-z0-9-]{8,100}$/.test(carried) ? carried : randomUUID();
};

/** Which of the pages' messages a schema issue means; anything unforeseen is "not valid". */
function messageFor(issue: z.core.$ZodIssue): Message {
  const text = issue.message;
  const last = String(issue.path.at(-1) ?? '');
  if (issue.code === 'invalid_type' || (issue.code === 'too_small' && issue.minimum === 1)) return 'required';
  if (issue.code === 'invalid_value' || issue.code === 'invalid_union') return 'choose';
  if (issue.code === 'too_big') return 'tooLong';
  if (issue.code === 'too_small') return 'tooShort';
  if (/future/.test(text)) return 'future';
  if (/before the birth date/.test(text)) return 'beforeBirth';
  if (/commune/.test(text)) return 'commune';
  if (/under \d/.test(text)) return 'childTooOld';
  if (/confirm/.test(text) && last === 'parentConfirmed') return 'confirm';
  if (last === 'representativeIdNumber') return 'representative';
  if (last === 'survivors') return 'survivors';
  if (/YYYY-MM-DD/.test(text)) return 'date';
  if (last === 'fullName' && issue.code === 'invalid_format') return 'name';
  return 'invalid';
}

/** Schema issues as field errors; the first problem of a field is the one shown. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], into: FieldErrors = {}): FieldErrors {
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    into[path] ??= messages[messageFor(issue)];
  }
  return into;
}

/** The api's refusal of a submission (a 409 for the same birth or death, a 422 from the registry check) as field errors. */
export function problemToErrors(problem: Pick<Problem, 'status' | 'errors'>): FieldErrors {
  const errors: FieldErrors = {};
  for (const error of problem.errors ?? []) {
    const path = error.path.replace(/^body\./, '');
    errors[path.startsWith('headers.') ? '' : path] ??= messages[problem.status === 409 ? 'duplicate' : 'registry'];
  }
  if (Object.keys(errors).length === 0) errors[''] = messages.invalid;
  return errors;
}

/** An address picked on the form, under `prefix` (`child.birthPlace`). */
const address = (body: FormBody, prefix: string) => ({
  provinceCode: one(body, `${prefix}.provinceCode`),
  commune: one(body, `${prefix}.commune`),
  street: one(body, `${prefix}.street`),
});

/** A typed date as YYYY-MM-DD, or an error for its field. */
function date(body: FormBody, name: string, errors: FieldErrors): string | undefined {
  const typed = one(body, name);
  if (!typed) return undefined;
  const parsed = parseTypedDate(typed);
  if (!parsed) errors[name] = messages.date;
  return parsed;
}

/** A validated application ready to submit, or the problems to show. */
export interface Parsed {
  input?: ProcedureInputBase;
  errors: FieldErrors;
}

function validate(catalogue: Catalogue, application: unknown, errors: FieldErrors): Parsed {
  const parsed = catalogue.input.safeParse(application);
  if (!parsed.success) issuesToErrors(parsed.error.issues, errors);
  return Object.keys(errors).length > 0 || !parsed.success ? { errors } : { input: parsed.data, errors };
}

/** The birth bundle from the form: the child and the certificate typed, the rest from the registry. */
export function birthApplication(catalogue: Catalogue, me: Me, body: FormBody): Parsed {
  const form = me.forms['birth-bundle'];
  const errors: FieldErrors = {};
  if (!form) return { errors: { '': messages.invalid } };
  const residence = form.residence ?? {
    address: address(body, 'residence.address'),
    parent: form.applicant.relationship,
    householdHeadConsent: one(body, 'residence.householdHeadConsent') === 'yes',
    ownerConsent: one(body, 'residence.ownerConsent') === 'yes',
  };
  const application = {
    procedure: 'birth-bundle',
    ...form,
    child: {
      fullName: one(body, 'child.fullName'),
      sex: one(body, 'child.sex') || undefined,
      birthDate: date(body, 'child.birthDate', errors),
      birthPlace: address(body, 'child.birthPlace'),
    },
    birthCertificateReference: one(body, 'birthCertificateReference'),
    residence: { ...residence, parentConfirmed: one(body, 'residence.parentConfirmed') === 'yes' },
  };
  return validate(catalogue, application, errors);
}

/** A relative of the deceased who may confirm the family's representative (rule 9). */
export interface SurvivorChoice {
  person: Pick<MePerson, 'personalIdNumber' | 'fullName'>;
  relationship: 'spouse' | 'child' | 'parent';
}

/**
 * The deceased's relatives the registry shows the applicant: the applicant, and (assumed, the
 * registry links no in-laws) the applicant's other parent as the spouse of a deceased parent, the
 * applicant's children as children of a deceased spouse, the applicant's spouse as the other parent
 * of a deceased child.
 */
export function survivorChoices(me: Me, deceasedId: string): SurvivorChoice[] {
  const candidate = me.forms['death-bundle'].candidates.find((c) => c.deceased.personalIdNumber === deceasedId);
  if (!candidate) return [];
  const living = (people: readonly MePerson[]) => people.filter((p) => p.alive && p.personalIdNumber !== deceasedId);
  const self: SurvivorChoice = { person: me.citizen, relationship: candidate.applicantRelationship };
  const others: SurvivorChoice[] =
    candidate.applicantRelationship === 'child'
      ? living(me.parents).map((person) => ({ person, relationship: 'spouse' }))
      : candidate.applicantRelationship === 'spouse'
        ? living(me.children).map((person) => ({ person, relationship: 'child' }))
        : living(me.spouse ? [me.spouse] : []).map((person) => ({ person, relationship: 'parent' }));
  return [self, ...others];
}

/** The death bundle from the form, for the relative chosen on the first question. */
export function deathApplication(catalogue: Catalogue, me: Me, deceasedId: string, body: FormBody): Parsed {
  const form = me.forms['death-bundle'];
  const candidate = form.candidates.find((c) => c.deceased.personalIdNumber === deceasedId);
  if (!candidate) return { errors: { deceased: messages.choose } };
  const errors: FieldErrors = {};
  const variant = Number(one(body, 'variant')) || undefined;
  const ticked = new Set(all(body, 'survivors'));
  const survivors =
    variant === 4
      ? survivorChoices(me, deceasedId)
          .filter((choice) => ticked.has(choice.person.personalIdNumber))
          .map(({ person, relationship }) => ({
            personalIdNumber: person.personalIdNumber,
            fullName: person.fullName,
            relationship,
            confirmsRepresentative: true,
          }))
      : [];
  const application = {
    procedure: 'death-bundle',
    variant,
    applicant: { ...form.applicant, relationship: candidate.applicantRelationship },
    deceased: {
      ...candidate.deceased,
      dateOfDeath: date(body, 'deceased.dateOfDeath', errors),
      placeOfDeath: address(body, 'deceased.placeOfDeath'),
      occupationalCause: one(body, 'deceased.occupationalCause') === 'yes',
    },
    deathNoticeReference: one(body, 'deathNoticeReference'),
    survivors,
    representativeIdNumber: variant === 4 ? one(body, 'representativeIdNumber') || undefined : undefined,
  };
  return validate(catalogue, application, errors);
}
