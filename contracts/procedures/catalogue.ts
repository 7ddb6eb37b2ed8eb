import { z } from 'zod';
import { agencyMessages } from '../agency-messages';
import type { ProcedureDefinition, ProcedureInputBase, ServiceDefinition, StepDefinition } from './define';

/**
 * The procedures a deployment offers and every lookup derived from them. The composition root
 * builds one and passes it to the api, the workers and the tests; a test adds its own procedures.
 */
export interface Catalogue {
  procedures: readonly ProcedureDefinition[];
  /** The procedure with this id, or undefined. */
  procedure(procedureId: string): ProcedureDefinition | undefined;
  /** The procedure an input is for; throws for an input no procedure here accepts. */
  procedureOf(input: ProcedureInputBase): ProcedureDefinition;
  /** Workflow types of every procedure, for visibility queries. */
  workflowTypes: readonly string[];
  /** Every agency service some procedure uses. */
  services: readonly ServiceDefinition[];
  /** The service behind a step id, or undefined. */
  service(stepId: string): ServiceDefinition | undefined;
  /** The service an agency command starts, or undefined. */
  serviceForCommand(commandType: string): ServiceDefinition | undefined;
  /** Validates a citizen's application for any of these procedures (discriminated by `procedure`). */
  input: z.ZodType<ProcedureInputBase>;
}

/** The stages of a procedure that run for this input: steps outside its variant are left out. */
export function stagesFor<Input extends ProcedureInputBase>(
  procedure: ProcedureDefinition<Input>,
  input: Input,
): StepDefinition<Input>[][] {
  const variant = procedure.variants;
  const picked = variant ? String(Reflect.get(input, variant.field)) : undefined;
  const chosen = variant && picked !== undefined ? variant.steps[picked] : undefined;
  if (variant && !chosen) throw new Error(`${procedure.id} has no variant ${picked}`);
  return procedure.stages
    .map((stage) => stage.filter((step) => !chosen || chosen.includes(step.service.id)))
    .filter((stage) => stage.length > 0);
}

/** Checks that procedures fit together and builds the lookups; a mistake fails at start-up, naming it. */
export function createCatalogue(procedures: readonly ProcedureDefinition[]): Catalogue {
  const problems: string[] = [];
  const byId = new Map<string, ProcedureDefinition>();
  const byStep = new Map<string, ServiceDefinition>();
  const byCommand = new Map<string, ServiceDefinition>();
  const workflowTypes = new Set<string>();
  for (const procedure of procedures) {
    if (byId.has(procedure.id)) problems.push(`procedure ${procedure.id} is declared twice`);
    if (workflowTypes.has(procedure.workflowType))
      problems.push(`${procedure.id}: workflow type ${procedure.workflowType} is used twice`);
    byId.set(procedure.id, procedure);
    workflowTypes.add(procedure.workflowType);
    const earlier = new Set<string>();
    for (const stage of procedure.stages) {
      for (const step of stage) {
        const { service } = step;
        if (earlier.has(service.id)) problems.push(`${procedure.id}: step ${service.id} appears twice`);
        for (const need of step.needs)
          if (!earlier.has(need))
            problems.push(`${procedure.id}: ${service.id} needs ${need}, not in an earlier stage`);
        const known = byStep.get(service.id) ?? byCommand.get(service.command);
        if (known && known !== service)
          problems.push(
            `${procedure.id}: step ${service.id} (${service.command}) differs from the service declared as ${known.id}`,
          );
        byStep.set(service.id, service);
        byCommand.set(service.command, service);
        const events: Record<string, unknown> = agencyMessages[service.agency].events;
        for (const type of [service.result, service.rejection])
          if (!events[type]) problems.push(`${service.id}: ${service.agency} publishes no ${type}`);
      }
      for (const step of stage) earlier.add(step.service.id);
    }
    for (const [variant, stepIds] of Object.entries(procedure.variants?.steps ?? {}))
      for (const stepId of stepIds)
        if (!earlier.has(stepId)) problems.push(`${procedure.id}: variant ${variant} names unknown step ${stepId}`);
  }
  if (problems.length > 0) throw new Error(`the procedure catalogue is inconsistent: ${problems.join('; ')}`);

  const [first, ...rest] = procedures.map((procedure) => procedure.input);
  if (!first) throw new Error('the procedure catalogue is empty');
  const input = z.discriminatedUnion('procedure', [first, ...rest]);
  return {
    procedures,
    procedure: (procedureId) => byId.get(procedureId),
    procedureOf(application) {
      const procedure = byId.get(application.procedure);
      if (!procedure) throw new Error(`no procedure ${application.procedure} in this catalogue`);
      return procedure;
    },
    workflowTypes: [...workflowTypes],
    services: [...byStep.values()],
    service: (stepId) => byStep.get(stepId),
    serviceForCommand: (commandType) => byCommand.get(commandType),
    input,
  };
}
