// Fault injection through the JS SDK v3: its default (standard) retry strategy retries an
// injected ThrottlingException and a dropped PutLogEvents connection; with strict sequence
// tokens the resent put is recognised (DataAlreadyAcceptedException), nothing is stored twice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DataAlreadyAcceptedException,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { makeClient, uniqueName, useEmulator } from './emulator.js';

const emu = useEmulator(); // strict sequence tokens

async function addRule(rule) {
  const answer = await fetch(`${emu.endpoint}/_cwlogs/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rule),
  });
  assert.equal(answer.status, 200, await answer.text());
}

async function rules() {
  return (await (await fetch(`${emu.endpoint}/_cwlogs/faults`)).json()).rules;
}

test('the default retry strategy retries an injected ThrottlingException, then succeeds', async () => {
  await fetch(`${emu.endpoint}/_cwlogs/faults`, { method: 'DELETE' });
  const logGroupName = uniqueName('/js/faults');
  await addRule({
    operation: 'CreateLogGroup',
    logGroupName,
    action: { type: 'error', code: 'ThrottlingException' },
    schedule: { type: 'first', count: 2 },
  });
  const client = makeClient(emu.endpoint); // the SDK's defaults: standard mode, 3 attempts
  try {
    const answer = await client.send(new CreateLogGroupCommand({ logGroupName }));
    assert.equal(answer.$metadata.attempts, 3);
  } finally {
    client.destroy();
  }
  const [rule] = await rules();
  assert.equal(rule.matched, 3);
  assert.equal(rule.hits, 2);
});

test('a dropped PutLogEvents retried with strict tokens is stored once', async () => {
  await fetch(`${emu.endpoint}/_cwlogs/faults`, { method: 'DELETE' });
  const logGroupName = uniqueName('/js/faults');
  const logStreamName = 's';
  await emu.client.send(new CreateLogGroupCommand({ logGroupName }));
  await emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  await addRule({
    operation: 'PutLogEvents',
    logGroupName,
    action: { type: 'drop' },
    schedule: { type: 'first', count: 1 },
  });
  const client = makeClient(emu.endpoint);
  try {
    const put = new PutLogEventsCommand({
      logGroupName,
      logStreamName,
      logEvents: [{ timestamp: Date.now(), message: 'once' }],
    });
    // What the client sees: its resend is the batch the stream accepted last.
    await assert.rejects(client.send(put), (err) => {
      assert.ok(err instanceof DataAlreadyAcceptedException, String(err));
      assert.equal(err.$metadata.attempts, 2);
      return true;
    });
  } finally {
    client.destroy();
  }
  const read = await emu.client.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
  );
  assert.deepEqual(read.events.map((e) => e.message), ['once']);
  assert.equal((await rules())[0].hits, 1);
});
