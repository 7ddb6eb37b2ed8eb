import type { StepStatus } from '../../contracts/dossier-status';

/** A step as the dossier view shows it: enough to tell whether a dead letter's attempt still matters. */
export interface StepAttempts {
  stepId: string;
  status: StepStatus;
  attempts: number;
}

/** Statuses after which a step takes no more answers: an attempt sent again would only repeat an effect. */
const decided: readonly StepStatus[] = ['completed', 'rejected', 'skipped', 'cancelled'];

/**
 * Why redriving a dead letter of this step attempt would do no good, or undefined when it still
 * matters: the step was decided, or a newer attempt replaced it (as the agencies' intake sets such
 * an attempt aside). A dead letter that names no step or attempt is never called obsolete.
 */
export function obsoleteBecause(
  deadLetter: { stepId: string | null; attempt: number | null },
  steps: readonly StepAttempts[] | undefined,
): string | undefined {
  if (!deadLetter.stepId || !steps) return undefined;
  const step = steps.find((s) => s.stepId === deadLetter.stepId);
  if (!step) return undefined;
  if (decided.includes(step.status)) return `step ${step.stepId} is already ${step.status}`;
  if (deadLetter.attempt !== null && deadLetter.attempt < step.attempts)
    return `attempt ${deadLetter.attempt} is older than step ${step.stepId}'s latest attempt ${step.attempts}`;
  return undefined;
}
