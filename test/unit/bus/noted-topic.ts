import { z } from 'zod';
import type { TopicSpec } from '../../../contracts/topics';

/** A one-message topic for bus unit tests: `Noted.v1` carries a whole number `n`. */
export const notedTopic: TopicSpec = {
  name: 't',
  description: '',
  producers: [],
  consumers: [],
  messages: { 'Noted.v1': z.strictObject({ n: z.number().int() }) },
};
