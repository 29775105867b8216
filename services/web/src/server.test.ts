import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appJavaScriptGzipBytes, buildWebApp } from '#lib/build';
import { parseWebConfig } from '#lib/config';
import { contentSecurityPolicy } from '#lib/csp';
import { startWebServer, type WebServer } from '#lib/server';

const config = {
  apiUrl: 'http://127.0.0.1:3001/stage',
  cognitoEndpoint: 'http://127.0.0.1:9229',
  cdnBaseUrl: 'http://127.0.0.1:3002',
  s3Endpoint: 'http://127.0.0.1:3003',
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbC123',
  userPoolClientId: 'client-123',
};

let server: WebServer;

beforeAll(async () => {
  // A bigger object than WebConfig, like the local stack's outputs: the extra keys must stay private.
  const outputs = { ...config, demoUsers: [{ email: 'a@example.com', password: 'secret', groups: [] }], bucketName: 'b' };
  server = await startWebServer({ port: 0, config: outputs });
});

afterAll(async () => {
  await server?.close();
});

describe('startWebServer', () => {
  it('listens on 127.0.0.1 only', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The URL is built from the host name alone; what is bound shows on another address of the
    // machine (on Linux all of 127/8 reaches the loopback interface, so 0.0.0.0 would answer here).
    const port = new URL(server.url).port;
    await expect(fetch(`http://127.0.0.2:${port}/`)).rejects.toThrow();
  });

  it('serves index.html with its content security policy: exactly the endpoints config.json names', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: http://127.0.0.1:3002",
        "connect-src 'self' http://127.0.0.1:3001 http://127.0.0.1:9229 http://127.0.0.1:3003 http://127.0.0.1:3002",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ].join('; '),
    );
    expect((await fetch(`${server.url}/examples/uppy.html`)).headers.get('content-security-policy')).toBe(
      response.headers.get('content-security-policy'),
    );
    const html = await response.text();
    // No inline script or style anywhere in the page: the policy would block it.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+=|\sstyle=|<style/i);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain('<script type="module" src="app.js"></script>');
    expect(html).toContain('<label for="upload-files" class="button">Choose photos</label>');
    expect((await fetch(`${server.url}/index.html`)).status).toBe(200);
  });

  it('serves the bundle and the styles', async () => {
    const script = await fetch(`${server.url}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    // Sign-in is SRP, as the deployed app client requires: no password flow in the bundle.
    expect(code).toContain('USER_SRP_AUTH');
    expect(code).toContain('PASSWORD_VERIFIER');
    expect(code).not.toContain('USER_PASSWORD_AUTH');
    // No zod or other heavy runtime in the bundle: zod's own marks, and a bound on the minified size
    // (the gzip budget is checked below; this one catches a dependency pulled in by mistake).
    expect(code).not.toMatch(/\$Zod|ZodError/);
    expect(code.length).toBeLessThan(150_000);
    const styles = await fetch(`${server.url}/styles.css`);
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await fetch(`${server.url}/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('sends the files gzip-compressed to a browser that accepts it, as a static host does', async () => {
    const plain = await fetch(`${server.url}/app.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const code = await plain.text();
    const { request } = await import('node:http');
    const zipped = await new Promise<{ encoding: string | undefined; length: number; body: Buffer }>((resolve, reject) => {
      request(`${server.url}/app.js`, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            encoding: response.headers['content-encoding'],
            length: Number(response.headers['content-length']),
            body: Buffer.concat(chunks),
          }),
        );
      })
        .on('error', reject)
        .end();
    });
    expect(zipped.encoding).toBe('gzip');
    expect(zipped.length).toBe(zipped.body.length);
    expect(zipped.length).toBeLessThan(code.length / 2);
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(zipped.body).toString()).toBe(code);
  });

  it('keeps the JavaScript the app sends under 60 KB gzip (the budget; the README states the figure)', async () => {
    const files = await buildWebApp();
    expect(appJavaScriptGzipBytes(files)).toBeLessThan(60_000);
    // The optional Uppy example is a page and a bundle of its own: the app never loads it.
    expect(files.has('examples/uppy.js')).toBe(true);
    expect(new TextDecoder().decode(files.get('index.html')!.contents)).not.toContain('examples/');
    expect((await fetch(`${server.url}/examples/uppy.html`)).status).toBe(200);
  });

  it('publishes only the WebConfig keys as /config.json', async () => {
    const response = await fetch(`${server.url}/config.json`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(config);
  });

  it.each([['/'], ['/app.js'], ['/config.json'], ['/nope']])('sends nosniff and no-referrer for %s', async (pathname) => {
    const response = await fetch(`${server.url}${pathname}`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it.each([['/nope'], ['/src/server.ts'], ['/%2e%2e/package.json'], ['/app/main.ts']])('answers 404 for %s', async (pathname) => {
    expect((await fetch(`${server.url}${pathname}`)).status).toBe(404);
  });

  it('answers 405 to other methods', async () => {
    const response = await fetch(`${server.url}/`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses an invalid configuration', async () => {
    await expect(startWebServer({ port: 0, config: { ...config, apiUrl: 'not a url' } })).rejects.toThrow('config.apiUrl');
    const { userPoolClientId: _missing, ...incomplete } = config;
    await expect(startWebServer({ port: 0, config: incomplete as typeof config })).rejects.toThrow('config.userPoolClientId');
    const { userPoolId: _noPool, ...withoutPool } = config;
    await expect(startWebServer({ port: 0, config: withoutPool as typeof config })).rejects.toThrow('config.userPoolId');
    await expect(startWebServer({ port: 0, config: { ...config, userPoolId: 'AbC123' } })).rejects.toThrow('config.userPoolId');
    const { cdnBaseUrl: _noCdn, ...withoutCdn } = config;
    await expect(startWebServer({ port: 0, config: withoutCdn as typeof config })).rejects.toThrow('config.cdnBaseUrl');
    const { s3Endpoint: _noS3, ...withoutS3 } = config;
    await expect(startWebServer({ port: 0, config: withoutS3 as typeof config })).rejects.toThrow('config.s3Endpoint or config.bucketName');
  });

  it('builds the same policy for AWS from the region and the bucket', () => {
    const { cognitoEndpoint: _local, s3Endpoint: _localS3, ...rest } = config;
    const deployed = parseWebConfig({
      ...rest,
      apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      cdnBaseUrl: 'https://d1.cloudfront.net',
      region: 'eu-west-1',
      bucketName: 'event-photos-prod-photos',
    });
    expect(contentSecurityPolicy(deployed)).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://d1.cloudfront.net; " +
        "connect-src 'self' https://abc.execute-api.eu-west-1.amazonaws.com https://cognito-idp.eu-west-1.amazonaws.com " +
        "https://event-photos-prod-photos.s3.eu-west-1.amazonaws.com https://d1.cloudfront.net; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  });

  it('reports a port already in use', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startWebServer({ port, config })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
