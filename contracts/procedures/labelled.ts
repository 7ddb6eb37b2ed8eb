import type { DossierView } from '../api';
import type { DossierStatusView } from '../dossier-status';
import type { Catalogue } from './catalogue';
import type { Labels } from './define';
import { agencyLabels, dossierStatusLabels, reasonCodeLabels, stepStatusLabels, taskFlagLabels } from './labels';

/** A label for something the catalogue no longer lists (an old dossier of a retired procedure): its id. */
const unlisted = (id: string): Labels => ({ vi: id, en: id });

/** Statuses after which a step has nothing left to be late for. */
const settled = new Set(['completed', 'rejected', 'skipped', 'cancelled']);

/**
 * A dossier as the api shows it: the workflow's view with every label a person reads, in both
 * languages, and which steps are past their legal due date (a re-sent step stays late: its legal
 * date does not move), so the citizen sees a dossier is late and at which agency, not just
 * "processing".
 */
export function labelled(catalogue: Catalogue, view: DossierStatusView, now = new Date()): DossierView {
  const late = (step: DossierStatusView['steps'][number]) =>
    !settled.has(step.status) && step.dueAt !== undefined && Date.parse(step.dueAt) < now.getTime();
  const open = !['result-returned', 'partially-completed', 'withdrawn', 'rejected', 'not-accepted'].includes(
    view.status,
  );
  return {
    ...view,
    procedureLabel: catalogue.procedure(view.procedure)?.label ?? unlisted(view.procedure),
    statusLabel: dossierStatusLabels[view.status],
    overdueSteps: open
      ? view.steps.filter(late).map((step) => ({
          stepId: step.stepId,
          agency: step.agency,
          agencyLabel: agencyLabels[step.agency],
          dueAt: step.dueAt!,
        }))
      : [],
    steps: view.steps.map(({ rejection, informationRequest, ...step }) => {
      const service = catalogue.service(step.stepId);
      const reasons: Record<string, Labels> = reasonCodeLabels[step.agency];
      const flags: Record<string, Labels> = taskFlagLabels[step.agency];
      return {
        ...step,
        overdue: late(step),
        ...(step.reviewFlags ? { reviewLabels: step.reviewFlags.map((flag) => flags[flag] ?? unlisted(flag)) } : {}),
        label: service?.label ?? unlisted(step.stepId),
        agencyLabel: agencyLabels[step.agency],
        statusLabel: stepStatusLabels[step.status],
        ...(rejection
          ? {
              rejection: {
                ...rejection,
                label: reasons[rejection.reasonCode] ?? unlisted(rejection.reasonCode),
              },
            }
          : {}),
        ...(informationRequest
          ? {
              informationRequest: {
                ...informationRequest,
                fieldLabels: Object.fromEntries(
                  informationRequest.fields.map((field) => [
                    field,
                    service?.informationFields[field] ?? unlisted(field),
                  ]),
                ),
              },
            }
          : {}),
      };
    }),
  };
}
