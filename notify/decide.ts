import { dueAt, type WorkingDaysCalendar } from '../contracts/calendar';
import type { DossierStatus, DossierStatusChanged } from '../contracts/dossier-status';
import type { NotificationEvent } from '../contracts/notifications';
import { rules } from '../contracts/rules';

/** How a dossier may end that the citizen is told about; a withdrawal is their own doing, shown but not sent. */
const toldEndings: readonly DossierStatus[] = ['result-returned', 'partially-completed', 'rejected', 'not-accepted'];

/**
 * What of a status change deserves a message. Every change carries the whole dossier, so the same
 * request or overdue step shows in many changes: each is named by a change key, and the delivery
 * table keeps one message per key and channel. Pure: the same change always decides the same.
 */
export function decideNotifications(change: DossierStatusChanged, calendar: WorkingDaysCalendar): NotificationEvent[] {
  const { dossierId, citizenKey, status } = change;
  if (!citizenKey) return [];
  const events: NotificationEvent[] = [];
  for (const step of change.steps) {
    if (step.status === 'awaiting-citizen') {
      // The workflow counts the citizen's working days from this change's time (its simulated now), as here.
      const answerBy = dueAt(new Date(change.changedAt), rules.informationAnswerWorkingDays.value, calendar);
      events.push({
        dossierId,
        kind: 'information-requested',
        changeKey: `information-requested:${step.stepId}:${step.attempts}`,
        citizenKey,
        stepId: step.stepId,
        status,
        answerBy: answerBy.toISOString(),
        fields: step.informationRequest?.fields ?? [],
      });
    }
    if (step.status === 'overdue') {
      // Once per step: a re-sent command that is late again is the same delay to the citizen.
      events.push({
        dossierId,
        kind: 'step-overdue',
        changeKey: `step-overdue:${step.stepId}`,
        citizenKey,
        stepId: step.stepId,
        status,
        ...(step.dueAt ? { dueAt: step.dueAt } : {}),
      });
    }
  }
  if (toldEndings.includes(status)) {
    events.push({ dossierId, kind: 'dossier-finished', changeKey: 'dossier-finished', citizenKey, status });
  }
  return events;
}
