import { z } from 'zod';

/**
 * CloudEvents 1.0 attributes as carried in Kafka binary mode: each attribute is a `ce_<name>`
 * header and the message value is the JSON `data`, encrypted with its topic's key. `subject` is the
 * dossier id (the pseudonymous citizen key on `population.changes`), which is also the Kafka key, so
 * one dossier's messages stay in order; headers are in clear, so none may carry personal data.
 */
export const CloudEventAttributes = z.strictObject({
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(200),
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9]*\.v\d+$/, 'must be a versioned type name such as RegisterBirth.v1'),
  specversion: z.literal('1.0'),
  subject: z.string().min(1).max(200),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
});
export type CloudEventAttributes = z.infer<typeof CloudEventAttributes>;

/** Header names of binary-mode CloudEvents on Kafka (content type travels as `content-type`). */
export const cloudEventHeaders = {
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  specversion: 'ce_specversion',
  subject: 'ce_subject',
  time: 'ce_time',
  datacontenttype: 'content-type',
} as const satisfies Record<keyof CloudEventAttributes, string>;

/** A CloudEvent whose data has been validated against the schema registered for its type. */
export interface CloudEvent<T = unknown> {
  attributes: CloudEventAttributes;
  data: T;
}
