import { createServer, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { buildWebApp, type BuiltFile } from '#lib/build';
import { parseWebConfig, type WebConfig } from '#lib/config';
import { contentSecurityPolicy } from '#lib/csp';

export type { WebConfig } from '#lib/config';

export interface WebServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Served as /config.json; only the WebConfig keys are published. */
  config: WebConfig;
}

export interface WebServer {
  /** e.g. http://127.0.0.1:5173 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Builds the app once (esbuild, in memory) and serves index.html, the bundle and /config.json on
 * 127.0.0.1. A local development server: on AWS the same files are static hosting.
 */
export async function startWebServer({ port, config }: WebServerOptions): Promise<WebServer> {
  const published = parseWebConfig(config);
  // Exactly the endpoints config.json names (csp.ts).
  const policy = contentSecurityPolicy(published);
  const files = new Map<string, BuiltFile>(await buildWebApp());
  files.set('config.json', {
    contents: Buffer.from(`${JSON.stringify(published, null, 2)}\n`),
    contentType: 'application/json; charset=utf-8',
  });

  const zipped = new Map<string, Buffer>();
  const server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      return sendText(response, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    }
    const pathname = (request.url ?? '/').split('?')[0]!;
    const name = pathname === '/' ? 'index.html' : pathname.slice(1);
    // Only the built files, by exact name: nothing on disk is reachable.
    const file = files.get(name);
    if (!file) return sendText(response, 404, 'Not Found');
    // Compressed for a browser that accepts it, as a static host (CloudFront, S3 website behind it) sends it.
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = gzip ? (zipped.get(name) ?? zipped.set(name, gzipSync(file.contents)).get(name)!) : file.contents;
    response.writeHead(200, {
      'content-type': file.contentType,
      'content-length': String(body.length),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      vary: 'accept-encoding',
      // The bundle is rebuilt at every start and config.json can change: always revalidate.
      'cache-control': name === 'config.json' ? 'no-store' : 'no-cache',
      ...securityHeaders(),
      // Every page: the app and the Uppy example.
      ...(name.endsWith('.html') ? { 'content-security-policy': policy } : {}),
    });
    response.end(method === 'HEAD' ? undefined : body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${HOST}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function securityHeaders(): Record<string, string> {
  return { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders(), ...headers });
  response.end(text);
}
