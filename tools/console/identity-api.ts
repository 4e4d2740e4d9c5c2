// The console's identity route (docs/identity.md): GET /api/identity/qr?code=K7QX-M2PA answers
// the claim code as a QR code (SVG, from the `qrcode` library; alphanumeric mode, level M), for
// the identity panel to show beside the code. A code that cannot be one is answered 400 with why.
import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import { normalizeClaimCode } from '../identity/registry.ts';

/** Handles the request when it is this route's; false otherwise. */
export async function handleIdentityApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== '/api/identity/qr' || request.method !== 'GET') return false;
  const given = url.searchParams.get('code') ?? '';
  const code = normalizeClaimCode(given);
  if (!code) {
    response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `"${given}" is not a claim code: 8 characters like K7QX-M2PA` }));
    return true;
  }
  const svg = await QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  response.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=3600' }).end(svg);
  return true;
}
