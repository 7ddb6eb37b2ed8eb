/**
 * A natural key of an application: the fields that identify what it is about (a birth, a death)
 * and their normalised values. Two applications with one natural key in common are for the same
 * event, however else they differ.
 */
export interface NaturalKey {
  /** The input fields the key is made of, as paths such as `child.fullName`. */
  fields: readonly string[];
  /** The fields and their normalised values, one `field=value` a line: equal for the same event. */
  value: string;
}

/**
 * A value as people type it in different ways for the same thing: Unicode NFC (a Vietnamese
 * letter may arrive composed or decomposed), lower case, runs of whitespace as one space.
 */
export const normaliseKeyPart = (value: string): string =>
  value.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();

/** A natural key over the given fields (field path → value as entered). */
export function naturalKey(fields: Record<string, string>): NaturalKey {
  const names = Object.keys(fields).sort();
  return { fields: names, value: names.map((name) => `${name}=${normaliseKeyPart(fields[name]!)}`).join('\n') };
}
