import { birthBundle as procedure } from '../contracts/procedures/birth-bundle';
import { procedureWorkflow } from './procedure-workflow';

/**
 * Birth bundle: register the birth (civil status), then in parallel register the child's
 * permanent residence (police) and issue the under-6 health-insurance card (social insurance).
 */
export const birthBundle = procedureWorkflow(procedure);
