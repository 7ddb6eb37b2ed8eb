import {
  DeletePermanentResidence,
  RegisterPermanentResidence,
  type residenceCommands,
  residenceEvents,
} from '../../contracts/agency-messages/residence';
import { deleteResidence, registerResidence } from '../../contracts/procedures/services';
import { pad, yearOf } from '../number-formats';
import { handlersOf, type AgencyModule, type HandlerMap } from '../runtime/handlers';
import { decideResidence, decideResidenceDeletion } from './rules';

const on = handlersOf(residenceEvents);

/** The commune police's residence registry: registers newborns' permanent residence, deletes the deceased's. */
export const residence = {
  handlers: {
    'RegisterPermanentResidence.v1': on(registerResidence, RegisterPermanentResidence, {
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
    }),
    'DeletePermanentResidence.v1': on(deleteResidence, DeletePermanentResidence, {
      decide: (command, ctx) => decideResidenceDeletion(command, ctx.registry),
      approvalDefaults: () => ({}),
      carryOut: async (_command, _decision, ctx) => ({
        deletionRecordNumber: await ctx.issue('residence-deletion', (n) => `XTT-${yearOf(ctx.now)}-${pad(n, 6)}`),
        deletedAt: ctx.now.toISOString(),
      }),
    }),
  } satisfies HandlerMap<typeof residenceCommands>,
} satisfies AgencyModule;
