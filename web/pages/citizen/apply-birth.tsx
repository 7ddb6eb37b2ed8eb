import type { Me } from '../../../contracts/me';
import type { Catalogue, Labels } from '../../../contracts/procedures';
import { provinces, type ProvinceCode } from '../../../contracts/values';
import { AddressPicker } from '../components/address-picker';
import { ErrorSummary } from '../components/error-summary';
import { Choices, Confirm, PostForm, TextField } from '../components/fields';
import { Layout, type Frame } from '../components/layout';
import { one, type FieldErrors, type FormBody } from '../forms';
import { say, words, type Lang } from '../i18n';

/** The fields of this form by path, for the error summary. */
const fieldLabels: Record<string, Labels> = {
  'child.fullName': words.childName,
  'child.sex': words.sex,
  'child.birthDate': words.birthDate,
  'child.birthPlace.provinceCode': words.province,
  'child.birthPlace.commune': words.commune,
  'child.birthPlace.street': words.street,
  'child.birthPlace': words.birthPlace,
  birthCertificateReference: words.birthCertificateReference,
  'residence.parentConfirmed': words.parentConfirmed,
  'residence.address.provinceCode': words.province,
  'residence.address.commune': words.commune,
  'residence.address.street': words.street,
};

export const addressText = (address: { provinceCode: string; commune: string; street: string }) =>
  `${address.street}, ${address.commune}, ${provinces[address.provinceCode as ProvinceCode] ?? address.provinceCode}`;

/** What the registry filled, shown back so the citizen can check it without typing it. */
export function RegistrySummary(props: { lang: Lang; rows: { label: Labels; value: string }[] }) {
  const { lang } = props;
  return (
    <section class="panel" aria-labelledby="from-registry">
      <h2 id="from-registry">{say(lang, words.fromRegistry)}</h2>
      <p class="hint">{say(lang, words.fromRegistryHint)}</p>
      <dl class="summary">
        {props.rows.map((row) => (
          <div key={row.label.en}>
            <dt>{say(lang, row.label)}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The birth bundle's application: the registry fills the parents and the residence; the citizen types the child. */
export function ApplyBirthPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  me: Me;
  formKey: string;
  body?: FormBody;
  errors?: FieldErrors;
}) {
  const { frame, me } = props;
  const { lang } = frame;
  const procedure = props.catalogue.procedure('birth-bundle')!;
  const form = me.forms['birth-bundle'];
  const body = props.body ?? {};
  const errors = props.errors ?? {};
  const value = (name: string) => one(body, name);
  const address = (prefix: string) => ({
    provinceCode: value(`${prefix}.provinceCode`),
    commune: value(`${prefix}.commune`),
    street: value(`${prefix}.street`),
  });
  const person = (p?: { fullName: string; personalIdNumber: string }) =>
    p ? `${p.fullName} (${p.personalIdNumber})` : '—';
  return (
    <Layout frame={frame} title={say(lang, procedure.label)}>
      <p>
        <a href="/" class="back-link">
          {say(lang, words.back)}
        </a>
      </p>
      <ErrorSummary lang={lang} errors={errors} labels={fieldLabels} />
      <h1>{say(lang, procedure.label)}</h1>
      <p>{say(lang, procedure.description)}</p>
      {!form ? (
        <p class="notice">{say(lang, words.cannotApplyBirth)}</p>
      ) : (
        <>
          <RegistrySummary
            lang={lang}
            rows={[
              { label: words.applicant, value: person(form.applicant) },
              { label: words.mother, value: person(form.mother) },
              { label: words.father, value: person(form.father) },
              ...(form.residence
                ? [
                    { label: words.residenceAt, value: addressText(form.residence.address) },
                    {
                      label: words.householdHeadConsent,
                      value: say(lang, form.residence.householdHeadConsent ? words.yes : words.no),
                    },
                    {
                      label: words.ownerConsent,
                      value: say(lang, form.residence.ownerConsent ? words.yes : words.no),
                    },
                  ]
                : []),
            ]}
          />
          <PostForm action="/apply/birth-bundle" csrf={frame.csrf} formKey={props.formKey}>
            <h2>{say(lang, words.childSection)}</h2>
            <TextField
              lang={lang}
              name="child.fullName"
              label={words.childName}
              hint={words.childNameHint}
              value={value('child.fullName')}
              errors={errors}
            />
            <Choices
              lang={lang}
              name="child.sex"
              label={words.sex}
              inline
              value={value('child.sex')}
              errors={errors}
              options={[
                { value: 'male', label: say(lang, words.male) },
                { value: 'female', label: say(lang, words.female) },
              ]}
            />
            <TextField
              lang={lang}
              name="child.birthDate"
              label={words.birthDate}
              hint={words.dateHint}
              value={value('child.birthDate')}
              inputmode="numeric"
              short
              errors={errors}
            />
            <AddressPicker
              lang={lang}
              prefix="child.birthPlace"
              legend={words.birthPlace}
              value={address('child.birthPlace')}
              defaultProvince={form.residence?.address.provinceCode ?? me.permanentAddress?.provinceCode}
              errors={errors}
            />
            <TextField
              lang={lang}
              name="birthCertificateReference"
              label={words.birthCertificateReference}
              hint={words.birthCertificateHint}
              value={value('birthCertificateReference')}
              errors={errors}
            />
            <h2>{say(lang, words.residenceSection)}</h2>
            {form.residence ? (
              <p>
                {say(lang, words.residenceAt)}: <strong>{addressText(form.residence.address)}</strong>
              </p>
            ) : (
              <>
                <p class="notice">{say(lang, words.residenceMissing)}</p>
                <AddressPicker
                  lang={lang}
                  prefix="residence.address"
                  legend={words.residenceAt}
                  value={address('residence.address')}
                  errors={errors}
                />
                <Confirm
                  lang={lang}
                  name="residence.householdHeadConsent"
                  label={words.householdHeadConsent}
                  checked={value('residence.householdHeadConsent') === 'yes'}
                  errors={errors}
                />
                <Confirm
                  lang={lang}
                  name="residence.ownerConsent"
                  label={words.ownerConsent}
                  checked={value('residence.ownerConsent') === 'yes'}
                  errors={errors}
                />
              </>
            )}
            <Confirm
              lang={lang}
              name="residence.parentConfirmed"
              label={words.parentConfirmed}
              checked={value('residence.parentConfirmed') === 'yes'}
              errors={errors}
            />
            <button type="submit" class="button" data-prevent-double-click>
              {say(lang, words.submit)}
            </button>
          </PostForm>
        </>
      )}
    </Layout>
  );
}
