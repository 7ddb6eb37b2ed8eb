import {
  DecideFuneralAllowance,
  DecideSurvivorBenefit,
  IssueHealthInsuranceCard,
  type socialInsuranceCommands,
  socialInsuranceEvents,
} from '../../contracts/agency-messages/social-insurance';
import { funeralAllowance, issueHealthInsuranceCard, survivorBenefit } from '../../contracts/procedures/services';
import { pad, scramble, yearOf } from '../number-formats';
import { handlersOf, type AgencyModule, type HandlerMap } from '../runtime/handlers';
import {
  decideFuneralAllowance,
  decideHealthCard,
  decideSurvivorBenefit,
  funeralAllowanceVnd,
  healthCardValidTo,
} from './rules';

const on = handlersOf(socialInsuranceEvents);

/** Vietnam Social Security: the under-6 health-insurance card, the funeral allowance, the survivor benefit. */
export const socialInsurance = {
  handlers: {
    'IssueHealthInsuranceCard.v1': on(issueHealthInsuranceCard, IssueHealthInsuranceCard, {
      decide: (command, ctx) => decideHealthCard(command, ctx.now),
      approvalDefaults: ({ child }) => ({ validFrom: child.birthDate, validTo: healthCardValidTo(child.birthDate) }),
      async carryOut(command, { result }, ctx) {
        // Two digits of the province code (assumed format): 10 digits in all, as the contract wants.
        const province = command.residence.address.provinceCode.slice(1);
        const socialInsuranceNumber = await ctx.issue(
          'social-insurance-number',
          (n) => `${province}${yearOf(ctx.now).slice(2)}${pad(scramble(n), 6)}`,
        );
        return {
          socialInsuranceNumber,
          cardNumber: `TE1${province}${socialInsuranceNumber}`,
          validFrom: result.validFrom,
          validTo: result.validTo,
        };
      },
    }),
    'DecideFuneralAllowance.v1': on(funeralAllowance, DecideFuneralAllowance, {
      async decide(command, ctx) {
        const paid = await ctx.db.query('select 1 from payouts where deceased_id = $1', [
          command.deceased.personalIdNumber,
        ]);
        return decideFuneralAllowance(command, ctx.population, (paid.rowCount ?? 0) > 0);
      },
      approvalDefaults: () => ({ amountVnd: funeralAllowanceVnd() }),
      async carryOut(command, { result }, ctx) {
        // The payout row makes a second allowance for the same person impossible, whatever the dossier.
        await ctx.db.query('insert into payouts (deceased_id, command_id, amount_vnd) values ($1, $2, $3)', [
          command.deceased.personalIdNumber,
          command.commandId,
          result.amountVnd,
        ]);
        const decisionNumber = await ctx.issue('funeral-decision', (n) => `QĐ-MT-${yearOf(ctx.now)}-${pad(n, 6)}`);
        return { decisionNumber, amountVnd: result.amountVnd };
      },
    }),
    'DecideSurvivorBenefit.v1': on(survivorBenefit, DecideSurvivorBenefit, {
      decide: (command) => decideSurvivorBenefit(command),
      approvalDefaults: ({ representativeIdNumber }) => ({ representativeIdNumber }),
      carryOut: async (_command, { result }, ctx) => ({
        decisionNumber: await ctx.issue('survivor-decision', (n) => `QĐ-TT-${yearOf(ctx.now)}-${pad(n, 6)}`),
        representativeIdNumber: result.representativeIdNumber,
      }),
    }),
  } satisfies HandlerMap<typeof socialInsuranceCommands>,
} satisfies AgencyModule;
