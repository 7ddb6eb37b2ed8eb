/**
 * The numbers of domain.md's rules, one row each with its effective date, for the agencies, the
 * api's checks at submission and the workflows alike. Rows marked assumed had no official text.
 */
export const rules = {
  onTimeBirthDays: { value: 60, effectiveFrom: '2016-01-01', source: 'Civil Status Law 2014, art. 15' },
  maxChildAgeMonths: { value: 72, effectiveFrom: '2024-07-01', source: 'Decree 63/2024 (bundle for children under 6)' },
  deathRegistrationDays: { value: 15, effectiveFrom: '2016-01-01', source: 'Civil Status Law 2014, art. 33' },
  residenceAfterBirthDays: { value: 60, effectiveFrom: '2021-07-01', source: 'Law on Residence 2020' },
  /** A newborn registered this long after the birth goes to a residence officer rather than the rules. */
  residenceReviewAfterWorkingDays: {
    value: 200,
    effectiveFrom: '2024-07-01',
    source: 'review threshold (assumed)',
    assumed: true,
  },
  funeralMinContributionMonths: { value: 12, effectiveFrom: '2025-07-01', source: 'Law on Social Insurance 2024' },
  funeralReferenceLevelVnd: {
    value: 2_340_000,
    effectiveFrom: '2025-07-01',
    source: 'reference level (assumed)',
    assumed: true,
  },
  funeralMultiplier: { value: 10, effectiveFrom: '2025-07-01', source: 'Law on Social Insurance 2024' },
  informationAnswerWorkingDays: {
    value: 7,
    effectiveFrom: '2024-07-01',
    source: 'Decree 63/2024 (assumed)',
    assumed: true,
  },
} as const;
