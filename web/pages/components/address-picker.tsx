import type { Labels } from '../../../contracts/procedures';
import { communes, provinceCodes, provinces, type ProvinceCode } from '../../../contracts/values';
import type { FieldErrors } from '../forms';
import { say, words, type Lang } from '../i18n';
import { fieldId } from './error-summary';
import { TextField } from './fields';

/**
 * The two-level address since 1 July 2025: province (34) → commune, ward or special zone → street.
 * The commune list holds the chosen province's communes only (all 3,321 would make the page too
 * heavy for a phone): without JavaScript a button sends the form back to show the communes of a
 * newly chosen province; with it, pages.js fetches them from `/assets/communes/<province>.json`.
 * `defaultProvince` is the province shown first when the form names none.
 */
export function AddressPicker(props: {
  lang: Lang;
  prefix: string;
  legend: Labels;
  value: { provinceCode?: string; commune?: string; street?: string };
  defaultProvince?: string;
  errors: FieldErrors;
}) {
  const { lang, prefix, value, errors } = props;
  const chosen = [value.provinceCode, props.defaultProvince].find(
    (code): code is ProvinceCode => code !== undefined && code in provinces,
  );
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
          <option key={code} value={code} selected={code === chosen}>
            {provinces[code]}
          </option>
        )),
      )}
      {select(
        'commune',
        words.commune,
        (chosen ? communes[chosen] : []).map((commune) => (
          <option key={commune} value={commune} selected={commune === value.commune}>
            {commune}
          </option>
        )),
      )}
      <p class="no-js-only">
        <button type="submit" name="showCommunes" value={prefix} class="button button-secondary" formnovalidate>
          {say(lang, words.showCommunes)}
        </button>
      </p>
      <TextField lang={lang} name={`${prefix}.street`} label={words.street} value={value.street} errors={errors} />
    </fieldset>
  );
}
