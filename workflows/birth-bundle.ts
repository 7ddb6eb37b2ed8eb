import { continueAsNew } from '@temporalio/workflow';
import type { BirthBundleInput } from '../contracts/dossiers';
import { DossierSettings } from '../contracts/dossier-workflow';
import type { DossierStatusView } from '../contracts/dossier-status';
import { stepTimeLimits } from '../contracts/steps';
import type { CarriedDossier } from './dossier-carry';
import { Dossier, type StepPlan } from './dossier-machine';

export {
  agencyEventSignal,
  retryStepUpdate,
  skipStepUpdate,
  statusQuery,
  supplyInformationUpdate,
  withdrawUpdate,
} from './dossier-machine';

export interface BirthBundleArgs {
  dossierId: string;
  input: BirthBundleInput;
  settings?: Partial<DossierSettings>;
  /** The applicant's pseudonymous search key (see Dossier); without it the dossier is not listed per citizen. */
  citizenKey?: string;
  /** Set by the workflow itself when it continues as new: the state of the previous run. */
  carried?: CarriedDossier;
}

/**
 * Birth bundle: register the birth (civil status), then in parallel register the child's
 * permanent residence (police) and issue the under-6 health-insurance card (social insurance).
 */
export async function birthBundle(args: BirthBundleArgs): Promise<DossierStatusView> {
  const plans = birthPlans(args.input);
  const dossier = new Dossier(
    args.dossierId,
    'birth-bundle',
    args.input.applicant.personalIdNumber,
    [plans.registerBirth, plans.registerResidence, plans.issueCard],
    DossierSettings.parse(args.settings ?? {}),
    args.citizenKey,
    args.carried,
  );
  return dossier.runStages([[plans.registerBirth], [plans.registerResidence, plans.issueCard]], (carried) =>
    continueAsNew<typeof birthBundle>({ ...args, carried }),
  );
}

function birthPlans(input: BirthBundleInput) {
  const registerBirth: StepPlan = {
    stepId: 'register-birth',
    agency: 'civil-status',
    workingDays: stepTimeLimits['register-birth'],
    command: ({ supplement }) => ({
      type: 'RegisterBirth.v1',
      data: {
        applicant: input.applicant,
        child: input.child,
        mother: input.mother,
        father: input.father,
        birthCertificateReference: input.birthCertificateReference,
        ...(supplement ? { supplement } : {}),
      },
    }),
  };
  const registerResidence: StepPlan = {
    stepId: 'register-residence',
    agency: 'residence',
    workingDays: stepTimeLimits['register-residence'],
    command: ({ results, supplement }) => ({
      type: 'RegisterPermanentResidence.v1',
      data: {
        birthRegistration: birthRegistration(results),
        child: input.child,
        parentIdNumber: input[input.residence.parent]?.personalIdNumber,
        residence: input.residence,
        ...(supplement ? { supplement } : {}),
      },
    }),
  };
  const issueCard: StepPlan = {
    stepId: 'issue-health-insurance-card',
    agency: 'social-insurance',
    workingDays: stepTimeLimits['issue-health-insurance-card'],
    command: ({ results, supplement }) => ({
      type: 'IssueHealthInsuranceCard.v1',
      data: {
        birthRegistration: birthRegistration(results),
        child: input.child,
        residence: input.residence,
        ...(supplement ? { supplement } : {}),
      },
    }),
  };
  return { registerBirth, registerResidence, issueCard };
}

/** What later steps need from the birth registration (issued by the agency, or entered by an operator who skipped it). */
function birthRegistration(results: Record<string, Record<string, unknown>>) {
  const birth = results['register-birth'] ?? {};
  return { birthCertificateNumber: birth.birthCertificateNumber, childPersonalIdNumber: birth.childPersonalIdNumber };
}
