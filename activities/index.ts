import { ApplicationFailure } from '@temporalio/activity';
import type { AgencyId } from '../contracts/agencies';
import { commandTopic, notificationsTopic, topicSpec, type TopicSpec } from '../contracts/topics';
import type { DossierStatusChanged } from '../contracts/dossier-status';
import { isBusError } from '../platform/bus/errors';

/** What the activities need from the event bus: validated, keyed CloudEvents publishing. */
export interface ActivityPublisher {
  publish(
    topic: TopicSpec,
    event: { id: string; type: string; subject: string; source: string; data: unknown },
  ): Promise<unknown>;
}

/** One attempt of one step's agency command, as the workflow asks for it. */
export interface AgencyCommandRequest {
  agency: AgencyId;
  dossierId: string;
  stepId: string;
  /** Deterministic (dossier/step/attempt), so a re-sent activity publishes the same command id. */
  commandId: string;
  attempt: number;
  type: string;
  data: Record<string, unknown>;
}

/** What a sent command answers: its step and id, kept in a local activity's marker for the operator's reset. */
export interface SentCommand {
  stepId: string;
  commandId: string;
}

/** What one workflow task of a dossier publishes at once (the 'batched-publish' patch). */
export interface DossierBatch {
  /** Status changes, in order; published before the commands they led to. */
  notifications: DossierStatusChanged[];
  commands: AgencyCommandRequest[];
}

const source = 'lienthong/orchestrator';

const notificationEvent = (notification: DossierStatusChanged) => ({
  id: `${notification.dossierId}/${notification.status}/${notification.changedAt}`,
  type: 'DossierStatusChanged.v1',
  subject: notification.dossierId,
  source,
  data: notification,
});

/** Side effects of the dossier workflows, built over injected clients. */
export function createActivities(deps: { publisher: ActivityPublisher }) {
  const publish = async (topic: TopicSpec, event: Parameters<ActivityPublisher['publish']>[1]) => {
    try {
      await deps.publisher.publish(topic, event);
    } catch (err) {
      // A message its own schema refuses will never fit: fail the activity for good, and the step
      // waits for an operator with the reason, instead of retrying for ever.
      if (isBusError(err) && !err.retriable) throw ApplicationFailure.nonRetryable(err.message, err.type);
      throw err;
    }
  };
  const sendCommand = async (command: AgencyCommandRequest): Promise<SentCommand> => {
    await publish(topicSpec(commandTopic(command.agency)), {
      id: command.commandId,
      type: command.type,
      subject: command.dossierId,
      source,
      data: {
        ...command.data,
        dossierId: command.dossierId,
        stepId: command.stepId,
        commandId: command.commandId,
        attempt: command.attempt,
      },
    });
    return { stepId: command.stepId, commandId: command.commandId };
  };
  const publishNotifications = async (notifications: DossierStatusChanged[]) => {
    for (const notification of notifications)
      await publish(topicSpec(notificationsTopic), notificationEvent(notification));
  };
  return {
    /** Publishes a step's command to its agency's command topic; the command id is the CloudEvent id. */
    async sendAgencyCommand(command: AgencyCommandRequest): Promise<SentCommand> {
      return sendCommand(command);
    },

    /** Tells the citizen (and anyone following the dossier) that its status changed. */
    async publishDossierNotification(notification: DossierStatusChanged): Promise<void> {
      await publish(topicSpec(notificationsTopic), notificationEvent(notification));
    },

    /** The status changes of one workflow task, in order: one (local) activity instead of one each. */
    async publishDossierNotifications(notifications: DossierStatusChanged[]): Promise<void> {
      await publishNotifications(notifications);
    },

    /**
     * A workflow task's agency commands and status changes in one local activity: its marker's
     * result names the commands' steps, where the operator's reset finds them. Every publish is
     * idempotent (deterministic ids), so a retried batch sends nothing twice in effect.
     */
    async publishDossierBatch(batch: DossierBatch): Promise<{ sent: SentCommand[] }> {
      // Commands first: the batch's status changes may already count them as sent.
      const sent = await Promise.all(batch.commands.map(sendCommand));
      await publishNotifications(batch.notifications);
      return { sent };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
