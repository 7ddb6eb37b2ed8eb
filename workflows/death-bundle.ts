import { deathBundle as procedure } from '../contracts/procedures/death-bundle';
import { procedureWorkflow } from './procedure-workflow';

/**
 * Death bundle, in the variant the applicant chose: register the death (civil status), then in
 * parallel delete the permanent residence (police) and, for variants 3 and 4, decide the funeral
 * allowance and, for variant 4, the survivor benefit (social insurance).
 */
export const deathBundle = procedureWorkflow(procedure);
