import type pg from 'pg';
import type { AgencyId } from '../contracts/agencies';
import { localDate } from '../contracts/calendar';
import { centurySexDigit } from '../contracts/values';
import type { RegisterBirth, RegisterDeath } from '../contracts/agency-messages/civil-status';
import type { RegisterPermanentResidence } from '../contracts/agency-messages/residence';
import type { DecideFuneralAllowance } from '../contracts/agency-messages/social-insurance';
import type { Decision } from './rules';
import { createPopulationRegistry } from './reference';

/** The event an approval, rejection or information request becomes, per command type. */
const eventNames: Record<string, { approved: string; rejected: string }> = {
  'RegisterBirth.v1': { approved: 'BirthRegistered.v1', rejected: 'BirthRegistrationRejected.v1' },
  'RegisterDeath.v1': { approved: 'DeathRegistered.v1', rejected: 'DeathRegistrationRejected.v1' },
  'RegisterPermanentResidence.v1': {
    approved: 'PermanentResidenceRegistered.v1',
    rejected: 'PermanentResidenceRegistrationRejected.v1',
  },
  'DeletePermanentResidence.v1': {
    approved: 'PermanentResidenceDeleted.v1',
    rejected: 'PermanentResidenceDeletionRejected.v1',
  },
  'IssueHealthInsuranceCard.v1': {
    approved: 'HealthInsuranceCardIssued.v1',
    rejected: 'HealthInsuranceCardRejected.v1',
  },
  'DecideFuneralAllowance.v1': { approved: 'FuneralAllowanceDecided.v1', rejected: 'FuneralAllowanceRejected.v1' },
  'DecideSurvivorBenefit.v1': { approved: 'SurvivorBenefitDecided.v1', rejected: 'SurvivorBenefitRejected.v1' },
};

export function handledCommandTypes(): string[] {
  return Object.keys(eventNames);
}

type Client = Pick<pg.PoolClient, 'query'>;

/** Reserves a unique number of a kind (certificate, ID, card…) inside the case's transaction. */
async function issue(
  client: Client,
  kind: string,
  commandId: string,
  make: (sequence: number) => string,
): Promise<string> {
  for (let tries = 0; tries < 20; tries += 1) {
    const { rows } = await client.query<{ n: string }>("select nextval('issued_number_seq') as n");
    const value = make(Number(rows[0]?.n));
    const inserted = await client.query(
      'insert into issued_numbers (kind, value, command_id) values ($1, $2, $3) on conflict do nothing',
      [kind, value, commandId],
    );
    if (inserted.rowCount === 1) return value;
  }
  throw new Error(`could not issue a unique ${kind}`);
}

const pad = (n: number, width: number) => String(n % 10 ** width).padStart(width, '0');
/** Spreads a sequence over the 6 random digits of rule 1 so consecutive IDs do not look consecutive. */
const scramble = (n: number) => (n * 7_919 + 104_729) % 1_000_000;

/**
 * Carries out an approval: issues the numbers the agency is responsible for and changes the
 * reference data it owns, all in the case's transaction. Number formats are assumed.
 */
async function approvedResult(
  agency: AgencyId,
  command: { type: string; data: Record<string, unknown> },
  decision: Extract<Decision, { outcome: 'approved' }>,
  client: Client,
  now: Date,
): Promise<Record<string, unknown>> {
  const { commandId } = command.data as { commandId: string };
  const year = localDate(now).slice(0, 4);
  const at = now.toISOString();
  const registry = createPopulationRegistry(client as never);
  switch (command.type) {
    case 'RegisterBirth.v1': {
      const c = command.data as unknown as RegisterBirth;
      const province = c.child.birthPlace.provinceCode;
      const birthYear = Number(c.child.birthDate.slice(0, 4));
      const birthCertificateNumber = await issue(
        client,
        'birth-certificate',
        commandId,
        (n) => `${province}/${year}/KS-${pad(n, 6)}`,
      );
      const childPersonalIdNumber = await issue(
        client,
        'personal-id',
        commandId,
        (n) => `${province}${centurySexDigit(birthYear, c.child.sex)}${pad(birthYear, 2)}${pad(scramble(n), 6)}`,
      );
      const parent = c.mother ?? c.father;
      const home = parent ? await registry.find(parent.personalIdNumber) : undefined;
      await registry.add(
        {
          personalId: childPersonalIdNumber,
          fullName: c.child.fullName,
          sex: c.child.sex,
          birthDate: c.child.birthDate,
          provinceCode: home?.provinceCode ?? province,
          commune: home?.commune ?? c.child.birthPlace.commune,
          street: home?.street ?? c.child.birthPlace.street,
          householdId: home?.householdId ?? `HK-${province}-NEW`,
          householdHead: false,
          owner: false,
          contributionMonths: 0,
          pensioner: false,
          alive: true,
        },
        client,
      );
      return { birthCertificateNumber, childPersonalIdNumber, registeredAt: at };
    }
    case 'RegisterDeath.v1': {
      const c = command.data as unknown as RegisterDeath;
      await registry.markDeceased(c.deceased.personalIdNumber, c.deceased.dateOfDeath, client);
      return {
        deathExtractNumber: await issue(
          client,
          'death-extract',
          commandId,
          (n) => `${c.deceased.placeOfDeath.provinceCode}/${year}/TK-${pad(n, 6)}`,
        ),
        registeredAt: at,
      };
    }
    case 'RegisterPermanentResidence.v1': {
      const c = command.data as unknown as RegisterPermanentResidence;
      const number = await issue(
        client,
        'residence-registration',
        commandId,
        (n) => `TT-${c.residence.address.provinceCode}-${year}-${pad(n, 6)}`,
      );
      return {
        residenceRegistrationNumber: number,
        householdId: String(decision.result.householdId),
        registeredAt: at,
      };
    }
    case 'DeletePermanentResidence.v1':
      return {
        deletionRecordNumber: await issue(client, 'residence-deletion', commandId, (n) => `XTT-${year}-${pad(n, 6)}`),
        deletedAt: at,
      };
    case 'IssueHealthInsuranceCard.v1': {
      const province = String(
        (command.data as { residence: { address: { provinceCode: string } } }).residence.address.provinceCode,
      ).slice(1);
      const socialInsuranceNumber = await issue(
        client,
        'social-insurance-number',
        commandId,
        (n) => `${province}${year.slice(2)}${pad(scramble(n), 6)}`,
      );
      return {
        socialInsuranceNumber,
        cardNumber: `TE1${province}${socialInsuranceNumber}`,
        validFrom: decision.result.validFrom,
        validTo: decision.result.validTo,
      };
    }
    case 'DecideFuneralAllowance.v1': {
      const c = command.data as unknown as DecideFuneralAllowance;
      const amountVnd = Number(decision.result.amountVnd);
      await client.query('insert into payouts (deceased_id, command_id, amount_vnd) values ($1, $2, $3)', [
        c.deceased.personalIdNumber,
        commandId,
        amountVnd,
      ]);
      return {
        decisionNumber: await issue(client, 'funeral-decision', commandId, (n) => `QĐ-MT-${year}-${pad(n, 6)}`),
        amountVnd,
      };
    }
    case 'DecideSurvivorBenefit.v1':
      return {
        decisionNumber: await issue(client, 'survivor-decision', commandId, (n) => `QĐ-TT-${year}-${pad(n, 6)}`),
        representativeIdNumber: decision.result.representativeIdNumber,
      };
    default:
      throw new Error(`${agency} cannot carry out ${command.type}`);
  }
}

/** The event a decision becomes (its data without the routing fields, which the caller adds). */
export async function decisionEvent(
  agency: AgencyId,
  command: { type: string; data: Record<string, unknown> },
  decision: Exclude<Decision, { outcome: 'needs-review' }>,
  client: Client,
  now: Date,
  answerBy: Date,
): Promise<{ type: string; data: Record<string, unknown> }> {
  const names = eventNames[command.type];
  if (!names) throw new Error(`${agency} does not handle ${command.type}`);
  switch (decision.outcome) {
    case 'approved':
      return { type: names.approved, data: await approvedResult(agency, command, decision, client, now) };
    case 'rejected':
      return { type: names.rejected, data: { reasonCode: decision.reasonCode, message: decision.message } };
    case 'needs-information':
      return {
        type: 'AdditionalInformationRequested.v1',
        data: { fields: decision.fields, message: decision.message, answerBy: answerBy.toISOString() },
      };
  }
}
