import { useTranslation } from 'react-i18next';
import { fieldProblems, type FormField, type FormValues } from './schema-form-model';
import { SecretInput } from './secret-input';

/**
 * Fields of a flat JSON Schema object as a form: required marks, help text from the schema,
 * defaults as placeholders, enums as selects, secrets masked. Problems show as the user types.
 */
export function SchemaForm({
  fields,
  values,
  onChange,
  savedSecrets = [],
}: {
  fields: FormField[];
  values: FormValues;
  onChange: (values: FormValues) => void;
  /** Secret fields that already hold a value on the server (left empty, they keep it). */
  savedSecrets?: readonly string[];
}) {
  const { t } = useTranslation();
  const problems = fieldProblems(fields, values, savedSecrets);
  const set = (name: string, value: string | boolean) => onChange({ ...values, [name]: value });
  return (
    <>
      {fields.map((field) => {
        const text = typeof values[field.name] === 'string' ? (values[field.name] as string) : '';
        const problem = problems[field.name];
        const placeholder = field.default !== undefined ? String(field.default as string) : '';
        return (
          <label key={field.name} className={`field${problem ? ' invalid' : ''}`}>
            <span>
              {field.name}
              {field.required && <span className="required-mark"> *</span>}
            </span>
            {field.kind === 'boolean' ? (
              <input
                type="checkbox"
                data-testid={`field-${field.name}`}
                checked={
                  values[field.name] === true || (values[field.name] === undefined && field.default === true)
                }
                onChange={(event) => set(field.name, event.target.checked)}
              />
            ) : field.kind === 'enum' ? (
              <select
                data-testid={`field-${field.name}`}
                value={text}
                onChange={(event) => set(field.name, event.target.value)}
              >
                <option value="">{placeholder || '—'}</option>
                {(field.options ?? []).map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : field.kind === 'map' ? (
              <textarea
                rows={2}
                data-testid={`field-${field.name}`}
                value={text}
                placeholder="key=value"
                onChange={(event) => set(field.name, event.target.value)}
              />
            ) : field.secret ? (
              <SecretInput
                testId={`field-${field.name}`}
                revealTestId={`reveal-${field.name}`}
                value={text}
                saved={savedSecrets.includes(field.name)}
                onChange={(value) => set(field.name, value)}
              />
            ) : (
              <input
                data-testid={`field-${field.name}`}
                inputMode={field.kind === 'text' ? undefined : 'numeric'}
                value={text}
                placeholder={placeholder}
                onChange={(event) => set(field.name, event.target.value)}
              />
            )}
            {problem && <span className="field-problem">{t(`forms.problem_${problem}`)}</span>}
            {field.description && <span className="field-help">{field.description}</span>}
          </label>
        );
      })}
    </>
  );
}

/** True when the form has nothing the user must fix before saving. */
export function formIsValid(
  fields: FormField[],
  values: FormValues,
  savedSecrets: readonly string[] = [],
): boolean {
  return Object.keys(fieldProblems(fields, values, savedSecrets)).length === 0;
}
