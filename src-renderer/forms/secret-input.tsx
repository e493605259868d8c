import { useState, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A secret input: masked, with a button that shows what was typed. Other input attributes
 * (`onBlur`, `onKeyDown`, `placeholder`, `aria-invalid`…) pass through to the input.
 */
export function SecretInput({
  value,
  onChange,
  testId,
  revealTestId,
  saved = false,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
  value: string;
  onChange: (value: string) => void;
  testId: string;
  revealTestId: string;
  /** A value is saved where the user cannot see it (left empty, it is kept). */
  saved?: boolean;
}) {
  const { t } = useTranslation();
  const [revealed, setRevealed] = useState(false);
  return (
    <span className="secret-input">
      <input
        {...rest}
        type={revealed ? 'text' : 'password'}
        autoComplete="new-password"
        data-testid={testId}
        value={value}
        placeholder={saved ? t('forms.secret_saved') : rest.placeholder}
        onChange={(event) => onChange(event.target.value)}
      />
      <button
        type="button"
        className="button small"
        data-testid={revealTestId}
        aria-pressed={revealed}
        onClick={() => setRevealed((r) => !r)}
      >
        {revealed ? t('forms.hide') : t('forms.show')}
      </button>
    </span>
  );
}
