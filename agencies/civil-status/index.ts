import {
  BirthRegistered,
  type civilStatusCommands,
  civilStatusEvents,
  DeathRegistered,
  RegisterBirth,
  RegisterDeath,
} from '../../contracts/agency-messages/civil-status';
import { registerBirth, registerDeath } from '../../contracts/procedures/services';
import { centurySexDigit } from '../../contracts/values';
import { pad, scramble, yearOf } from '../number-formats';
import { handlersOf, type AgencyModule, type HandlerMap } from '../runtime/handlers';
import { birthIdentity, carryOutOnce, deathIdentity, decideOnce, registrationTables } from './registrations';
import { alreadyDeceased, decideBirth, decideDeath, duplicateBirth } from './rules';

const on = handlersOf(civilStatusEvents);
/** What the book records of a registration: the approved event's data, answered again to a re-sent attempt. */
const routingFields = { dossierId: true, stepId: true, commandId: true } as const;
const birthRecorded = BirthRegistered.omit(routingFields);
const deathRecorded = DeathRegistered.omit(routingFields);

/**
 * The commune's civil-status office: registers births and deaths, each once whatever the dossier
 * (registrations.ts). Number formats are assumed; the population database learns of each birth and
 * death in the same transaction as the decision.
 */
export const civilStatus = {
  handlers: {
    'RegisterBirth.v1': on(registerBirth, RegisterBirth, {
      decide: (command, ctx) =>
        decideOnce(
          ctx.db,
          birthIdentity(command),
          command,
          (elsewhere) => decideBirth(command, ctx.registry, ctx.now, elsewhere),
          duplicateBirth,
          {},
        ),
      approvalDefaults: () => ({}),
      carryOut: (command, _decision, ctx) =>
        carryOutOnce(ctx.db, birthIdentity(command), command, birthRecorded, async () => {
          const { child, mother, father } = command;
          const province = child.birthPlace.provinceCode;
          const birthYear = Number(child.birthDate.slice(0, 4));
          const birthCertificateNumber = await ctx.issue(
            'birth-certificate',
            (n) => `${province}/${yearOf(ctx.now)}/KS-${pad(n, 6)}`,
          );
          const childPersonalIdNumber = await ctx.issue(
            'personal-id',
            (n) => `${province}${centurySexDigit(birthYear, child.sex)}${pad(birthYear, 2)}${pad(scramble(n), 6)}`,
          );
          const parent = mother ?? father;
          const home = parent ? await ctx.registry.find(parent.personalIdNumber) : undefined;
          await ctx.registry.add({
            personalId: childPersonalIdNumber,
            fullName: child.fullName,
            sex: child.sex,
            birthDate: child.birthDate,
            provinceCode: home?.provinceCode ?? province,
            commune: home?.commune ?? child.birthPlace.commune,
            street: home?.street ?? child.birthPlace.street,
            householdId: home?.householdId ?? `HK-${province}-NEW`,
            householdHead: false,
            owner: false,
            contributionMonths: 0,
            pensioner: false,
            alive: true,
          });
          return { birthCertificateNumber, childPersonalIdNumber, registeredAt: ctx.now.toISOString() };
        }),
    }),
    'RegisterDeath.v1': on(registerDeath, RegisterDeath, {
      decide: (command, ctx) =>
        decideOnce(
          ctx.db,
          deathIdentity(command),
          command,
          (elsewhere) => decideDeath(command, ctx.registry, ctx.now, elsewhere),
          alreadyDeceased,
          {},
        ),
      approvalDefaults: () => ({}),
      carryOut: (command, _decision, ctx) =>
        carryOutOnce(ctx.db, deathIdentity(command), command, deathRecorded, async () => {
          const { deceased } = command;
          await ctx.registry.markDeceased(deceased.personalIdNumber, deceased.dateOfDeath);
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
