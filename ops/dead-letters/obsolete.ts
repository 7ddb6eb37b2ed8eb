import type { StepStatus } from '../../contracts/dossier-status';

/** A step as the dossier view shows it: enough to tell whether a dead letter's attempt still matters. */
export interface StepAttempts {
  stepId: string;
  status: StepStatus;
  attempts: number;
}

/** Statuses after which a step takes no more answers: an attempt sent again would only repeat an effect. */
const decided: readonly StepStatus[] = ['completed', 'rejected', 'skipped', 'cancelled'];

/** Why a dead letter's attempt no longer matters, as facts a page can word in either language. */
export type Obsolescence =
  | { kind: 'step-decided'; stepId: string; status: StepStatus }
  | { kind: 'attempt-replaced'; stepId: string; attempt: number; latestAttempt: number };

/**
 * Why redriving a dead letter of this step attempt would do no good, or undefined when it still
 * matters: the step was decided, or a newer attempt replaced it (as the agencies' intake sets such
 * an attempt aside). A dead letter that names no step or attempt is never called obsolete.
 */
export function obsolescenceOf(
  deadLetter: { stepId: string | null; attempt: number | null },
  steps: readonly StepAttempts[] | undefined,
): Obsolescence | undefined {
  if (!deadLetter.stepId || !steps) return undefined;
  const step = steps.find((s) => s.stepId === deadLetter.stepId);
  if (!step) return undefined;
  if (decided.includes(step.status)) return { kind: 'step-decided', stepId: step.stepId, status: step.status };
  if (deadLetter.attempt !== null && deadLetter.attempt < step.attempts)
    return { kind: 'attempt-replaced', stepId: step.stepId, attempt: deadLetter.attempt, latestAttempt: step.attempts };
  return undefined;
}

/** The same, in the words the api and the command line print. */
export function obsoleteBecause(
  deadLetter: { stepId: string | null; attempt: number | null },
  steps: readonly StepAttempts[] | undefined,
): string | undefined {
  const why = obsolescenceOf(deadLetter, steps);
  if (!why) return undefined;
  return why.kind === 'step-decided'
    ? `step ${why.stepId} is already ${why.status}`
    : `attempt ${why.attempt} is older than step ${why.stepId}'s latest attempt ${why.latestAttempt}`;
}
