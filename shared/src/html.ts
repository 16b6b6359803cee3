/**
 * Text made safe to put between HTML tags and inside a quoted attribute: the one escape used by
 * every page Parley writes as a string (the signed agreement export, the assessment report, the
 * agreement's rendered text). Its output is part of what is signed, so it must not change: a
 * changed byte here makes an agreement exported earlier fail to verify.
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** "2025-05-01 14:03 UTC": a printed page cannot know its reader's time zone, so it says which it uses. */
export function utcText(iso: string | null): string {
  const d = new Date(iso ?? '');
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A page to read and print (the assessment report, a person's own data): one serif column, the
 * page's own rules after the common ones, no script. `body` is HTML its caller escaped.
 */
export function printablePage(p: { title: string; css: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<style>
body { font: 15px/1.45 Georgia, 'DejaVu Serif', serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
${p.css}
</style>
</head>
<body>
<h1>${escapeHtml(p.title)}</h1>
${p.body}
</body>
</html>
`;
}
