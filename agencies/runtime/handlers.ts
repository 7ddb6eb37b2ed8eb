import type { z } from 'zod';
import type { WorkingDaysCalendar } from '../../contracts/calendar';
import type { PopulationRegistryClient } from '../../contracts/registry';
import type { Queryable } from '../../platform/database';
import type { PopulationReadModel } from '../reference';

/** What an agency's rules say about a case. Business rejections are data, not exceptions. */
export type Decision<Result, ReasonCode extends string = string> =
  | { outcome: 'approved'; result: Result }
  | { outcome: 'rejected'; reasonCode: ReasonCode; message: string }
  | { outcome: 'needs-information'; fields: string[]; message: string }
  | { outcome: 'needs-review'; flags: string[] };

/** What a handler works with: the case's transaction, the population read model within it, the national registry, simulated time. */
export interface CaseContext {
  /** Whatever a handler reads or writes here commits together with the decision, or not at all. */
  db: Queryable;
  /** The agency's read model of the population, which its rules read. */
  population: PopulationReadModel;
  /** The national population registry, the one writer of births, deaths and residences: a carry-out asks it. */
  registry: PopulationRegistryClient;
  now: Date;
  calendar: WorkingDaysCalendar;
  /** Reserves a unique number of a kind (certificate, ID, card…) for this case. */
  issue(kind: string, make: (sequence: number) => string): Promise<string>;
}

type Schemas = Record<string, z.ZodType>;
/** Events every agency sends alike; the runtime builds them, never a handler. */
type RuntimeEventType = 'CommandReceived.v1' | 'AdditionalInformationRequested.v1' | 'CaseCancelled.v1';
type RejectionType<Events extends Schemas> = {
  [K in keyof Events & string]: z.input<Events[K]> extends { reasonCode: string } ? K : never;
}[keyof Events & string];
type ResultType<Events extends Schemas> = Exclude<keyof Events & string, RejectionType<Events> | RuntimeEventType>;
type ReasonCode<Events extends Schemas> =
  z.input<Events[RejectionType<Events>]> extends { reasonCode: infer Code extends string } ? Code : never;
/** An event's data without the routing fields, which the runtime adds from the command. */
type EventData<Schema extends z.ZodType> = Omit<z.input<Schema>, 'dossierId' | 'stepId' | 'commandId'>;
type Approved<Result> = Extract<Decision<Result>, { outcome: 'approved' }>;

/** How an agency handles one command type, typed by the command's schema and the agency's events. */
export interface CommandSpec<Command, Result, Events extends Schemas, ApprovedType extends ResultType<Events>> {
  /** The rules' decision; an approval carries what the rules computed for carrying it out. */
  decide(
    command: Command,
    ctx: CaseContext,
  ): Decision<Result, ReasonCode<Events>> | Promise<Decision<Result, ReasonCode<Events>>>;
  /** What an approval a worker makes by hand carries instead of the rules' result. */
  approvalDefaults(command: Command, ctx: CaseContext): Result | Promise<Result>;
  /** Carries out an approval: issues numbers, changes reference data; returns the approved event's data. */
  carryOut(command: Command, decision: Approved<Result>, ctx: CaseContext): Promise<EventData<Events[ApprovedType]>>;
}

/**
 * The population registry refused a change the agency's read model said it could make (the read
 * model behind the registry, or a person the registry never knew): the decider rejects the case
 * with the registry's reason, which must be one of the agency's own reason codes.
 */
export class RegistryRefusedError extends Error {
  override readonly name = 'RegistryRefusedError';
  constructor(
    readonly reasonCode: string,
    readonly refusal: string,
  ) {
    super(`the population registry refused: ${reasonCode}: ${refusal}`);
  }
}

/** A decision with the handler's types closed over; an approval knows how to carry itself out. */
export type Verdict =
  | { outcome: 'approved'; result: unknown; carryOut(ctx: CaseContext): Promise<Record<string, unknown>> }
  | Exclude<Decision<unknown>, { outcome: 'approved' }>;
export type ApprovalVerdict = Extract<Verdict, { outcome: 'approved' }>;

/** One case's command, parsed, with its handler bound to it. */
export interface OpenCase {
  decide(ctx: CaseContext): Promise<Verdict>;
  /** A worker's approval: the handler's defaults stand in for what the rules would have computed. */
  approveByHand(ctx: CaseContext): Promise<ApprovalVerdict>;
}

/** A command handler as the runtime dispatches to it: the command's JSON in, typed inside. */
export interface CommandHandler<Schema extends z.ZodType = z.ZodType> {
  schema: Schema;
  events: { approved: string; rejected: string };
  /** Parses the command (throws, naming the field, when it does not fit) and binds the handler to it. */
  open(command: unknown): OpenCase;
}

/** One handler for every command of an agency's contract; cancelling a case is the runtime's. */
export type HandlerMap<Commands extends Schemas> = {
  [Type in Exclude<keyof Commands & string, 'CancelCase.v1'>]: CommandHandler<Commands[Type]>;
};

/** An agency: the commands it handles and how. */
export interface AgencyModule {
  handlers: Record<string, CommandHandler>;
  /** Tables of the agency's own beside the runtime's (DDL, safe to run at every start). */
  tables?: string;
}

/**
 * Handlers of one agency, typed by its event map: `on(registerBirth, RegisterBirth, { ... })` gives
 * `decide`, `carryOut` and `approvalDefaults` the parsed command; the events an approval and a
 * rejection become are the catalogue service's, and `carryOut` must return the approved one's data.
 */
export function handlersOf<Events extends Schemas>(_events: Events) {
  return <Schema extends z.ZodType, Result, ApprovedType extends ResultType<Events>>(
    service: { result: ApprovedType; rejection: RejectionType<Events> },
    schema: Schema,
    spec: CommandSpec<z.output<Schema>, Result, Events, ApprovedType>,
  ): CommandHandler<Schema> => ({
    schema,
    events: { approved: service.result, rejected: service.rejection },
    open(json) {
      const command = schema.parse(json);
      const approval = (result: Result): ApprovalVerdict => ({
        outcome: 'approved',
        result,
        carryOut: (ctx) => spec.carryOut(command, { outcome: 'approved', result }, ctx),
      });
      return {
        async decide(ctx) {
          const decision = await spec.decide(command, ctx);
          return decision.outcome === 'approved' ? approval(decision.result) : decision;
        },
        approveByHand: async (ctx) => approval(await spec.approvalDefaults(command, ctx)),
      };
    },
  });
}
