export { inTransaction } from '../../platform/database';
