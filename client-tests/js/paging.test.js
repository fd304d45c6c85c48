// The SDK's paginators against the emulator's tokens: GetLogEvents (with stopOnSameToken, the
// article's 26,351-event stream) and DescribeLogStreams (more than one page of streams).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  paginateDescribeLogStreams,
  paginateGetLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { uniqueName, useEmulator } from './emulator.js';

const emu = useEmulator();
const FORWARD_TOKEN = /^f\/\d{56}\/s$/;

test('paginateGetLogEvents with stopOnSameToken reads all 26,351 events in order', async () => {
  const TOTAL = 26_351;
  const BATCH = 10_000;
  const logGroupName = uniqueName('/js/paging');
  const logStreamName = 'big';
  await emu.client.send(new CreateLogGroupCommand({ logGroupName }));
  await emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));

  // One event per millisecond, starting an hour ago: well inside the 14-day / +2 h window,
  // and each batch spans 10 s, far below the 24-hour limit.
  const t0 = Date.now() - 3_600_000;
  const message = (i) => `event ${String(i).padStart(5, '0')}`;
  let sequenceToken;
  for (let start = 0; start < TOTAL; start += BATCH) {
    const logEvents = [];
    for (let i = start; i < Math.min(start + BATCH, TOTAL); i++) {
      logEvents.push({ timestamp: t0 + i, message: message(i) });
    }
    const out = await emu.client.send(
      new PutLogEventsCommand({ logGroupName, logStreamName, logEvents, sequenceToken }),
    );
    assert.equal(out.rejectedLogEventsInfo, undefined);
    sequenceToken = out.nextSequenceToken;
  }

  const pageSizes = [];
  const tokens = [];
  let next = 0;
  const paginator = paginateGetLogEvents(
    { client: emu.client, stopOnSameToken: true },
    { logGroupName, logStreamName, startFromHead: true },
  );
  for await (const page of paginator) {
    pageSizes.push(page.events.length);
    tokens.push(page.nextForwardToken);
    for (const e of page.events) {
      // Check inline rather than collecting 26k objects for one deepEqual.
      if (e.message !== message(next) || e.timestamp !== t0 + next) {
        assert.fail(`event #${next} is ${JSON.stringify(e)}, expected ${message(next)} @ ${t0 + next}`);
      }
      next++;
    }
  }
  assert.equal(next, TOTAL);

  // AWS's page budget (10,000 events or 1 MB) gives 10000/10000/6351. The paginator only stops
  // once a page returns the token it was called with, so it yields one more, empty, page whose
  // nextForwardToken equals the previous one.
  assert.deepEqual(pageSizes, [10_000, 10_000, 6_351, 0]);
  for (const t of tokens) assert.match(t, FORWARD_TOKEN);
  assert.equal(new Set(tokens.slice(0, 3)).size, 3, 'every non-final page moves the token');
  assert.equal(tokens[3], tokens[2], 'the end of the stream repeats the token');
});

test('paginateDescribeLogStreams walks more than 50 streams', async () => {
  const COUNT = 57;
  const logGroupName = uniqueName('/js/streams');
  await emu.client.send(new CreateLogGroupCommand({ logGroupName }));
  const names = Array.from({ length: COUNT }, (_, i) => `stream-${String(i).padStart(3, '0')}`);
  // Create out of order (and concurrently): the listing must still be sorted by name.
  await Promise.all(
    [...names]
      .reverse()
      .map((logStreamName) =>
        emu.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName })),
      ),
  );

  const collect = async (config, input = {}) => {
    const pages = [];
    for await (const page of paginateDescribeLogStreams(
      { client: emu.client, ...config },
      { logGroupName, ...input },
    )) {
      pages.push(page);
    }
    return pages;
  };

  // Default limit: 50 a page, and the last page carries no nextToken.
  const pages = await collect({});
  assert.deepEqual(pages.map((p) => p.logStreams.length), [50, COUNT - 50]);
  assert.equal(typeof pages[0].nextToken, 'string');
  assert.equal(pages.at(-1).nextToken, undefined);
  assert.deepEqual(pages.flatMap((p) => p.logStreams.map((s) => s.logStreamName)), names);

  // pageSize becomes `limit`.
  const small = await collect({ pageSize: 20 });
  assert.deepEqual(small.map((p) => p.logStreams.length), [20, 20, COUNT - 40]);
  assert.deepEqual(small.flatMap((p) => p.logStreams.map((s) => s.logStreamName)), names);

  // Descending, with a prefix.
  const desc = await collect({ pageSize: 4 }, { logStreamNamePrefix: 'stream-00', descending: true });
  assert.deepEqual(
    desc.flatMap((p) => p.logStreams.map((s) => s.logStreamName)),
    names.slice(0, 10).reverse(),
  );
  assert.deepEqual(desc.map((p) => p.logStreams.length), [4, 4, 2]);
});
