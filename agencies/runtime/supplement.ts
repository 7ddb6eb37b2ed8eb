import { z } from 'zod';

/** A command with the citizen's answers in place, or the one answer that cannot be used and why. */
export type Supplemented =
  { ok: true; command: Record<string, unknown> } | { ok: false; field: string; listed: boolean; message: string };

/** Yes and no as a citizen may write them on the form (Vietnamese or English). */
const yesNo: Record<string, boolean> = { true: true, false: false, có: true, không: false, yes: true, no: false };

/**
 * Puts what the citizen supplied (rule 10) into the command the agency decides on: each key is a dot
 * path to one of the service's information fields, each text answer becomes the value the command's
 * schema expects there (text, yes/no, a number, or JSON for an object such as an address), and the
 * whole command must still fit the schema. Pure: the runtime turns a refusal into a new request.
 */
export function applySupplement(
  command: Record<string, unknown>,
  schema: z.ZodType,
  informationFields: Record<string, unknown>,
): Supplemented {
  const supplement = command.supplement as Record<string, string> | undefined;
  if (!supplement || Object.keys(supplement).length === 0) return { ok: true, command };
  const supplemented = structuredClone(command);
  for (const [field, text] of Object.entries(supplement)) {
    if (!Object.hasOwn(informationFields, field))
      return {
        ok: false,
        field,
        listed: false,
        message: `"${field}" is not information this step asks for; it may ask for ${Object.keys(informationFields).join(', ')}`,
      };
    const path = field.split('.');
    const expected = schemaAt(schema, path);
    if (!expected) return { ok: false, field, listed: true, message: `"${field}" is not a field of this command` };
    const value = coerce(text, expected);
    if (!value.ok) return { ok: false, field, listed: true, message: `"${field}" ${value.reason}` };
    setAt(supplemented, path, value.value);
  }
  const parsed = schema.safeParse(supplemented);
  if (parsed.success) return { ok: true, command: supplemented };
  const issue = parsed.error.issues[0]!;
  const at = issue.path.map(String).join('.');
  const field =
    Object.keys(supplement).find((key) => at === key || at.startsWith(`${key}.`)) ?? Object.keys(supplement)[0]!;
  return {
    ok: false,
    field,
    listed: true,
    message: `"${field}" does not fit the application: ${at || 'command'}: ${issue.message}`,
  };
}

/** The schema a dot path leads to through objects (optional, default and pipe wrappers looked through). */
function schemaAt(schema: z.ZodType, path: string[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const object = unwrap(current!);
    if (!(object instanceof z.ZodObject) || !Object.hasOwn(object.shape, key)) return undefined;
    current = object.shape[key] as z.ZodType;
  }
  return current;
}

function unwrap(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

/** The first reading of the text the field's schema accepts: as text, yes/no, a number, then JSON. */
function coerce(text: string, expected: z.ZodType): { ok: true; value: unknown } | { ok: false; reason: string } {
  const word = text.trim().normalize('NFC').toLowerCase();
  const readings: unknown[] = [text];
  if (Object.hasOwn(yesNo, word)) readings.push(yesNo[word]);
  if (word !== '' && Number.isFinite(Number(word))) readings.push(Number(word));
  let json: unknown;
  try {
    json = JSON.parse(text);
    readings.push(json);
  } catch {
    json = undefined;
  }
  for (const reading of readings) if (expected.safeParse(reading).success) return { ok: true, value: reading };
  // Explain against the reading the citizen most likely meant: structured JSON if they wrote some.
  const meant = typeof json === 'object' && json !== null ? json : text;
  const issues = expected.safeParse(meant).error?.issues ?? [];
  const reason = issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ` : '') + i.message).join('; ');
  return { ok: false, reason: yesNoHint(expected) ?? `does not fit: ${reason}` };
}

/** A yes/no field says which words it takes rather than zod's "expected boolean". */
function yesNoHint(expected: z.ZodType): string | undefined {
  return expected.safeParse(true).success && expected.safeParse(false).success
    ? 'must be yes or no: true/false, có/không or yes/no'
    : undefined;
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}
