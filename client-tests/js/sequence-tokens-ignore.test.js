// `--sequence-tokens ignore` (AWS since January 2023): tokens are never checked, but
// PutLogEvents still returns nextSequenceToken.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { uniqueName, useEmulator } from './emulator.js';

const emu = useEmulator('--sequence-tokens', 'ignore');

test('ignore mode accepts any token, no token, and a resent batch', async () => {
  const logGroupName = uniqueName('/js/ignore');
  const logStreamName = 'app';
  await emu.client.send(new CreateLogGroupCommand({ logGroupName }));
  await emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  const t0 = Date.now() - 60_000;
  const put = (message, sequenceToken) =>
    emu.client.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: [{ timestamp: t0, message }],
        sequenceToken,
      }),
    );

  const first = await put('a');
  assert.match(first.nextSequenceToken, /^\d{56}$/);
  await put('b'); // no token on a stream that has one
  await put('c', '12345'); // a wrong token
  await put('c', '12345'); // the same batch again is stored again

  const got = await emu.client.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
  );
  assert.deepEqual(got.events.map((e) => e.message), ['a', 'b', 'c', 'c']);
});
