import type { ComponentChildren } from 'preact';
import type { Labels } from '../../../contracts/procedures';
import type { FieldErrors } from '../forms';
import { say, type Lang } from '../i18n';
import { fieldId } from './error-summary';

/** What every form control takes: its name (the field path), label, hint, value and the form's errors. */
interface ControlProps {
  lang: Lang;
  name: string;
  label: Labels;
  hint?: Labels;
  errors: FieldErrors;
}

function ErrorMessage(props: { lang: Lang; name: string; errors: FieldErrors }) {
  const error = props.errors[props.name];
  if (!error) return null;
  return (
    <p class="error-message" id={`${fieldId(props.name)}-error`}>
      {say(props.lang, error)}
    </p>
  );
}

const describedBy = (props: ControlProps) =>
  [props.hint ? `${fieldId(props.name)}-hint` : '', props.errors[props.name] ? `${fieldId(props.name)}-error` : '']
    .filter(Boolean)
    .join(' ') || undefined;

/** A labelled text input with its hint and error. */
export function TextField(
  props: ControlProps & { value?: string; autocomplete?: string; inputmode?: 'numeric' | 'text'; short?: boolean },
) {
  const id = fieldId(props.name);
  const invalid = Boolean(props.errors[props.name]);
  return (
    <div class={invalid ? 'field field-error' : 'field'}>
      <label class="label" for={id}>
        {say(props.lang, props.label)}
      </label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {say(props.lang, props.hint)}
        </p>
      )}
      <ErrorMessage lang={props.lang} name={props.name} errors={props.errors} />
      <input
        class={props.short ? 'input input-short' : 'input'}
        id={id}
        name={props.name}
        type="text"
        value={props.value ?? ''}
        autocomplete={props.autocomplete ?? 'off'}
        inputmode={props.inputmode}
        spellcheck={false}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
    </div>
  );
}

/** A fieldset of radios (or checkboxes) with a legend; the first control carries the field's id. */
export function Choices(
  props: ControlProps & {
    type?: 'radio' | 'checkbox';
    options: { value: string; label: string; hint?: string }[];
    value?: string | string[];
    inline?: boolean;
  },
) {
  const id = fieldId(props.name);
  const invalid = Boolean(props.errors[props.name]);
  const chosen = new Set(Array.isArray(props.value) ? props.value : props.value ? [props.value] : []);
  return (
    <div class={invalid ? 'field field-error' : 'field'}>
      <fieldset class="fieldset" aria-describedby={describedBy(props)}>
        <legend class="legend">{say(props.lang, props.label)}</legend>
        {props.hint && (
          <p class="hint" id={`${id}-hint`}>
            {say(props.lang, props.hint)}
          </p>
        )}
        <ErrorMessage lang={props.lang} name={props.name} errors={props.errors} />
        <div class={props.inline ? 'choices choices-inline' : 'choices'}>
          {props.options.map((option, i) => {
            const optionId = i === 0 ? id : `${id}-${i}`;
            return (
              <div class="choice" key={option.value}>
                <input
                  id={optionId}
                  type={props.type ?? 'radio'}
                  name={props.name}
                  value={option.value}
                  checked={chosen.has(option.value)}
                  aria-describedby={option.hint ? `${optionId}-hint` : undefined}
                />
                <label for={optionId}>{option.label}</label>
                {option.hint && (
                  <p class="hint choice-hint" id={`${optionId}-hint`}>
                    {option.hint}
                  </p>
                )}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** One checkbox that must be ticked (or may be), with its own error. */
export function Confirm(props: ControlProps & { checked?: boolean }) {
  const id = fieldId(props.name);
  const invalid = Boolean(props.errors[props.name]);
  return (
    <div class={invalid ? 'field field-error' : 'field'}>
      <ErrorMessage lang={props.lang} name={props.name} errors={props.errors} />
      <div class="choice">
        <input
          id={id}
          type="checkbox"
          name={props.name}
          value="yes"
          checked={props.checked}
          aria-describedby={describedBy(props)}
        />
        <label for={id}>{say(props.lang, props.label)}</label>
      </div>
    </div>
  );
}

/** A form that posts with its CSRF token. */
export function PostForm(props: { action: string; csrf: string; children: ComponentChildren; formKey?: string }) {
  return (
    <form method="post" action={props.action} novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.formKey && <input type="hidden" name="formKey" value={props.formKey} />}
      {props.children}
    </form>
  );
}
