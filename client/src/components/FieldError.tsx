/** Why the last attempt failed, in plain words, announced to screen readers; nothing otherwise. */
export function FieldError({ message }: { message: string | null }) {
  return message ? (
    <p className="field-error" role="alert">
      {message}
    </p>
  ) : null;
}
