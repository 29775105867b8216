import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, listenOnLoopback } from '#lib/net';

describe('freePort', () => {
  it('never hands out the same port twice in one process', async () => {
    const ports = [];
    for (let n = 0; n < 200; n++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(200);
  });
});

describe('listenOnLoopback', () => {
  it('rejects with EADDRINUSE when the port is taken, instead of never answering', async () => {
    const first = createServer();
    const port = await freePort();
    await listenOnLoopback(first, port);
    try {
      await expect(listenOnLoopback(createServer(), port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => first.close(resolve));
    }
  });
});
