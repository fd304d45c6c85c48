// The README examples are code that runs: every ```js block that imports the SDK, in this
// folder's README and in the project README, is run as an ES module (from this folder, so it
// finds node_modules) against a fresh emulator, with the endpoint it names rewritten.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator } from './emulator.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const README_ENDPOINT = 'http://127.0.0.1:4566';
const SDK = '@aws-sdk/client-cloudwatch-logs';

/** The ```js / ```javascript blocks of a Markdown file that import the SDK. */
function sdkSnippets(markdownPath) {
  let text;
  try {
    text = readFileSync(markdownPath, 'utf8');
  } catch {
    return [];
  }
  const blocks = [...text.matchAll(/^```(?:js|javascript|mjs)\s*\n([\s\S]*?)^```\s*$/gm)];
  return blocks.map((m) => m[1]).filter((code) => code.includes(SDK));
}

async function runSnippet(code) {
  assert.ok(
    code.includes(README_ENDPOINT),
    `the snippet must name the endpoint ${README_ENDPOINT} so the test can redirect it`,
  );
  const emulator = await startEmulator();
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '--eval', code.replaceAll(README_ENDPOINT, emulator.endpoint)],
      { cwd: HERE, timeout: 15_000 },
    );
    return stdout;
  } finally {
    await emulator.stop();
  }
}

test('the JS SDK example in client-tests/js/README.md runs and prints hello', async () => {
  const snippets = sdkSnippets(new URL('./README.md', import.meta.url));
  assert.equal(snippets.length, 1, 'README.md has exactly one SDK example');
  assert.equal(await runSnippet(snippets[0]), 'hello\n');
});

test('the JS SDK example in the project README runs', async (t) => {
  const snippets = sdkSnippets(new URL('../../README.md', import.meta.url));
  if (snippets.length === 0) {
    t.skip('the project README has no JS SDK example yet');
    return;
  }
  for (const code of snippets) {
    assert.match(await runSnippet(code), /hello/);
  }
});
