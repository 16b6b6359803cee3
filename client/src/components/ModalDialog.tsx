import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A native modal `<dialog>` shown for as long as it is rendered: the browser keeps focus inside
 * it and makes the rest of the page inert. Escape calls `onCancel` (the caller's safe answer)
 * instead of closing it behind React's back, so what is rendered stays what is shown. The element
 * that should have focus first carries `autoFocus`.
 */
export function ModalDialog({
  className,
  labelledBy,
  describedBy,
  onCancel,
  children,
}: {
  className: string;
  labelledBy: string;
  describedBy?: string;
  onCancel: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      {children}
    </dialog>
  );
}
