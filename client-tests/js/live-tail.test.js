// StartLiveTail through the JS SDK v3: the event stream the SDK parses, filters, sampling, the
// timeout, and a closed stream freeing its session. `disableHostPrefix: true` is the switch
// that keeps the SDK from sending the call to stream-127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  SessionTimeoutException,
  StartLiveTailCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { REGION, makeClient, uniqueName, useEmulator } from './emulator.js';

const TIMEOUT_S = 3;
const emu = useEmulator('--live-tail-timeout', String(TIMEOUT_S), '--sequence-tokens', 'ignore');
const arn = (group) => `arn:aws:logs:${REGION}:000000000000:log-group:${group}`;

function tailClient() {
  return makeClient(emu.endpoint, { maxAttempts: 1, disableHostPrefix: true });
}

async function newGroup(...streams) {
  const logGroupName = uniqueName('/js/tail');
  await emu.client.send(new CreateLogGroupCommand({ logGroupName }));
  for (const logStreamName of streams) {
    await emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  }
  return logGroupName;
}

async function put(logGroupName, logStreamName, ...messages) {
  const timestamp = Date.now();
  await emu.client.send(new PutLogEventsCommand({
    logGroupName, logStreamName, logEvents: messages.map((message) => ({ timestamp, message })),
  }));
}

async function sessions() {
  const response = await fetch(`${emu.endpoint}/health`);
  return (await response.json()).liveTailSessions;
}

async function waitForSessions(count) {
  for (let i = 0; i < 50 && (await sessions()) !== count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(await sessions(), count);
}

/** The session results of the updates until `want` events were seen (at most 5 updates). */
async function resultsUntil(events, want) {
  const results = [];
  for (let i = 0; i < 5 && results.length < want; i++) {
    const { value } = await events.next();
    assert.ok(value.sessionUpdate, JSON.stringify(value));
    results.push(...value.sessionUpdate.sessionResults);
  }
  return results;
}

test('a tail receives what is put after it started, filtered by stream and pattern', async () => {
  const group = await newGroup('web-1', 'db');
  const client = tailClient();
  const response = await client.send(new StartLiveTailCommand({
    logGroupIdentifiers: [arn(group)],
    logStreamNamePrefixes: ['web'],
    logEventFilterPattern: 'ERROR',
  }));
  const events = response.responseStream[Symbol.asyncIterator]();
  const { value: first } = await events.next();
  assert.deepEqual(first.sessionStart.logGroupIdentifiers, [arn(group)]);
  assert.deepEqual(first.sessionStart.logStreamNamePrefixes, ['web']);
  await put(group, 'db', 'ERROR in db');
  await put(group, 'web-1', 'INFO fine', 'ERROR in web');
  const results = await resultsUntil(events, 1);
  assert.deepEqual(results.map((r) => r.message), ['ERROR in web']);
  assert.equal(results[0].logGroupIdentifier, arn(group));
  assert.equal(results[0].logStreamName, 'web-1');
  assert.equal(typeof results[0].ingestionTime, 'number');
  await events.return();
  client.destroy();
});

test('more than 500 events in a second are sampled to 500', async () => {
  const group = await newGroup('s');
  const client = tailClient();
  const response = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn(group)] }));
  const events = response.responseStream[Symbol.asyncIterator]();
  await events.next();
  await put(group, 's', ...Array.from({ length: 650 }, (_, i) => `event ${i}`));
  let update;
  for (let i = 0; i < 3; i++) {
    update = (await events.next()).value.sessionUpdate;
    if (update.sessionResults.length) break;
  }
  assert.equal(update.sessionMetadata.sampled, true);
  assert.equal(update.sessionResults.length, 500);
  await events.return();
  client.destroy();
});

test('the session ends with SessionTimeoutException', async () => {
  const group = await newGroup();
  const client = tailClient();
  const response = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn(group)] }));
  await assert.rejects(
    (async () => {
      for await (const _ of response.responseStream) { /* drain until the session ends */ }
    })(),
    (err) => err instanceof SessionTimeoutException
      && err.message === `The Live Tail session timed out after ${TIMEOUT_S} seconds.`,
  );
  client.destroy();
});

test('leaving the stream frees the session', async () => {
  const group = await newGroup();
  const before = await sessions();
  const client = tailClient();
  const controller = new AbortController();
  const response = await client.send(
    new StartLiveTailCommand({ logGroupIdentifiers: [arn(group)] }),
    { abortSignal: controller.signal },
  );
  const events = response.responseStream[Symbol.asyncIterator]();
  await events.next();
  assert.equal(await sessions(), before + 1);
  controller.abort();
  client.destroy();
  await waitForSessions(before);
});
