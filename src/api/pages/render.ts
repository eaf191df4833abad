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
<style>
  :root { color-scheme: light; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f5f6f8;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433; }
  main { background: #fff; max-width: 28rem; width: calc(100% - 2rem); padding: 2.5rem 2rem; border-radius: 14px;
         box-shadow: 0 1px 3px rgba(16,24,40,.08), 0 8px 24px rgba(16,24,40,.06); text-align: center; }
  .icon { width: 3rem; height: 3rem; margin: 0 auto 1rem; border-radius: 50%; display: grid; place-items: center;
          font-size: 1.5rem; font-weight: 700; color: #fff; background: ${accent}; }
  h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
  p { margin: 0; color: #475467; }
  small { display: block; margin-top: 1.5rem; color: #98a2b3; font-size: .8rem; }
  footer { margin-top: 1.75rem; font-size: .75rem; color: #98a2b3; letter-spacing: .02em; }
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
