import type { Labels } from '../../../contracts/procedures';
import { communes, provinceCodes, provinces } from '../../../contracts/values';
import type { FieldErrors } from '../forms';
import { say, words, type Lang } from '../i18n';
import { fieldId } from './error-summary';
import { TextField } from './fields';

/**
 * The two-level address since 1 July 2025: province (34) → commune, ward or special zone → street.
 * The commune list holds every province's communes in groups, so it works without JavaScript; with
 * it, pages.js keeps only the chosen province's group.
 */
export function AddressPicker(props: {
  lang: Lang;
  prefix: string;
  legend: Labels;
  value: { provinceCode?: string; commune?: string; street?: string };
  errors: FieldErrors;
}) {
  const { lang, prefix, value, errors } = props;
  const select = (name: string, label: Labels, options: preact.ComponentChildren) => {
    const path = `${prefix}.${name}`;
    const id = fieldId(path);
    const error = errors[path];
    return (
      <div class={error ? 'field field-error' : 'field'}>
        <label class="label" for={id}>
          {say(lang, label)}
        </label>
        {error && (
          <p class="error-message" id={`${id}-error`}>
            {say(lang, error)}
          </p>
        )}
        <select
          class="select"
          id={id}
          name={path}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          data-province-select={name === 'provinceCode' ? fieldId(`${prefix}.commune`) : undefined}
        >
          <option value="">{say(lang, words.choose)}</option>
          {options}
        </select>
      </div>
    );
  };
  return (
    <fieldset class="fieldset">
      <legend class="legend">{say(lang, props.legend)}</legend>
      {select(
        'provinceCode',
        words.province,
        provinceCodes.map((code) => (
          <option key={code} value={code} selected={code === value.provinceCode}>
            {provinces[code]}
          </option>
        )),
      )}
      {select(
        'commune',
        words.commune,
        provinceCodes.map((code) => (
          <optgroup key={code} label={provinces[code]} data-province={code}>
            {communes[code].map((commune) => (
              <option key={commune} value={commune} selected={code === value.provinceCode && commune === value.commune}>
                {commune}
              </option>
            ))}
          </optgroup>
        )),
      )}
      <TextField lang={lang} name={`${prefix}.street`} label={words.street} value={value.street} errors={errors} />
    </fieldset>
  );
}
