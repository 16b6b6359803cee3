import type { InputHTMLAttributes, Ref } from 'react';
import { CharCount } from './CharCount.tsx';

/**
 * One labelled text field with what belongs to it: its length limit (`max`: `maxLength` and the
 * count under it), and the error that names what is wrong with it (`error`), tied to the field
 * with `aria-invalid` and `aria-describedby` so that a screen reader reads it with the field.
 * `id` is the field's id; the count and the error take ids derived from it.
 */
export function TextField({
  id,
  label,
  value,
  onValue,
  error,
  max,
  inputRef,
  ...input
}: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  error: string | null;
  max?: number;
  inputRef?: Ref<HTMLInputElement>;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'maxLength' | 'aria-invalid' | 'aria-describedby'>) {
  const described = [max !== undefined ? `${id}-count` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        ref={inputRef}
        id={id}
        type="text"
        {...input}
        value={value}
        maxLength={max}
        onChange={(e) => onValue(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      />
      {max !== undefined ? <CharCount id={`${id}-count`} value={value} max={max} /> : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
