// Helpers for the JS SDK client tests: start the real cwlogs-emulator binary, make clients,
// make unique names.
//
// Each test file starts its own emulator (`useEmulator()`), so `node --test` can run the files
// in parallel processes. Tests within a file share it and use unique names instead of resets.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, CloudWatchLogsServiceException } from '@aws-sdk/client-cloudwatch-logs';

// The SDK warns once per process that releases after January 2027 need Node >= 22; the
// machines run Node 20 and the SDK version is pinned, so that notice is only noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const READY_RE = /cwlogs-emulator listening on (http:\/\/\S+)/;
const STARTUP_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** The emulator binary from CWLOGS_BIN; throws a clear error when it is unset or unusable. */
export function emulatorBinary() {
  const bin = process.env.CWLOGS_BIN;
  const hint =
    'run `make test-js` from the repo root, or build it with ' +
    '`cargo build -p cwlogs-emulator --bin cwlogs-emulator` and set ' +
    'CWLOGS_BIN=/abs/path/to/target/debug/cwlogs-emulator';
  if (!bin) throw new Error(`CWLOGS_BIN is not set: ${hint}`);
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`CWLOGS_BIN=${bin} is not an executable file: ${hint}`);
  }
  return bin;
}

/**
 * Start the binary on an ephemeral port and wait for its readiness line.
 * Resolves to `{ endpoint, process, stop() }`.
 */
export function startEmulator(...extraArgs) {
  const bin = emulatorBinary();
  const args = ['--port', '0', '--log-level', 'warn', ...extraArgs];
  // Our CWLOGS_BIN (and any CWLOGS_* the caller has set) must not configure the child.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CWLOGS_')),
  );
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`cwlogs-emulator (${bin} ${args.join(' ')}) ${why}\nstderr:\n${stderr}`));
    };
    const timer = setTimeout(
      () => fail(`did not print its readiness line within ${STARTUP_TIMEOUT_MS} ms`),
      STARTUP_TIMEOUT_MS,
    );
    child.once('error', (err) => fail(`could not be started: ${err.message}`));
    exited.then(({ code, signal }) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (settled) return; // keep draining so the pipe never fills
      stdout += chunk;
      const m = READY_RE.exec(stdout);
      if (m) {
        settled = true;
        clearTimeout(timer);
        resolve({ endpoint: m[1], process: child, stop });
      }
    });
  });
}

/** A v3 client for `endpoint`, the way a user would configure one. */
export function makeClient(endpoint, extra = {}) {
  return new CloudWatchLogsClient({ endpoint, region: REGION, credentials: CREDENTIALS, ...extra });
}

/**
 * Register `before`/`after` hooks that start one emulator for the calling test file and kill it
 * afterwards. Returns a handle whose `endpoint` and `client` are set once `before` has run.
 */
export function useEmulator(...extraArgs) {
  const handle = { endpoint: undefined, client: undefined, emulator: undefined };
  before(async () => {
    handle.emulator = await startEmulator(...extraArgs);
    handle.endpoint = handle.emulator.endpoint;
    // No retries: a 5xx from the emulator is a bug to see, not to paper over.
    handle.client = makeClient(handle.endpoint, { maxAttempts: 1 });
  });
  after(async () => {
    handle.client?.destroy();
    await handle.emulator?.stop();
  });
  return handle;
}

/** Unique, valid log group / stream names, so tests sharing an emulator never collide. */
export function uniqueName(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Await `promise`, which must reject with the SDK's typed exception `ErrorClass`: checks
 * `instanceof`, `err.name`, the exact `err.message`, and that it is a client fault (HTTP 400).
 * Returns the error for further checks (e.g. `expectedSequenceToken`).
 */
export async function expectServiceError(promise, ErrorClass, message) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  if (err === undefined) assert.fail(`expected ${ErrorClass.name}, but the call succeeded`);
  if (!(err instanceof ErrorClass)) {
    const detail = `${err?.name}: ${err?.message} (HTTP ${err?.$metadata?.httpStatusCode})`;
    assert.fail(`expected an instance of ${ErrorClass.name}, got ${detail}`);
  }
  assert.ok(err instanceof CloudWatchLogsServiceException);
  assert.equal(err.name, ErrorClass.name);
  assert.equal(err.message, message);
  assert.equal(err.$fault, 'client');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.ok(err.$metadata.requestId, 'errors carry x-amzn-RequestId too');
  return err;
}
