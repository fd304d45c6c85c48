// Typed errors: the SDK must deserialize each emulator error into its exported exception class,
// with AWS's name, message, HTTP status and (for sequence tokens) `expectedSequenceToken`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DataAlreadyAcceptedException,
  DeleteLogGroupCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  InvalidSequenceTokenException,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-cloudwatch-logs';
import { expectServiceError, uniqueName, useEmulator } from './emulator.js';

const emu = useEmulator(); // default: --sequence-tokens strict
const SEQUENCE_TOKEN = /^\d{56}$/;

async function newStream() {
  const logGroupName = uniqueName('/js/errors');
  const logStreamName = uniqueName('stream');
  await emu.client.send(new CreateLogGroupCommand({ logGroupName }));
  await emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  return { logGroupName, logStreamName };
}

const events = (...messages) => {
  const t0 = Date.now() - 60_000;
  return messages.map((message, i) => ({ timestamp: t0 + i, message }));
};

test('ResourceAlreadyExistsException for a duplicate group and a duplicate stream', async () => {
  const { logGroupName, logStreamName } = await newStream();
  await expectServiceError(
    emu.client.send(new CreateLogGroupCommand({ logGroupName })),
    ResourceAlreadyExistsException,
    'The specified log group already exists',
  );
  await expectServiceError(
    emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName })),
    ResourceAlreadyExistsException,
    'The specified log stream already exists',
  );
});

test('ResourceNotFoundException for a missing group or stream', async () => {
  const { logGroupName } = await newStream();
  const missingGroup = uniqueName('/js/missing');
  const GROUP = 'The specified log group does not exist.';
  const STREAM = 'The specified log stream does not exist.';

  await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({
        logGroupName: missingGroup,
        logStreamName: 's',
        logEvents: events('x'),
      }),
    ),
    ResourceNotFoundException,
    GROUP,
  );
  await expectServiceError(
    emu.client.send(
      new GetLogEventsCommand({ logGroupName: missingGroup, logStreamName: 's' }),
    ),
    ResourceNotFoundException,
    GROUP,
  );
  await expectServiceError(
    emu.client.send(new DescribeLogStreamsCommand({ logGroupName: missingGroup })),
    ResourceNotFoundException,
    GROUP,
  );
  await expectServiceError(
    emu.client.send(new DeleteLogGroupCommand({ logGroupName: missingGroup })),
    ResourceNotFoundException,
    GROUP,
  );
  await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({ logGroupName, logStreamName: 'nope', logEvents: events('x') }),
    ),
    ResourceNotFoundException,
    STREAM,
  );
  await expectServiceError(
    emu.client.send(new GetLogEventsCommand({ logGroupName, logStreamName: 'nope' })),
    ResourceNotFoundException,
    STREAM,
  );
});

test('InvalidParameterException for bad batches, limits, tokens and combinations', async () => {
  const { logGroupName, logStreamName } = await newStream();
  const now = Date.now();

  await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: [
          { timestamp: now - 1_000, message: 'later' },
          { timestamp: now - 2_000, message: 'earlier' },
        ],
      }),
    ),
    InvalidParameterException,
    'Log events in a single PutLogEvents request must be in chronological order.',
  );
  await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: [
          { timestamp: now - 25 * 3_600_000, message: 'a day and more ago' },
          { timestamp: now, message: 'now' },
        ],
      }),
    ),
    InvalidParameterException,
    'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
  );
  // The JS SDK does not validate constraints client-side, so the server's message reaches us.
  await expectServiceError(
    emu.client.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit: 10_001 })),
    InvalidParameterException,
    "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: " +
      'Member must have value less than or equal to 10000',
  );
  await expectServiceError(
    emu.client.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, nextToken: 'f/not-a-token/s' }),
    ),
    InvalidParameterException,
    'The specified nextToken is invalid.',
  );
  await expectServiceError(
    emu.client.send(
      new DescribeLogStreamsCommand({
        logGroupName,
        orderBy: 'LastEventTime',
        logStreamNamePrefix: 'x',
      }),
    ),
    InvalidParameterException,
    'Cannot order by LastEventTime with a logStreamNamePrefix.',
  );
  // Both a name and an identifier: AWS answers ValidationException here, not
  // InvalidParameterException.
  await expectServiceError(
    emu.client.send(
      new DescribeLogStreamsCommand({ logGroupName, logGroupIdentifier: logGroupName }),
    ),
    ValidationException,
    'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
  );
});

test('InvalidSequenceTokenException carries expectedSequenceToken (strict mode)', async () => {
  const { logGroupName, logStreamName } = await newStream();
  const first = await emu.client.send(
    new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: events('a') }),
  );
  const expected = first.nextSequenceToken;
  assert.match(expected, SEQUENCE_TOKEN);
  const message = `The given sequenceToken is invalid. The next expected sequenceToken is: ${expected}`;

  // A wrong token.
  const wrong = '49' + '0'.repeat(54);
  const err = await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: events('b'),
        sequenceToken: wrong,
      }),
    ),
    InvalidSequenceTokenException,
    message,
  );
  assert.equal(err.expectedSequenceToken, expected);
  // Clients such as watchtower take the message's last word as the next token.
  assert.equal(err.message.split(' ').at(-1), expected);

  // No token at all, on a stream that has one.
  const noToken = await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: events('b') }),
    ),
    InvalidSequenceTokenException,
    message,
  );
  assert.equal(noToken.expectedSequenceToken, expected);

  // The expected token works, and nothing from the failed calls was stored.
  await emu.client.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName,
      logEvents: events('b'),
      sequenceToken: err.expectedSequenceToken,
    }),
  );
  const got = await emu.client.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
  );
  assert.deepEqual(got.events.map((e) => e.message), ['a', 'b']);
});

test('DataAlreadyAcceptedException for a resent batch; a different batch with the old token is invalid', async () => {
  const { logGroupName, logStreamName } = await newStream();
  const first = await emu.client.send(
    new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: events('a') }),
  );
  const batch = events('b1', 'b2');
  const second = await emu.client.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName,
      logEvents: batch,
      sequenceToken: first.nextSequenceToken,
    }),
  );
  const current = second.nextSequenceToken;
  assert.notEqual(current, first.nextSequenceToken);

  // The same batch again, with the token it was first sent with.
  const dup = await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: batch,
        sequenceToken: first.nextSequenceToken,
      }),
    ),
    DataAlreadyAcceptedException,
    'The given batch of log events has already been accepted. ' +
      `The next batch can be sent with sequenceToken: ${current}`,
  );
  assert.equal(dup.expectedSequenceToken, current);

  // Different messages with that old token: InvalidSequenceTokenException instead.
  const stale = await expectServiceError(
    emu.client.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: events('c'),
        sequenceToken: first.nextSequenceToken,
      }),
    ),
    InvalidSequenceTokenException,
    `The given sequenceToken is invalid. The next expected sequenceToken is: ${current}`,
  );
  assert.equal(stale.expectedSequenceToken, current);

  // Nothing was stored twice.
  const got = await emu.client.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
  );
  assert.deepEqual(got.events.map((e) => e.message), ['a', 'b1', 'b2']);
});
