import {
  DeletePermanentResidence,
  RegisterPermanentResidence,
  type residenceCommands,
  residenceEvents,
} from '../../contracts/agency-messages/residence';
import { localDate } from '../../contracts/calendar';
import { deleteResidence, registerResidence } from '../../contracts/procedures/services';
import { pad, yearOf } from '../number-formats';
import { handlersOf, RegistryRefusedError, type AgencyModule, type HandlerMap } from '../runtime/handlers';
import { decideResidence, decideResidenceDeletion } from './rules';

const on = handlersOf(residenceEvents);

/** The commune police: registers newborns' permanent residence and deletes the deceased's, in the national registry. */
export const residence = {
  handlers: {
    'RegisterPermanentResidence.v1': on(registerResidence, RegisterPermanentResidence, {
      decide: (command, ctx) => decideResidence(command, ctx.population, ctx.now, ctx.calendar),
      // An officer approving by hand registers the child in the parent's household when there is one.
      approvalDefaults: async (command, ctx) => ({
        householdId:
          (await ctx.population.find(command.parentIdNumber))?.householdId ??
          `HK-${command.residence.address.provinceCode}-${command.birthRegistration.childPersonalIdNumber}`,
      }),
      async carryOut(command, { result }, ctx) {
        const { address } = command.residence;
        const registered = await ctx.registry.registerPermanentResidence({
          requestId: `${command.dossierId}/${command.stepId}`,
          personalId: command.birthRegistration.childPersonalIdNumber,
          residence: { householdId: result.householdId, ...address },
        });
        if (!registered.ok) throw new RegistryRefusedError(registered.reasonCode, registered.message);
        const province = address.provinceCode;
        const residenceRegistrationNumber = await ctx.issue(
          'residence-registration',
          (n) => `TT-${province}-${yearOf(ctx.now)}-${pad(n, 6)}`,
        );
        return { residenceRegistrationNumber, householdId: result.householdId, registeredAt: ctx.now.toISOString() };
      },
    }),
    'DeletePermanentResidence.v1': on(deleteResidence, DeletePermanentResidence, {
      decide: (command, ctx) => decideResidenceDeletion(command, ctx.population),
      approvalDefaults: () => ({}),
      async carryOut(command, _decision, ctx) {
        const deleted = await ctx.registry.deletePermanentResidence({
          requestId: `${command.dossierId}/${command.stepId}`,
          personalId: command.deceased.personalIdNumber,
          deletedOn: localDate(ctx.now),
        });
        if (!deleted.ok) throw new RegistryRefusedError(deleted.reasonCode, deleted.message);
        return {
          deletionRecordNumber: await ctx.issue('residence-deletion', (n) => `XTT-${yearOf(ctx.now)}-${pad(n, 6)}`),
          deletedAt: ctx.now.toISOString(),
        };
      },
    }),
  } satisfies HandlerMap<typeof residenceCommands>,
} satisfies AgencyModule;
