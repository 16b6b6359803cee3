import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Copies a link to the clipboard; where the browser refuses (older ones, no permission), selects it
 * in its read-only field instead and says so. `status` is what to announce, cleared after a while.
 */
export function useCopy(inputRef: RefObject<HTMLInputElement | null>): { status: string; copy: (text: string) => Promise<void> } {
  const [status, setStatus] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function copy(text: string) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const input = inputRef.current;
      if (input) {
        input.focus();
        input.select();
        try {
          ok = document.execCommand('copy');
        } catch {
          ok = false;
        }
      }
    }
    setStatus(ok ? 'Copied' : 'Could not copy. The link is selected: copy it with your keyboard or menu.');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setStatus(''), 4_000);
  }
  return { status, copy };
}
