/** RFC 5545 read back: lines unfolded (a CRLF followed by a space continues the line), then each VEVENT's properties. */
export function parseCalendar(text: string): { lines: string[]; events: Array<Record<string, string>> } {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);
  const events: Array<Record<string, string>> = [];
  let current: Record<string, string> | null = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') current = {};
    else if (l === 'END:VEVENT') {
      events.push(current!);
      current = null;
    } else if (current) {
      const i = l.indexOf(':');
      current[l.slice(0, i).split(';')[0]!] = l.slice(i + 1);
    }
  }
  return { lines, events };
}
