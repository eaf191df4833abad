/** The stylesheet every end-user page shares (inline: the CSP allows no external assets). */
export function baseCss(accent: string): string {
  return `
  :root { color-scheme: light; }
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f5f6f8;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433; }
  main { background: #fff; max-width: 28rem; width: calc(100% - 2rem); padding: 2.5rem 2rem; border-radius: 14px; margin: 1.5rem 0;
         box-shadow: 0 1px 3px rgba(16,24,40,.08), 0 8px 24px rgba(16,24,40,.06); text-align: center; }
  .icon { width: 3rem; height: 3rem; margin: 0 auto 1rem; border-radius: 50%; display: grid; place-items: center;
          font-size: 1.5rem; font-weight: 700; color: #fff; background: ${accent}; }
  h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
  p { margin: 0; color: #475467; }
  small { display: block; margin-top: 1.5rem; color: #667085; font-size: .8rem; }
  footer { margin-top: 1.75rem; font-size: .75rem; color: #667085; letter-spacing: .02em; }`;
}
