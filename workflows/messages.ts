import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import {
  dossierMessageNames,
  type AgencyEventDelivery,
  type RetryStepInput,
  type SkipStepInput,
  type SupplyInformationInput,
  type WithdrawInput,
} from '../contracts/dossier-workflow';
import type { DossierStatusView } from '../contracts/dossier-status';

// Definitions only: the api, the bridge and tests import these without loading workflow code.

/** The event bridge delivers an agency's event for one of the dossier's steps. */
export const agencyEventSignal = defineSignal<[AgencyEventDelivery]>(dossierMessageNames.agencyEvent);
/** The dossier as the citizen, workers and operators see it; never changes state. */
export const statusQuery = defineQuery<DossierStatusView>(dossierMessageNames.status);
/** The citizen answers an agency's request for more information. */
export const supplyInformationUpdate = defineUpdate<DossierStatusView, [SupplyInformationInput]>(
  dossierMessageNames.supplyInformation,
);
/** The citizen withdraws the dossier. */
export const withdrawUpdate = defineUpdate<DossierStatusView, [WithdrawInput]>(dossierMessageNames.withdraw);
/** An operator re-sends a step's command now. */
export const retryStepUpdate = defineUpdate<DossierStatusView, [RetryStepInput]>(dossierMessageNames.retryStep);
/** An operator closes a step by hand with a manual result. */
export const skipStepUpdate = defineUpdate<DossierStatusView, [SkipStepInput]>(dossierMessageNames.skipStep);
