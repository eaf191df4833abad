import { baseCss } from './styles.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export interface PageContent {
  title: string;
  heading: string;
  message: string;
  tone: 'success' | 'error';
  /** Small print, e.g. the stable error code a support person can search for. */
  footnote?: string;
}

/** A self-contained end-user page (no scripts, no external assets — the CSP forbids them). */
export function renderPage(p: PageContent): string {
  const accent = p.tone === 'success' ? '#0f7b3f' : '#b42318';
  const icon = p.tone === 'success' ? '&#10003;' : '!';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<style>${baseCss(accent)}
</style>
</head>
<body>
<main role="main" data-outcome="${p.tone}">
  <div class="icon" aria-hidden="true">${icon}</div>
  <h1>${escapeHtml(p.heading)}</h1>
  <p>${escapeHtml(p.message)}</p>
  ${p.footnote ? `<small>${escapeHtml(p.footnote)}</small>` : ''}
  <footer>Secured by Latchkey</footer>
</main>
</body>
</html>`;
}
