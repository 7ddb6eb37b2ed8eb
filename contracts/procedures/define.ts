import { z } from 'zod';
import type { AgencyId } from '../agencies';
import { agencyMessages, type AgencyMessages } from '../agency-messages';
import type { NaturalKey } from '../natural-keys';

/** What a person reads, in Vietnamese (the default) and English. */
export const Labels = z.strictObject({ vi: z.string().min(1), en: z.string().min(1) });
export type Labels = z.infer<typeof Labels>;

/** Procedure and step ids are kebab-case: they appear in urls, search attributes and command ids. */
export const ProcedureId = z.string().regex(/^[a-z][a-z0-9-]{2,59}$/, 'must be a procedure id such as birth-bundle');
export type ProcedureId = z.infer<typeof ProcedureId>;

type Messages<A extends AgencyId> = AgencyMessages[A];
/** Commands a step can send to agency `A` (cancelling is the machinery's, not a step's). */
export type CommandType<A extends AgencyId> = Exclude<keyof Messages<A>['commands'] & string, 'CancelCase.v1'>;
/** Events agency `A` publishes. */
export type EventType<A extends AgencyId> = keyof Messages<A>['events'] & string;
type RoutingFields = 'dossierId' | 'stepId' | 'commandId' | 'attempt' | 'supplement';
/** What a step builds for a command: its data without the routing fields the machinery adds. */
export type CommandBody<A extends AgencyId, C extends CommandType<A>> = Omit<
  z.input<Messages<A>['commands'][C]>,
  RoutingFields
>;
/** What a completed step holds: its result event's data without the routing fields. */
export type ResultData<A extends AgencyId, R extends EventType<A>> = Omit<
  z.output<Messages<A>['events'][R]>,
  RoutingFields
>;

/**
 * One agency service as the national catalogue of administrative procedures lists it: the agency
 * in charge, its legal time limit, the command that starts it and the events that end it. Bundles
 * combine services; a service is declared once and means the same wherever a bundle uses it.
 */
export interface ServiceDefinition {
  /** The step id every bundle uses for this service. */
  id: string;
  agency: AgencyId;
  /** Legal time limit in working days; 0 = the same working day (the next one after 15:00). */
  workingDays: number;
  label: Labels;
  command: string;
  /** The event that completes the step; its data is the step's result, which later steps read. */
  result: string;
  /** The event that rejects the step; its reason codes are the ones a worker may choose. */
  rejection: string;
  /** Form fields the agency may ask the citizen to supply or correct (rule 10). */
  informationFields: Record<string, Labels>;
  /** The result fields a citizen keeps, in the order they are shown (dates and `…Vnd` amounts are formatted). */
  resultFields?: Record<string, Labels>;
  /**
   * What an agency worker sees of the command to decide a task: dot paths into it, in the order
   * shown, and nothing else of the dossier. Absent = the information fields.
   */
  reviewFields?: Record<string, Labels>;
}

/** A service whose command and events are checked against its agency's message contract. */
export interface TypedService<
  A extends AgencyId,
  C extends CommandType<A>,
  R extends EventType<A>,
  X extends EventType<A> = EventType<A>,
> extends ServiceDefinition {
  agency: A;
  command: C;
  result: R;
  rejection: X;
}

/** Declares an agency service; a command or event its agency does not have fails to compile. */
export function defineService<
  A extends AgencyId,
  C extends CommandType<A>,
  R extends EventType<A>,
  X extends EventType<A>,
>(service: TypedService<A, C, R, X>): TypedService<A, C, R, X> {
  return service;
}

/** A step's results as the machinery passes them: the data of each completed (or skipped) step, by step id. */
export type StepResults = Record<string, Record<string, unknown>>;

/**
 * One step of a procedure: an agency service, the earlier steps whose results it needs, and how
 * its command is built from the citizen's input and those results. Erased to plain records here;
 * `stepOf` keeps it typed where a procedure declares it.
 */
export interface StepDefinition<Input = unknown> {
  service: ServiceDefinition;
  /** Step ids whose results the command needs; they must be in earlier stages. */
  needs: readonly string[];
  command(input: Input, results: StepResults): Record<string, unknown>;
}

/** A step whose result type is known, so later steps can name it in `needs`. */
export interface TypedStep<Input, Result> extends StepDefinition<Input> {
  /** Type-level only: the data this step completes with. */
  readonly resultType?: Result;
}

type ResultOf<S> = S extends TypedStep<never, infer R> ? R : never;

/**
 * Steps for procedures whose input is `Input`. `needs` maps local names to earlier steps, and the
 * builder receives their results typed by those steps' result events.
 */
export function stepsFor<Input>() {
  return function step<
    A extends AgencyId,
    C extends CommandType<A>,
    R extends EventType<A>,
    const Needs extends Record<string, TypedStep<Input, unknown>> = Record<never, never>,
  >(
    service: TypedService<A, C, R, EventType<A>>,
    spec: {
      needs?: Needs;
      command: (input: Input, needs: { [K in keyof Needs]: ResultOf<Needs[K]> }) => CommandBody<A, C>;
    },
  ): TypedStep<Input, ResultData<A, R>> {
    const needs = Object.entries(spec.needs ?? {}) as [string, TypedStep<Input, unknown>][];
    return {
      service,
      needs: needs.map(([, step]) => step.service.id),
      command: (input, results) =>
        spec.command(
          input,
          Object.fromEntries(needs.map(([name, step]) => [name, results[step.service.id] ?? {}])) as {
            [K in keyof Needs]: ResultOf<Needs[K]>;
          },
        ),
    };
  };
}

/**
 * A person an application names, as the api checks them against the national population registry
 * before accepting it: the ID number must be known and the name must be the registry's; `alive`
 * refuses a person recorded dead (before `on`, when given); `born` checks what the application
 * states about sex and birth date. What needs judgement is left to the agency's worker.
 */
export interface NamedPerson {
  /** Where the person is in the application, e.g. `['mother']` or `['survivors', 0]`. */
  path: readonly (string | number)[];
  personalIdNumber: string;
  fullName: string;
  alive?: { on?: string; otherwise: string };
  born?: { sex: string; birthDate: string };
}

/** What every procedure's input carries: which procedure it is and who applies. */
export interface ProcedureInputBase {
  procedure: string;
  applicant: { personalIdNumber: string };
}

/**
 * A procedure a citizen applies for once: its steps run in stages (the steps of one stage in
 * parallel). Variants are data: a field of the input picks which steps run.
 */
export interface ProcedureDefinition<Input extends ProcedureInputBase = ProcedureInputBase> {
  id: ProcedureId;
  /** The exported workflow function in `workflows/` that runs it. */
  workflowType: string;
  label: Labels;
  /** What the variants mean, in plain words, for the application form. */
  description: Labels;
  /** The application's schema; its `procedure` field is the literal id (the catalogue discriminates on it). */
  input: z.ZodType<Input> & z.core.$ZodTypeDiscriminable;
  stages: readonly (readonly StepDefinition<Input>[])[];
  /**
   * What the application is about, as natural keys: the api accepts one dossier per key at a time
   * (a second one for the same birth or death is refused while the first may still succeed).
   */
  uniqueKeys(input: Input): readonly NaturalKey[];
  /** Every person the application names, checked against the population registry at submission. */
  people(input: Input): readonly NamedPerson[];
  variants?: {
    /** The input field that names the variant. */
    field: string;
    /** The step ids of each variant; steps outside it never run and do not show. */
    steps: Record<string, readonly string[]>;
    labels: Record<string, Labels>;
  };
}

/** Declares a procedure, keeping its input type attached for the workflow and the api. */
export function defineProcedure<Input extends ProcedureInputBase>(
  procedure: ProcedureDefinition<Input>,
): ProcedureDefinition<Input> {
  return procedure;
}

/** The reason codes a service's rejection event allows (its schema's `reasonCode` enum). */
export function rejectionReasonCodes(service: ServiceDefinition): readonly string[] {
  const events: Record<string, z.ZodType> = agencyMessages[service.agency].events;
  const schema = events[service.rejection];
  const reasonCode = schema instanceof z.ZodObject ? schema.shape.reasonCode : undefined;
  return reasonCode instanceof z.ZodEnum ? (reasonCode.options as string[]) : [];
}
