// The one HTML page every dashboard path answers with; app.js picks the page module.
// Scripts only from this origin (CSP), no framing, and the CSRF token in a meta tag.

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

export function shellHtml(csrfToken: string, title = 'pricekeep'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${escapeAttribute(csrfToken)}">
<title>${escapeAttribute(title)}</title>
<link rel="stylesheet" href="/app/assets/vendor/uPlot.min.css">
<link rel="stylesheet" href="/app/assets/app.css">
<script type="module" src="/app/assets/app.js"></script>
</head>
<body>
<main id="app"><noscript>The pricekeep dashboard needs JavaScript.</noscript></main>
</body>
</html>
`;
}
