import { continueAsNew } from '@temporalio/workflow';
import type { DeathBundleInput } from '../contracts/dossiers';
import { DossierSettings } from '../contracts/dossier-workflow';
import type { DossierStatusView } from '../contracts/dossier-status';
import { stepTimeLimits } from '../contracts/steps';
import type { CarriedDossier } from './dossier-carry';
import { Dossier, type StepPlan } from './dossier-machine';

export interface DeathBundleArgs {
  dossierId: string;
  input: DeathBundleInput;
  settings?: Partial<DossierSettings>;
  /** The applicant's pseudonymous search key (see Dossier); without it the dossier is not listed per citizen. */
  citizenKey?: string;
  /** Set by the workflow itself when it continues as new: the state of the previous run. */
  carried?: CarriedDossier;
}

/**
 * Death bundle, in the variant the applicant chose: register the death (civil status), then in
 * parallel delete the permanent residence (police) and, for variants 3 and 4, decide the funeral
 * allowance and, for variant 4, the survivor benefit (social insurance).
 */
export async function deathBundle(args: DeathBundleArgs): Promise<DossierStatusView> {
  const plans = deathPlans(args.input);
  const second = [
    plans.deleteResidence,
    ...(args.input.variant >= 3 ? [plans.funeralAllowance] : []),
    ...(args.input.variant === 4 ? [plans.survivorBenefit] : []),
  ];
  const dossier = new Dossier(
    args.dossierId,
    'death-bundle',
    args.input.applicant.personalIdNumber,
    [plans.registerDeath, ...second],
    DossierSettings.parse(args.settings ?? {}),
    args.citizenKey,
    args.carried,
  );
  return dossier.runStages([[plans.registerDeath], second], (carried) =>
    continueAsNew<typeof deathBundle>({ ...args, carried }),
  );
}

function deathPlans(input: DeathBundleInput) {
  const withSupplement = (data: Record<string, unknown>, supplement?: Record<string, string>) =>
    supplement ? { ...data, supplement } : data;
  const registerDeath: StepPlan = {
    stepId: 'register-death',
    agency: 'civil-status',
    workingDays: stepTimeLimits['register-death'],
    command: ({ supplement }) => ({
      type: 'RegisterDeath.v1',
      data: withSupplement(
        { applicant: input.applicant, deceased: input.deceased, deathNoticeReference: input.deathNoticeReference },
        supplement,
      ),
    }),
  };
  const deleteResidence: StepPlan = {
    stepId: 'delete-residence',
    agency: 'residence',
    workingDays: stepTimeLimits['delete-residence'],
    command: ({ results, supplement }) => ({
      type: 'DeletePermanentResidence.v1',
      data: withSupplement({ deathRegistration: deathRegistration(results), deceased: input.deceased }, supplement),
    }),
  };
  const funeralAllowance: StepPlan = {
    stepId: 'funeral-allowance',
    agency: 'social-insurance',
    workingDays: stepTimeLimits['funeral-allowance'],
    command: ({ results, supplement }) => ({
      type: 'DecideFuneralAllowance.v1',
      data: withSupplement(
        { deathRegistration: deathRegistration(results), deceased: input.deceased, applicant: input.applicant },
        supplement,
      ),
    }),
  };
  const survivorBenefit: StepPlan = {
    stepId: 'survivor-benefit',
    agency: 'social-insurance',
    workingDays: stepTimeLimits['survivor-benefit'],
    command: ({ results, supplement }) => ({
      type: 'DecideSurvivorBenefit.v1',
      data: withSupplement(
        {
          deathRegistration: deathRegistration(results),
          deceased: input.deceased,
          survivors: input.survivors,
          representativeIdNumber: input.representativeIdNumber,
        },
        supplement,
      ),
    }),
  };
  return { registerDeath, deleteResidence, funeralAllowance, survivorBenefit };
}

/** What later steps need from the death registration (issued by the agency, or entered by an operator who skipped it). */
function deathRegistration(results: Record<string, Record<string, unknown>>) {
  return { deathExtractNumber: results['register-death']?.deathExtractNumber };
}
