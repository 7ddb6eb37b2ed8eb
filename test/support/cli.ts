import { fileURLToPath } from 'node:url';

/**
 * The tsx that `npm run ops -- …` runs (npm puts node_modules/.bin first on the PATH), for tests
 * that run the operator command line as an operator would; npx spends a second of CPU finding it
 * again on every call.
 */
export const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
