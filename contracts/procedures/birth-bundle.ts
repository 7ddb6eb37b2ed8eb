import { z } from 'zod';
import { localDate, monthsBetween } from '../calendar';
import { rules } from '../rules';
import { BirthDeclaration, birthKeys, birthPeople, declaredBirth, ResidenceRequest } from '../dossiers';
import { defineProcedure, stepsFor } from './define';
import { issueHealthInsuranceCard, registerBirth, registerResidence } from './services';

/** The citizen's single application for the birth bundle. */
export const BirthBundleInput = BirthDeclaration.extend({
  procedure: z.literal('birth-bundle'),
  residence: ResidenceRequest,
}).superRefine((input, ctx) => {
  // Rule 2: the bundle is for children under 72 months; an older child's birth is registered on its own.
  if (monthsBetween(input.child.birthDate, localDate(new Date())) >= rules.maxChildAgeMonths.value)
    ctx.addIssue({
      code: 'custom',
      path: ['child', 'birthDate'],
      message: `the child must be under ${rules.maxChildAgeMonths.value / 12} (${rules.maxChildAgeMonths.value} months) for this bundle`,
    });
  if (!input.mother && !input.father)
    ctx.addIssue({ code: 'custom', path: ['mother'], message: 'at least one parent must be named' });
  // Rule 1: the century/sex digit is odd for women, even for men.
  if (input.mother && Number(input.mother.personalIdNumber[3]) % 2 === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['mother', 'personalIdNumber'],
      message: "is a man's personal ID number (rule 1: the 4th digit is odd for women)",
    });
  if (input.father && Number(input.father.personalIdNumber[3]) % 2 === 1)
    ctx.addIssue({
      code: 'custom',
      path: ['father', 'personalIdNumber'],
      message: "is a woman's personal ID number (rule 1: the 4th digit is even for men)",
    });
  if (input.mother && input.father && input.mother.personalIdNumber === input.father.personalIdNumber)
    ctx.addIssue({
      code: 'custom',
      path: ['father', 'personalIdNumber'],
      message: 'must not be the same person as the mother',
    });
  if (!input[input.residence.parent])
    ctx.addIssue({
      code: 'custom',
      path: ['residence', 'parent'],
      message: `the ${input.residence.parent} must be named to register the child at their residence`,
    });
  if (
    (input.applicant.relationship === 'mother' || input.applicant.relationship === 'father') &&
    input[input.applicant.relationship]?.personalIdNumber !== input.applicant.personalIdNumber
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['applicant', 'personalIdNumber'],
      message: `must be the ${input.applicant.relationship}'s personal ID number`,
    });
  }
});
export type BirthBundleInput = z.output<typeof BirthBundleInput>;

const step = stepsFor<BirthBundleInput>();

const birth = step(registerBirth, { command: declaredBirth });

/** What later steps need from the birth registration (issued by the agency, or entered by an operator who skipped it). */
export const birthRegistration = (registered: { birthCertificateNumber: string; childPersonalIdNumber: string }) => ({
  birthCertificateNumber: registered.birthCertificateNumber,
  childPersonalIdNumber: registered.childPersonalIdNumber,
});

const residence = step(registerResidence, {
  needs: { birth },
  command: (input, { birth }) => ({
    birthRegistration: birthRegistration(birth),
    child: input.child,
    // The input schema requires the parent the child is registered with to be named.
    parentIdNumber: input[input.residence.parent]!.personalIdNumber,
    residence: input.residence,
  }),
});

/** The card application for a registered child, whichever procedure asks for it. */
export const cardForRegisteredChild = (
  input: Pick<BirthBundleInput, 'child' | 'residence'>,
  birth: Parameters<typeof birthRegistration>[0],
) => ({ birthRegistration: birthRegistration(birth), child: input.child, residence: input.residence });

const card = step(issueHealthInsuranceCard, {
  needs: { birth },
  command: (input, { birth }) => cardForRegisteredChild(input, birth),
});

/**
 * Birth bundle: register the birth (civil status), then in parallel register the child's
 * permanent residence (police) and issue the under-6 health-insurance card (social insurance).
 */
export const birthBundle = defineProcedure({
  id: 'birth-bundle',
  workflowType: 'birthBundle',
  label: {
    vi: 'Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
    en: 'Birth registration, permanent residence and health-insurance card for a child under 6',
  },
  description: {
    vi: 'Khai sinh cho trẻ; sau đó đăng ký thường trú tại nơi thường trú của cha hoặc mẹ và cấp thẻ bảo hiểm y tế miễn phí.',
    en: "Registers the child's birth; then registers the child at a parent's permanent residence and issues a free health-insurance card.",
  },
  input: BirthBundleInput,
  stages: [[birth], [residence, card]],
  uniqueKeys: (input) => birthKeys(input),
  people: (input) => birthPeople(input),
});
