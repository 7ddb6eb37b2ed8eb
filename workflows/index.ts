export { birthBundle } from './birth-bundle';
export { deathBundle } from './death-bundle';
