import type { z } from 'zod';
import { birthBundle } from './birth-bundle';
import { createCatalogue } from './catalogue';
import { deathBundle } from './death-bundle';
import type { ProcedureDefinition } from './define';

/** The procedures Lienthong offers citizens. Adding one: a module beside this file, and a line here. */
export const procedures = [birthBundle, deathBundle] as const;

type InputOf<P> = P extends ProcedureDefinition<infer Input> ? Input : never;
/** A citizen's application for any procedure on offer. */
export type DossierInput = InputOf<(typeof procedures)[number]>;
/** The procedures' ids, for filters and forms. */
export const procedureIds = procedures.map((procedure) => procedure.id) as [string, ...string[]];

/** The production catalogue; tests build their own with `createCatalogue` to add procedures. */
export const catalogue = createCatalogue(procedures);
/** Validates any application on offer, as the portal submits it. */
export const DossierInput = catalogue.input as z.ZodType<DossierInput>;

export { createCatalogue, stagesFor, type Catalogue } from './catalogue';
export { labelled } from './labelled';
export type { Labels, ProcedureDefinition, ServiceDefinition, StepDefinition } from './define';
