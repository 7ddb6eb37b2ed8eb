/** The rejection every agency gives for a personal ID number the population database does not know. */
export const personNotFound = {
  outcome: 'rejected',
  reasonCode: 'PERSON_NOT_FOUND',
  message: 'no such personal ID number in the population database',
} as const;
