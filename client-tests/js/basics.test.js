// Create, put and get through the JS SDK v3, plus the control-plane operations it exposes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { REGION, uniqueName, useEmulator } from './emulator.js';

const emu = useEmulator();
const FORWARD_TOKEN = /^f\/\d{56}\/s$/;
const BACKWARD_TOKEN = /^b\/\d{56}\/s$/;
const SEQUENCE_TOKEN = /^\d{56}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function newStream() {
  const logGroupName = uniqueName('/js/basics');
  const logStreamName = uniqueName('stream');
  await emu.client.send(new CreateLogGroupCommand({ logGroupName }));
  await emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  return { logGroupName, logStreamName };
}

test('create group and stream, put events, get them back from the head', async () => {
  const { logGroupName, logStreamName } = await newStream();

  // An empty stream: no events, both tokens in AWS's shape.
  const empty = await emu.client.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
  );
  assert.deepEqual(empty.events, []);
  assert.match(empty.nextForwardToken, FORWARD_TOKEN);
  assert.match(empty.nextBackwardToken, BACKWARD_TOKEN);

  const t0 = Date.now() - 60_000;
  const logEvents = [
    { timestamp: t0, message: 'first' },
    { timestamp: t0 + 1, message: 'second: ünïcödé ✓' },
    { timestamp: t0 + 1, message: 'third, same timestamp' },
    { timestamp: t0 + 5_000, message: '{"level":"info","msg":"json"}' },
  ];
  const put = await emu.client.send(
    new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }),
  );
  assert.match(put.nextSequenceToken, SEQUENCE_TOKEN);
  assert.equal(put.rejectedLogEventsInfo, undefined);

  const got = await emu.client.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
  );
  assert.deepEqual(
    got.events.map(({ timestamp, message }) => ({ timestamp, message })),
    logEvents,
  );
  for (const e of got.events) {
    assert.equal(typeof e.ingestionTime, 'number');
    assert.ok(e.ingestionTime >= e.timestamp, 'ingestionTime is after the event');
  }
  assert.match(got.nextForwardToken, FORWARD_TOKEN);
  assert.match(got.nextBackwardToken, BACKWARD_TOKEN);
  assert.equal(got.$metadata.httpStatusCode, 200);
  assert.match(got.$metadata.requestId, UUID, 'x-amzn-RequestId reaches $metadata');

  // At the end of the stream the same forward token comes back, with no events.
  const end = await emu.client.send(
    new GetLogEventsCommand({
      logGroupName,
      logStreamName,
      startFromHead: true,
      nextToken: got.nextForwardToken,
    }),
  );
  assert.deepEqual(end.events, []);
  assert.equal(end.nextForwardToken, got.nextForwardToken);

  // The stream's metadata reflects the put.
  const { logStreams } = await emu.client.send(
    new DescribeLogStreamsCommand({ logGroupName }),
  );
  assert.equal(logStreams.length, 1);
  const s = logStreams[0];
  assert.equal(s.logStreamName, logStreamName);
  assert.equal(
    s.arn,
    `arn:aws:logs:${REGION}:000000000000:log-group:${logGroupName}:log-stream:${logStreamName}`,
  );
  assert.equal(s.firstEventTimestamp, t0);
  assert.equal(s.lastEventTimestamp, t0 + 5_000);
  assert.equal(s.uploadSequenceToken, put.nextSequenceToken);
});

test('without startFromHead, GetLogEvents returns the newest page, in ascending order', async () => {
  const { logGroupName, logStreamName } = await newStream();
  const t0 = Date.now() - 60_000;
  const logEvents = Array.from({ length: 5 }, (_, i) => ({ timestamp: t0 + i, message: `m${i}` }));
  const first = await emu.client.send(
    new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: logEvents.slice(0, 3) }),
  );
  // The next batch carries the token the first one returned (strict sequence tokens).
  await emu.client.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName,
      logEvents: logEvents.slice(3),
      sequenceToken: first.nextSequenceToken,
    }),
  );
  const newest = await emu.client.send(
    new GetLogEventsCommand({ logGroupName, logStreamName, limit: 2 }),
  );
  assert.deepEqual(newest.events.map((e) => e.message), ['m3', 'm4']);
  const before = await emu.client.send(
    new GetLogEventsCommand({
      logGroupName,
      logStreamName,
      limit: 2,
      nextToken: newest.nextBackwardToken,
    }),
  );
  assert.deepEqual(before.events.map((e) => e.message), ['m1', 'm2']);

  // startTime is inclusive, endTime exclusive.
  const window = await emu.client.send(
    new GetLogEventsCommand({
      logGroupName,
      logStreamName,
      startFromHead: true,
      startTime: t0 + 1,
      endTime: t0 + 3,
    }),
  );
  assert.deepEqual(window.events.map((e) => e.message), ['m1', 'm2']);
});

test('describe groups, retention, tags, and delete', async () => {
  const logGroupName = uniqueName('/js/control');
  await emu.client.send(
    new CreateLogGroupCommand({ logGroupName, tags: { team: 'core' } }),
  );
  await emu.client.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 7 }));

  let { logGroups } = await emu.client.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }),
  );
  assert.equal(logGroups.length, 1);
  const g = logGroups[0];
  const groupArn = `arn:aws:logs:${REGION}:000000000000:log-group:${logGroupName}`;
  assert.equal(g.logGroupName, logGroupName);
  assert.equal(g.retentionInDays, 7);
  assert.equal(g.arn, `${groupArn}:*`);
  assert.equal(g.logGroupArn, groupArn);
  assert.equal(typeof g.creationTime, 'number');

  await emu.client.send(new TagResourceCommand({ resourceArn: groupArn, tags: { env: 'test' } }));
  await emu.client.send(new UntagResourceCommand({ resourceArn: groupArn, tagKeys: ['team'] }));
  const { tags } = await emu.client.send(new ListTagsForResourceCommand({ resourceArn: groupArn }));
  assert.deepEqual(tags, { env: 'test' });

  await emu.client.send(new DeleteRetentionPolicyCommand({ logGroupName }));
  ({ logGroups } = await emu.client.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }),
  ));
  assert.equal(logGroups[0].retentionInDays, undefined);

  await emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 's' }));
  await emu.client.send(new DeleteLogStreamCommand({ logGroupName, logStreamName: 's' }));
  const { logStreams } = await emu.client.send(new DescribeLogStreamsCommand({ logGroupName }));
  assert.deepEqual(logStreams, []);

  await emu.client.send(new DeleteLogGroupCommand({ logGroupName }));
  ({ logGroups } = await emu.client.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }),
  ));
  assert.deepEqual(logGroups, []);
});
