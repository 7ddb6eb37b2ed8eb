import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { DossierSettings } from '../contracts/dossier-workflow';
import type { DossierStatus, DossierStatusView } from '../contracts/dossier-status';
import { stagesFor } from '../contracts/procedures/catalogue';
import type {
  ProcedureDefinition,
  ProcedureInputBase,
  StepDefinition,
  StepResults,
} from '../contracts/procedures/define';
import { carry, resume, type CarriedDossier } from './dossier-carry';
import { installHandlers } from './dossier-handlers';
import { DossierState } from './dossier-state';
import { notifyLoop } from './notifications';
import { StepRunner } from './step-runner';

/** What every dossier workflow is started with. */
export interface DossierArgs<Input> {
  dossierId: string;
  input: Input;
  settings?: Partial<DossierSettings>;
  /** The applicant's pseudonymous search key; without it the dossier is not listed per citizen. */
  citizenKey?: string;
  /** Set by the workflow itself when it continues as new: the state of the previous run. */
  carried?: CarriedDossier;
}

/**
 * The workflow function of a catalogue procedure: one dossier, its steps run stage by stage. Each
 * file in `workflows/` exports one under the procedure's `workflowType`.
 */
export function procedureWorkflow<Input extends ProcedureInputBase>(procedure: ProcedureDefinition<Input>) {
  return async function run(args: DossierArgs<Input>): Promise<DossierStatusView> {
    const stages = stagesFor(procedure, args.input);
    const state = new DossierState({
      dossierId: args.dossierId,
      procedureId: procedure.id,
      services: stages.flat().map((step) => step.service),
      citizenId: args.input.applicant.personalIdNumber,
      application: Object.fromEntries(Object.entries(args.input)),
      settings: DossierSettings.parse(args.settings ?? {}),
      citizenKey: args.citizenKey,
      carried: args.carried,
    });
    // Decided once per run, before anything is emitted: runs started before these patches keep
    // their activities, per-wait timers and immediate upserts when they replay. Each patch implies
    // the ones before it, so a new run records one patch marker (and one version upsert), not four.
    state.sentWithCommand = patched('sent-with-command');
    state.batched = state.sentWithCommand || patched('batched-publish');
    state.localCommands = state.batched || patched('local-commands');
    state.cheap = state.localCommands || patched('cheap-dossier');
    if (args.carried) resume(state, args.carried);
    installHandlers(state);
    return runStages(state, stages, args.input, (carried) => continueAsNew<typeof run>({ ...args, carried }));
  };
}

/**
 * Runs the procedure's stages in order, the steps of one stage in parallel. A stage that does not
 * fully succeed stops the later ones: their steps are cancelled. The dossier ends rejected when
 * its first stage fails, partially completed when a later stage's step was rejected. When the
 * history grows long, every step parks and the dossier goes on in a new run (`continueAsNew`).
 */
async function runStages<Input>(
  state: DossierState,
  stages: StepDefinition<Input>[][],
  input: Input,
  continueAsNew: (carried: CarriedDossier) => Promise<never>,
): Promise<DossierStatusView> {
  const notifier = notifyLoop(state, () => state.isFinished() || state.continuing);
  const watcher = watchHistoryLength(state);
  const results: StepResults = Object.fromEntries(
    state.view.steps.filter((s) => s.result).map((s) => [s.stepId, s.result!]),
  );
  let outcome: DossierStatus = 'processed';
  for (const [index, stage] of stages.entries()) {
    const ends = await Promise.all(stage.map((step) => new StepRunner(state, step, input).run(results)));
    if (ends.includes('parked')) {
      await notifier;
      await condition(allHandlersFinished);
      return continueAsNew(carry(state));
    }
    for (const { service } of stage) results[service.id] = state.step(service.id)?.result ?? {};
    if (ends.every((end) => end === 'completed' || end === 'skipped')) continue;
    state.cancelPending(
      stages
        .slice(index + 1)
        .flat()
        .map((step) => step.service.id),
    );
    if (state.withdrawn) outcome = 'withdrawn';
    else if (index === 0) outcome = 'rejected';
    else outcome = 'partially-completed';
    break;
  }
  if (outcome === 'processed') {
    state.setDossierStatus('processed');
    outcome = 'result-returned';
  }
  state.setDossierStatus(outcome);
  await Promise.all([notifier, watcher]);
  return state.view;
}

/**
 * Latches `continuing` once Temporal suggests continuing as new (or the history reaches
 * `continueAsNewAfterEvents`): a dossier that waits weeks on workers, retries and redelivered
 * events must not grow its history without bound.
 */
async function watchHistoryLength(state: DossierState): Promise<void> {
  const { continueAsNewAfterEvents } = state.settings;
  const long = () =>
    continueAsNewAfterEvents === undefined
      ? workflowInfo().continueAsNewSuggested
      : workflowInfo().historyLength >= continueAsNewAfterEvents;
  await condition(() => state.isFinished() || long());
  if (!state.isFinished() && patched('continue-as-new-on-long-history')) state.continuing = true;
}
