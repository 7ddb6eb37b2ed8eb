import { z } from 'zod';

/**
 * Personal data is declared once, on the schema of the value or field that carries it (names, ID
 * numbers, addresses, dates of birth and death, households), with `personal(schema)`. The mark
 * travels with the schema wherever it is reused, shows in the generated JSON Schemas as
 * `"x-personal": true`, and a unit test refuses a message field whose name looks personal without it.
 */
export const personalMeta = { 'x-personal': true } as const;

/** Marks a schema as personal data. */
export const personal = <T extends z.ZodType>(schema: T): T => schema.meta(personalMeta) as T;

/** Whether the schema itself (not its fields) is marked personal. */
export function isPersonal(schema: z.ZodType): boolean {
  return z.globalRegistry.get(schema)?.['x-personal'] === true;
}

/** One field of a message, by path (`applicant.fullName`, `survivors[].personalIdNumber`). */
export interface FieldInfo {
  path: string;
  personal: boolean;
}

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Every field of a schema, with whether it is personal (marked itself, through a wrapper such as
 * `.optional()`, or inside a marked object). Unions, arrays, records and pipes are looked through.
 */
export function messageFields(schema: z.ZodType, path = '', inherited = false): FieldInfo[] {
  const marked = inherited || isPersonal(schema);
  const def = defOf(schema);
  const inner = (s: unknown, p = path) => messageFields(s as z.ZodType, p, marked);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([name, field]) => {
        const fieldPath = path ? `${path}.${name}` : name;
        const below = messageFields(field, fieldPath, marked);
        const self = { path: fieldPath, personal: marked || fieldIsPersonal(field) };
        return [self, ...below.filter((b) => b.path !== fieldPath)];
      });
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner(def.innerType);
    case 'array':
      return inner(def.element, `${path}[]`);
    case 'record':
      return inner(def.valueType, `${path}{}`);
    case 'pipe':
      return [...inner(def.in), ...inner(def.out)];
    case 'union':
      return (def.options as z.ZodType[]).flatMap((o) => inner(o));
    case 'intersection':
      return [...inner(def.left), ...inner(def.right)];
    default:
      return [];
  }
}

/** A field is personal when it, or any wrapper between it and its value, is marked. */
function fieldIsPersonal(schema: z.ZodType): boolean {
  for (let current: z.ZodType | undefined = schema; current;) {
    if (isPersonal(current)) return true;
    const def = defOf(current);
    current = (def.innerType ?? (def.type === 'pipe' ? def.in : undefined)) as z.ZodType | undefined;
  }
  return false;
}

/** Field names that say they hold personal data; a message field named so must be marked `personal`. */
export const personalLookingName =
  /(fullName|personalId|IdNumber|InsuranceNumber|birthDate|dateOfBirth|dateOfDeath|birthPlace|placeOfDeath|address|street|commune|household|citizenId)$/i;

/** The fields of a schema whose names look personal but that are not marked: what the unit test refuses. */
export function unmarkedPersonalFields(schema: z.ZodType): string[] {
  return messageFields(schema)
    .filter((field) => !field.personal && personalLookingName.test(field.path.replace(/(\[\]|\{\})+$/, '')))
    .map((field) => field.path);
}
