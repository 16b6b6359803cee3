/**
 * Text made safe to put between HTML tags and inside a quoted attribute: the one escape used by
 * every page Parley writes as a string (the signed agreement export, the assessment report, the
 * agreement's rendered text). Its output is part of what is signed, so it must not change: a
 * changed byte here makes an agreement exported earlier fail to verify.
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
