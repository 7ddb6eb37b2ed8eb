import { z } from 'zod';
import { PersonalIdNumber } from '../values';
import { DeathApplicant, Deceased, SurvivorConfirmation } from '../dossiers';
import { naturalKey } from '../natural-keys';
import { defineProcedure, stepsFor } from './define';
import { deleteResidence, funeralAllowance, registerDeath, survivorBenefit } from './services';

/** The citizen's single application for the death bundle, in the chosen variant of 2, 3 or 4 procedures. */
export const DeathBundleInput = z
  .strictObject({
    procedure: z.literal('death-bundle'),
    variant: z.union([z.literal(2), z.literal(3), z.literal(4)], { error: 'must be 2, 3 or 4 procedures' }),
    applicant: DeathApplicant,
    deceased: Deceased,
    /** The death notice (giấy báo tử) reference. */
    deathNoticeReference: z.string().trim().min(3).max(50),
    /** Variant 4 only: every relative, and whom they confirm as the family's representative. */
    survivors: z.array(SurvivorConfirmation).max(20).default([]),
    representativeIdNumber: PersonalIdNumber.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.representativeIdNumber && input.variant !== 4)
      ctx.addIssue({
        code: 'custom',
        path: ['representativeIdNumber'],
        message: 'a representative is only named for the survivor benefit (variant 4)',
      });
    if (
      input.variant === 4 &&
      input.representativeIdNumber &&
      !input.survivors.some((s) => s.personalIdNumber === input.representativeIdNumber)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['representativeIdNumber'],
        message: 'must be one of the listed survivors',
      });
    }
    if (input.applicant.personalIdNumber === input.deceased.personalIdNumber)
      ctx.addIssue({ code: 'custom', path: ['applicant', 'personalIdNumber'], message: 'must not be the deceased' });
    input.survivors.forEach((survivor, i) => {
      if (survivor.personalIdNumber === input.deceased.personalIdNumber)
        ctx.addIssue({
          code: 'custom',
          path: ['survivors', i, 'personalIdNumber'],
          message: 'must not be the deceased',
        });
    });
    if (input.variant === 4 && input.survivors.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['survivors'],
        message: 'the survivor benefit (variant 4) needs the list of relatives',
      });
    if (input.variant === 4 && !input.representativeIdNumber)
      ctx.addIssue({
        code: 'custom',
        path: ['representativeIdNumber'],
        message: 'the survivor benefit (variant 4) needs the representative',
      });
    if (input.variant !== 4 && input.survivors.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['survivors'],
        message:
          'relatives are only listed for the survivor benefit, which comes with the funeral allowance in variant 4',
      });
  });
export type DeathBundleInput = z.output<typeof DeathBundleInput>;

const step = stepsFor<DeathBundleInput>();

const death = step(registerDeath, {
  command: (input) => ({
    applicant: input.applicant,
    deceased: input.deceased,
    deathNoticeReference: input.deathNoticeReference,
  }),
});

/** What later steps need from the death registration (issued by the agency, or entered by an operator who skipped it). */
const deathRegistration = (registered: { deathExtractNumber: string }) => ({
  deathExtractNumber: registered.deathExtractNumber,
});

const residence = step(deleteResidence, {
  needs: { death },
  command: (input, { death }) => ({ deathRegistration: deathRegistration(death), deceased: input.deceased }),
});

const funeral = step(funeralAllowance, {
  needs: { death },
  command: (input, { death }) => ({
    deathRegistration: deathRegistration(death),
    deceased: input.deceased,
    applicant: input.applicant,
  }),
});

const survivors = step(survivorBenefit, {
  needs: { death },
  command: (input, { death }) => ({
    deathRegistration: deathRegistration(death),
    deceased: input.deceased,
    survivors: input.survivors,
    // Variant 4 requires the representative (input schema), and only variant 4 runs this step.
    representativeIdNumber: input.representativeIdNumber!,
  }),
});

/**
 * Death bundle, in the variant the applicant chose: register the death (civil status), then in
 * parallel delete the permanent residence (police) and, for variants 3 and 4, decide the funeral
 * allowance and, for variant 4, the survivor benefit (social insurance).
 */
export const deathBundle = defineProcedure({
  id: 'death-bundle',
  workflowType: 'deathBundle',
  label: {
    vi: 'Đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng, trợ cấp tuất',
    en: 'Death registration, deletion of permanent residence, funeral allowance and survivor benefit',
  },
  description: {
    vi: 'Khai tử cho người đã mất; sau đó xóa đăng ký thường trú và, tùy lựa chọn, giải quyết trợ cấp mai táng và trợ cấp tuất.',
    en: "Registers the death; then deletes the person's permanent residence and, as chosen, decides the funeral allowance and the survivor benefit.",
  },
  input: DeathBundleInput,
  stages: [[death], [residence, funeral, survivors]],
  // One death per deceased, whatever the variant: a completed one blocks a second as a running one does.
  uniqueKeys: (input) => [naturalKey({ 'deceased.personalIdNumber': input.deceased.personalIdNumber })],
  people: (input) => [
    {
      path: ['applicant'],
      ...input.applicant,
      alive: { otherwise: 'is recorded as deceased in the national population database' },
    },
    {
      path: ['deceased'],
      ...input.deceased,
      alive: { otherwise: 'is already registered as deceased; a death is registered once' },
      born: input.deceased,
    },
    ...input.survivors.map((survivor, i) => ({
      path: ['survivors', i],
      ...survivor,
      alive: { otherwise: 'is recorded as deceased; only living relatives confirm the representative' },
    })),
  ],
  // The survivor benefit only together with the funeral allowance (domain.md).
  variants: {
    field: 'variant',
    steps: {
      2: ['register-death', 'delete-residence'],
      3: ['register-death', 'delete-residence', 'funeral-allowance'],
      4: ['register-death', 'delete-residence', 'funeral-allowance', 'survivor-benefit'],
    },
    labels: {
      2: {
        vi: '2 thủ tục: đăng ký khai tử và xóa đăng ký thường trú',
        en: '2 procedures: register the death and delete the permanent residence',
      },
      3: {
        vi: '3 thủ tục: thêm trợ cấp mai táng (người mất có đóng bảo hiểm xã hội hoặc hưởng lương hưu)',
        en: '3 procedures: also the funeral allowance (the deceased paid social insurance or drew a pension)',
      },
      4: {
        vi: '4 thủ tục: thêm trợ cấp tuất cho thân nhân, khi mọi thân nhân cùng cử một người đại diện',
        en: '4 procedures: also the survivor benefit for relatives, when all of them name one representative',
      },
    },
  },
});
