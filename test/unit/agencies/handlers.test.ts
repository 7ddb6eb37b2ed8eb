import { describe, expect, it } from 'vitest';
import { agencyModules } from '../../../agencies';
import type { AgencyModule } from '../../../agencies/runtime/handlers';
import { agencyIds, type AgencyId } from '../../../contracts/agencies';
import { demoPeople } from '../../../contracts/demo-citizens';
import { eventTopic, topicSpec } from '../../../contracts/topics';
import {
  daysBefore,
  deceasedOf,
  fakeContext,
  personRef,
  registerBirth,
  registerDeath,
  routing,
  TODAY,
} from './support';

/**
 * Every handler of every agency, through the same door the runtime uses (the command's JSON in):
 * an approval by the rules and one by a worker both become an event that fits the agency's contract.
 */
const { lan, bao, hanh, mo } = demoPeople;
const birthRegistration = { birthCertificateNumber: '001/2026/KS-000001', childPersonalIdNumber: '001226000001' };
const deathRegistration = { deathExtractNumber: '001/2026/TK-000001' };
const residence = {
  address: { provinceCode: lan.provinceCode, commune: lan.commune, street: lan.street },
  parent: 'mother',
  parentConfirmed: true,
  householdHeadConsent: false,
  ownerConsent: false,
};
const eventRouting = { dossierId: routing.dossierId, stepId: routing.stepId, commandId: routing.commandId };
const child = registerBirth(TODAY).child;
const deceased = deceasedOf(bao, daysBefore(TODAY, 2));

/** A command each handler approves, as JSON from the cases table. */
const approvable: { [A in AgencyId]: Record<keyof (typeof agencyModules)[A]['handlers'], Record<string, unknown>> } = {
  'civil-status': {
    'RegisterBirth.v1': JSON.parse(JSON.stringify(registerBirth(TODAY))),
    'RegisterDeath.v1': JSON.parse(JSON.stringify(registerDeath(daysBefore(TODAY, 2)))),
  },
  residence: {
    'RegisterPermanentResidence.v1': {
      ...routing,
      birthRegistration,
      child,
      parentIdNumber: lan.personalId,
      residence,
    },
    'DeletePermanentResidence.v1': { ...routing, deathRegistration, deceased },
  },
  'social-insurance': {
    'IssueHealthInsuranceCard.v1': { ...routing, birthRegistration, child, residence },
    'DecideFuneralAllowance.v1': {
      ...routing,
      deathRegistration,
      deceased,
      applicant: { ...personRef(hanh), relationship: 'child' },
    },
    'DecideSurvivorBenefit.v1': {
      ...routing,
      deathRegistration,
      deceased,
      survivors: [
        { ...personRef(hanh), relationship: 'child', confirmsRepresentative: true },
        { ...personRef(mo), relationship: 'spouse', confirmsRepresentative: true },
      ],
      representativeIdNumber: hanh.personalId,
    },
  },
};

const modules: Record<AgencyId, AgencyModule> = agencyModules;
const rows = agencyIds.flatMap((agency) =>
  Object.entries(approvable[agency]).map(([commandType, command]) => ({ agency, commandType, command })),
);

describe.each(rows)('$agency handles $commandType', ({ agency, commandType, command }) => {
  const handler = modules[agency].handlers[commandType];
  if (!handler) throw new Error(`${agency} has no handler for ${commandType}`);
  const approvedEvent = topicSpec(eventTopic(agency)).messages[handler.events.approved]!;
  const fits = (data: Record<string, unknown>) =>
    expect(approvedEvent.safeParse({ ...data, ...eventRouting }).error).toBeUndefined();

  it('approves by the rules with an event that fits the contract', async () => {
    const ctx = fakeContext();
    const verdict = await handler.open(command).decide(ctx);
    if (verdict.outcome !== 'approved') throw new Error(`expected an approval, got ${JSON.stringify(verdict)}`);
    fits(await verdict.carryOut(ctx));
  });

  it('approves by hand with an event that fits the contract', async () => {
    const ctx = fakeContext();
    fits(await (await handler.open(command).approveByHand(ctx)).carryOut(ctx));
  });

  it('names its rejection event in the contract', () => {
    expect(topicSpec(eventTopic(agency)).messages).toHaveProperty([handler.events.rejected]);
  });

  it('refuses a command that does not fit its schema, naming the field', () => {
    expect(() => handler.open({ ...command, commandId: '' })).toThrow(/commandId/);
  });
});

describe('carrying out approvals changes the population database', () => {
  it('adds the newborn with the ID number issued, in a parent’s household', async () => {
    const ctx = fakeContext();
    const handler = agencyModules['civil-status'].handlers['RegisterBirth.v1'];
    const verdict = await handler.open(approvable['civil-status']['RegisterBirth.v1']).approveByHand(ctx);
    const { childPersonalIdNumber } = await verdict.carryOut(ctx);
    expect(await ctx.population.find(String(childPersonalIdNumber))).toMatchObject({
      fullName: child.fullName,
      householdId: lan.householdId,
      alive: true,
    });
  });

  it('marks the deceased dead', async () => {
    const ctx = fakeContext();
    const handler = agencyModules['civil-status'].handlers['RegisterDeath.v1'];
    await (await handler.open(approvable['civil-status']['RegisterDeath.v1']).approveByHand(ctx)).carryOut(ctx);
    expect((await ctx.population.find(bao.personalId))?.alive).toBe(false);
  });
});
