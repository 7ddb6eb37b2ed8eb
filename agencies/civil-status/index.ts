import {
  BirthRegistered,
  type civilStatusCommands,
  civilStatusEvents,
  DeathRegistered,
  RegisterBirth,
  RegisterDeath,
} from '../../contracts/agency-messages/civil-status';
import { registerBirth, registerDeath } from '../../contracts/procedures/services';
import { pad, yearOf } from '../number-formats';
import { handlersOf, RegistryRefusedError, type AgencyModule, type HandlerMap } from '../runtime/handlers';
import { birthIdentity, carryOutOnce, deathIdentity, decideOnce, registrationTables } from './registrations';
import { alreadyDeceased, decideBirth, decideDeath, duplicateBirth } from './rules';

const on = handlersOf(civilStatusEvents);
/** What the book records of a registration: the approved event's data, answered again to a re-sent attempt. */
const routingFields = { dossierId: true, stepId: true, commandId: true } as const;
const birthRecorded = BirthRegistered.omit(routingFields);
const deathRecorded = DeathRegistered.omit(routingFields);

/**
 * The commune's civil-status office: registers births and deaths, each once whatever the dossier
 * (registrations.ts). Number formats are assumed; the national population registry issues the
 * child's ID and records the death before the decision commits (a retried case asks it again by the
 * same request id and gets the same answer).
 */
export const civilStatus = {
  handlers: {
    'RegisterBirth.v1': on(registerBirth, RegisterBirth, {
      decide: (command, ctx) =>
        decideOnce(
          ctx.db,
          birthIdentity(command),
          command,
          (elsewhere) => decideBirth(command, ctx.population, ctx.now, elsewhere),
          duplicateBirth,
          {},
        ),
      approvalDefaults: () => ({}),
      carryOut: (command, _decision, ctx) =>
        carryOutOnce(ctx.db, birthIdentity(command), command, birthRecorded, async () => {
          const { child, mother, father } = command;
          const province = child.birthPlace.provinceCode;
          const birthCertificateNumber = await ctx.issue(
            'birth-certificate',
            (n) => `${province}/${yearOf(ctx.now)}/KS-${pad(n, 6)}`,
          );
          // The registry issues the ID, once per birth: asked again by this step or for this birth, it answers the same.
          const issued = await ctx.registry.registerBirth({
            requestId: `${command.dossierId}/${command.stepId}`,
            birthKey: birthIdentity(command).key,
            child: { fullName: child.fullName, sex: child.sex, birthDate: child.birthDate },
            registeredIn: province,
            parentIdNumber: (mother ?? father)?.personalIdNumber,
            parents: [mother, father].flatMap((parent) => (parent ? [parent.personalIdNumber] : [])),
            birthPlace: child.birthPlace,
          });
          if (!issued.ok) throw new RegistryRefusedError(issued.reasonCode, issued.message);
          const childPersonalIdNumber = issued.personalId;
          return { birthCertificateNumber, childPersonalIdNumber, registeredAt: ctx.now.toISOString() };
        }),
    }),
    'RegisterDeath.v1': on(registerDeath, RegisterDeath, {
      decide: (command, ctx) =>
        decideOnce(
          ctx.db,
          deathIdentity(command),
          command,
          (elsewhere) => decideDeath(command, ctx.population, ctx.now, elsewhere),
          alreadyDeceased,
          {},
        ),
      approvalDefaults: () => ({}),
      carryOut: (command, _decision, ctx) =>
        carryOutOnce(ctx.db, deathIdentity(command), command, deathRecorded, async () => {
          const { deceased } = command;
          const died = await ctx.registry.registerDeath({
            requestId: `${command.dossierId}/${command.stepId}`,
            personalId: deceased.personalIdNumber,
            diedOn: deceased.dateOfDeath,
          });
          if (!died.ok) throw new RegistryRefusedError(died.reasonCode, died.message);
          const deathExtractNumber = await ctx.issue(
            'death-extract',
            (n) => `${deceased.placeOfDeath.provinceCode}/${yearOf(ctx.now)}/TK-${pad(n, 6)}`,
          );
          return { deathExtractNumber, registeredAt: ctx.now.toISOString() };
        }),
    }),
  } satisfies HandlerMap<typeof civilStatusCommands>,
  tables: registrationTables,
} satisfies AgencyModule;
