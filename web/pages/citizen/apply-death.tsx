import type { Me } from '../../../contracts/me';
import type { Catalogue, Labels } from '../../../contracts/procedures';
import { formatDate, say, words } from '../i18n';
import { AddressPicker } from '../components/address-picker';
import { ErrorSummary } from '../components/error-summary';
import { Choices, Confirm, PostForm, TextField } from '../components/fields';
import { Layout, type Frame } from '../components/layout';
import { all, one, survivorChoices, type FieldErrors, type FormBody } from '../forms';
import { RegistrySummary } from './apply-birth';

const fieldLabels: Record<string, Labels> = {
  deceased: words.deathWho,
  'deceased.dateOfDeath': words.dateOfDeath,
  'deceased.placeOfDeath.provinceCode': words.province,
  'deceased.placeOfDeath.commune': words.commune,
  'deceased.placeOfDeath.street': words.street,
  deathNoticeReference: words.deathNoticeReference,
  variant: words.variant,
  survivors: words.survivors,
  representativeIdNumber: words.representative,
};

/**
 * The death bundle's application in two questions, so it works without JavaScript: first who died
 * (a relative the registry knows), then the death, the variant and, for variant 4, the relatives.
 */
export function ApplyDeathPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  me: Me;
  /** The relative chosen on the first question; absent = ask it. */
  deceasedId?: string;
  formKey: string;
  body?: FormBody;
  errors?: FieldErrors;
}) {
  const { frame, me } = props;
  const { lang } = frame;
  const procedure = props.catalogue.procedure('death-bundle')!;
  const form = me.forms['death-bundle'];
  const errors = props.errors ?? {};
  const body = props.body ?? {};
  const value = (name: string) => one(body, name);
  const candidate = form.candidates.find((c) => c.deceased.personalIdNumber === props.deceasedId);
  const variants = procedure.variants;
  return (
    <Layout frame={frame} title={say(lang, procedure.label)}>
      <p>
        <a href={candidate ? '/apply/death-bundle' : '/'} class="back-link">
          {say(lang, words.back)}
        </a>
      </p>
      <ErrorSummary lang={lang} errors={errors} labels={fieldLabels} />
      <h1>{say(lang, procedure.label)}</h1>
      <p>{say(lang, procedure.description)}</p>
      {form.candidates.length === 0 ? (
        <p class="notice">{say(lang, words.noDeathCandidates)}</p>
      ) : !candidate ? (
        <form method="get" action="/apply/death-bundle" novalidate>
          <Choices
            lang={lang}
            name="deceased"
            label={words.deathWho}
            hint={words.deathWhoHint}
            errors={errors}
            options={form.candidates.map((c) => ({
              value: c.deceased.personalIdNumber,
              label: c.deceased.fullName,
              hint: `${say(lang, words.relationship[c.applicantRelationship])} · ${say(lang, words.birthDate)} ${formatDate(c.deceased.birthDate)}`,
            }))}
          />
          <button type="submit" class="button">
            {say(lang, words.continue)}
          </button>
        </form>
      ) : (
        <>
          <RegistrySummary
            lang={lang}
            rows={[
              { label: words.applicant, value: `${form.applicant.fullName} (${form.applicant.personalIdNumber})` },
              {
                label: words.deathWho,
                value: `${candidate.deceased.fullName} (${candidate.deceased.personalIdNumber}) · ${say(lang, words.relationship[candidate.applicantRelationship])}`,
              },
            ]}
          />
          <PostForm
            action={`/apply/death-bundle?deceased=${candidate.deceased.personalIdNumber}`}
            csrf={frame.csrf}
            formKey={props.formKey}
          >
            <TextField
              lang={lang}
              name="deceased.dateOfDeath"
              label={words.dateOfDeath}
              hint={words.dateHint}
              value={value('deceased.dateOfDeath')}
              inputmode="numeric"
              short
              errors={errors}
            />
            <AddressPicker
              lang={lang}
              prefix="deceased.placeOfDeath"
              legend={words.placeOfDeath}
              value={{
                provinceCode: value('deceased.placeOfDeath.provinceCode'),
                commune: value('deceased.placeOfDeath.commune'),
                street: value('deceased.placeOfDeath.street'),
              }}
              defaultProvince={me.permanentAddress?.provinceCode}
              errors={errors}
            />
            <TextField
              lang={lang}
              name="deathNoticeReference"
              label={words.deathNoticeReference}
              hint={words.deathNoticeHint}
              value={value('deathNoticeReference')}
              errors={errors}
            />
            <Confirm
              lang={lang}
              name="deceased.occupationalCause"
              label={words.occupationalCause}
              checked={value('deceased.occupationalCause') === 'yes'}
              errors={errors}
            />
            {variants && (
              <Choices
                lang={lang}
                name="variant"
                label={words.variant}
                value={value('variant')}
                errors={errors}
                options={Object.entries(variants.labels).map(([variant, label]) => ({
                  value: variant,
                  label: say(lang, label),
                  hint: (variants.steps[variant] ?? [])
                    .map((stepId) => props.catalogue.service(stepId))
                    .map((service) => (service ? say(lang, service.label) : ''))
                    .join(' · '),
                }))}
              />
            )}
            <div class="conditional" data-show-when-variant="4">
              <Choices
                lang={lang}
                type="checkbox"
                name="survivors"
                label={words.survivors}
                hint={words.survivorsHint}
                value={all(body, 'survivors')}
                errors={errors}
                options={survivorChoices(me, candidate.deceased.personalIdNumber).map((choice) => ({
                  value: choice.person.personalIdNumber,
                  label: `${choice.person.fullName} — ${say(lang, words.confirms)}`,
                  hint: say(lang, words.survivorRelationship[choice.relationship]),
                }))}
              />
              <Choices
                lang={lang}
                name="representativeIdNumber"
                label={words.representative}
                value={value('representativeIdNumber')}
                errors={errors}
                options={survivorChoices(me, candidate.deceased.personalIdNumber).map((choice) => ({
                  value: choice.person.personalIdNumber,
                  label: choice.person.fullName,
                }))}
              />
            </div>
            <button type="submit" class="button" data-prevent-double-click>
              {say(lang, words.submit)}
            </button>
          </PostForm>
        </>
      )}
    </Layout>
  );
}
