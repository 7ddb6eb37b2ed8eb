import {
  DeletePermanentResidence,
  RegisterPermanentResidence,
  type residenceCommands,
  residenceEvents,
} from '../../contracts/agency-messages/residence';
import { pad, yearOf } from '../number-formats';
import { handlersOf, type AgencyModule, type HandlerMap } from '../runtime/handlers';
import { decideResidence, decideResidenceDeletion } from './rules';

const on = handlersOf(residenceEvents);

/** The commune police's residence registry: registers newborns' permanent residence, deletes the deceased's. */
export const residence = {
  handlers: {
    'RegisterPermanentResidence.v1': on(RegisterPermanentResidence, {
      decide: (command, ctx) => decideResidence(command, ctx.registry, ctx.now, ctx.calendar),
      // An officer approving by hand registers the child in the parent's household when there is one.
      approvalDefaults: async (command, ctx) => ({
        householdId: (await ctx.registry.find(command.parentIdNumber))?.householdId ?? 'new-household',
      }),
      async carryOut(command, { result }, ctx) {
        const province = command.residence.address.provinceCode;
        const residenceRegistrationNumber = await ctx.issue(
          'residence-registration',
          (n) => `TT-${province}-${yearOf(ctx.now)}-${pad(n, 6)}`,
        );
        return { residenceRegistrationNumber, householdId: result.householdId, registeredAt: ctx.now.toISOString() };
      },
      events: { approved: 'PermanentResidenceRegistered.v1', rejected: 'PermanentResidenceRegistrationRejected.v1' },
    }),
    'DeletePermanentResidence.v1': on(DeletePermanentResidence, {
      decide: (command, ctx) => decideResidenceDeletion(command, ctx.registry),
      approvalDefaults: () => ({}),
      carryOut: async (_command, _decision, ctx) => ({
        deletionRecordNumber: await ctx.issue('residence-deletion', (n) => `XTT-${yearOf(ctx.now)}-${pad(n, 6)}`),
        deletedAt: ctx.now.toISOString(),
      }),
      events: { approved: 'PermanentResidenceDeleted.v1', rejected: 'PermanentResidenceDeletionRejected.v1' },
    }),
  } satisfies HandlerMap<typeof residenceCommands>,
} satisfies AgencyModule;
