import type { Labels } from '../../../contracts/procedures';
import { fieldId } from '../components/error-summary';
import type { FieldErrors } from '../forms';
import { say, type Lang } from '../i18n';
import { operatorWords as ow } from './words';

/** A labelled textarea with its hint and error (an action's reason, a manual result, a payload). */
export function TextArea(props: {
  lang: Lang;
  name: string;
  label: Labels;
  hint?: Labels;
  errors: FieldErrors;
  value?: string;
  rows?: number;
  /** Code (JSON): monospaced, no spell checking. */
  code?: boolean;
}) {
  const id = fieldId(props.name);
  const error = props.errors[props.name];
  const described = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label class="label" for={id}>
        {say(props.lang, props.label)}
      </label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {say(props.lang, props.hint)}
        </p>
      )}
      {error && (
        <p class="error-message" id={`${id}-error`}>
          {say(props.lang, error)}
        </p>
      )}
      <textarea
        class={props.code ? 'input textarea textarea-code' : 'input textarea'}
        id={id}
        name={props.name}
        rows={props.rows ?? 3}
        spellcheck={props.code ? false : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described || undefined}
      >
        {props.value ?? ''}
      </textarea>
    </div>
  );
}

/** A labelled select with its error; `any` adds a first choice of no value (a filter left open). */
export function Select(props: {
  lang: Lang;
  name: string;
  label: Labels;
  options: { value: string; label: string }[];
  value?: string;
  errors: FieldErrors;
  any?: boolean;
}) {
  const id = fieldId(props.name);
  const error = props.errors[props.name];
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label class="label" for={id}>
        {say(props.lang, props.label)}
      </label>
      {error && (
        <p class="error-message" id={`${id}-error`}>
          {say(props.lang, error)}
        </p>
      )}
      <select class="select" id={id} name={props.name} aria-describedby={error ? `${id}-error` : undefined}>
        {props.any !== false && <option value="">{say(props.lang, ow.any)}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={props.value === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
