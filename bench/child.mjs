// One cold start, in a fresh `node` process: import a handler bundle, invoke it once, report.
//
//   node bench/child.mjs <bundle.mjs> <event.json> <functionName> <memoryMB> [<warm-events.json>]
//                                            (with an array of more events: warm invocations after the first)
//   node bench/child.mjs --baseline          (the same process with no handler: Node + this file)
//   node bench/child.mjs --drain <url>       (GET the URL with node:http and discard the body: the
//                                             rate the S3 emulator serves at, without any hashing)
//
// The report is one JSON line on fd 3 (stdout belongs to the function's logs). Times are
// performance.now() readings: milliseconds since performance.timeOrigin, the process start.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { get } from 'node:http';
import { pathToFileURL } from 'node:url';

const started = performance.now();
const [bundle, eventFile, functionName = 'bench', memoryMB = '256', warmEventsFile] = process.argv.slice(2);
/**
 * Before each warm invocation: longer than a CFS period (100 ms), so a CPU quota the previous
 * invocation used up is whole again, as for an instance that waited for its next request.
 */
const WARM_PAUSE_MS = 150;

/**
 * The high-water mark of this process's own address space (Linux VmHWM), KiB; null elsewhere.
 * ru_maxrss (process.resourceUsage().maxRSS) is reported too, but on Linux it also counts the
 * address space before exec(): the fork of the parent, which holds the emulators and test data.
 */
function highWaterKiB() {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** This process's group in the cgroup v1 `cpu` hierarchy, so the bench can check the quota applied. */
function cpuCgroup() {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((entry) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(entry));
    return line ? line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1) : null;
  } catch {
    return null;
  }
}

function report(fields) {
  const usage = process.resourceUsage();
  const line = {
    timeOrigin: performance.timeOrigin,
    startedMs: started,
    maxRssKiB: usage.maxRSS,
    hwmKiB: highWaterKiB(),
    cpuCgroup: cpuCgroup(),
    ...fields,
  };
  writeSync(3, `${JSON.stringify(line)}\n`);
}

/**
 * The context object the Lambda runtime passes: a copy of packages/testing/src/lambda-context.ts.
 * Importing that .ts file (Node's type stripping) costs this child ~45 ms and ~14 MiB, which would
 * land in every cold-start figure, so the measuring child stays plain JavaScript.
 */
function lambdaContext(timeoutSeconds) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: memoryMB,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function statusOf(result) {
  return result && typeof result === 'object' && 'statusCode' in result ? result.statusCode : null;
}

async function invokeWarm(handler, events) {
  const warmInvokeMs = [];
  const warmStatusCodes = [];
  for (const event of events) {
    await new Promise((resolve) => setTimeout(resolve, WARM_PAUSE_MS));
    const begin = performance.now();
    const result = await handler(event, lambdaContext(60));
    warmInvokeMs.push(performance.now() - begin);
    warmStatusCodes.push(statusOf(result));
  }
  return { warmInvokeMs, warmStatusCodes };
}

if (bundle === '--baseline') {
  report({ kind: 'baseline', doneMs: performance.now() });
  process.exit(0);
}

if (bundle === '--drain') {
  const begin = performance.now();
  const bytes = await new Promise((resolve, reject) => {
    get(eventFile, (response) => {
      let received = 0;
      response.on('data', (chunk) => {
        received += chunk.length;
      });
      response.on('end', () =>
        response.statusCode === 200 ? resolve(received) : reject(new Error(`GET answered ${response.statusCode}`)),
      );
      response.on('error', reject);
    }).on('error', reject);
  }).catch((error) => {
    report({ kind: 'error', error: String(error) });
    process.exit(1);
  });
  report({ kind: 'drain', drainMs: performance.now() - begin, bytes, doneMs: performance.now() });
  process.exit(0);
}

try {
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  const loadStart = performance.now();
  const module = await import(pathToFileURL(bundle).href);
  const loaded = performance.now();
  const result = await module.handler(event, lambdaContext(60));
  const done = performance.now();
  const warm = warmEventsFile ? await invokeWarm(module.handler, JSON.parse(readFileSync(warmEventsFile, 'utf8'))) : {};
  report({
    kind: 'handler',
    loadMs: loaded - loadStart,
    invokeMs: done - loaded,
    doneMs: done,
    statusCode: statusOf(result),
    body: result && typeof result === 'object' && typeof result.body === 'string' ? result.body.slice(0, 2000) : null,
    ...warm,
  });
  process.exit(0);
} catch (error) {
  report({ kind: 'error', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(1);
}
