import type { ServerResponse } from 'node:http';

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; background: #f5f5f7; color: #1d1f25; }
  main { max-width: 32rem; margin: 3rem auto; background: #fff; border-radius: 12px;
         box-shadow: 0 1px 4px rgba(0,0,0,.12); padding: 2rem; }
  h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
  h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
  p, li, label { line-height: 1.45; }
  ul { padding-left: 1.2rem; }
  code { font-size: .85em; color: #555; }
  .bases { list-style: none; padding-left: 0; }
  fieldset { border: 1px solid #ddd; border-radius: 8px; padding: .5rem 1rem; }
  .badge { display: inline-block; font-size: .75rem; background: #fff4d6; color: #6b4c00;
           border-radius: 4px; padding: .1rem .4rem; margin-bottom: 1rem; }
  .actions { display: flex; gap: .75rem; justify-content: flex-end; margin-top: 1.5rem; }
  button { font: inherit; border-radius: 6px; padding: .55rem 1.1rem; cursor: pointer; border: 1px solid #ccc; }
  #approve { background: #166ee1; border-color: #166ee1; color: #fff; }
  button:focus-visible { outline: 3px solid #8bb8f5; outline-offset: 2px; }
  .error { color: #b3261e; }
`;

/** A complete, self-contained HTML page. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<span class="badge">Airtable emulator — local test double</span>
${body}
</main>
</body>
</html>
`;
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}

/** The page shown instead of a redirect when the client or redirect URI can't be trusted. */
export function sendErrorPage(res: ServerResponse, status: number, heading: string, detail: string): void {
  const body = `<h1 class="error">${escapeHtml(heading)}</h1>\n<p>${escapeHtml(detail)}</p>`;
  sendHtml(res, status, renderPage(`${heading} – Airtable (emulator)`, body));
}
