// The README examples are code that runs: the ```js block that imports the SDK, in this
// folder's README and in the project README (each must have exactly one), is run as an ES module
// (from this folder, so it finds node_modules) against a fresh emulator, with the endpoint it
// names rewritten, and must print hello.

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
  const text = readFileSync(markdownPath, 'utf8');
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

/** The one SDK example of the Markdown file at `path` (relative to this folder) prints hello. */
async function exampleRuns(path) {
  const snippets = sdkSnippets(new URL(path, import.meta.url));
  assert.equal(snippets.length, 1, `${path} has exactly one JS SDK example`);
  assert.equal(await runSnippet(snippets[0]), 'hello\n');
}

test('the JS SDK example in client-tests/js/README.md runs and prints hello', () =>
  exampleRuns('./README.md'));

test('the JS SDK example in the project README runs and prints hello', () =>
  exampleRuns('../../README.md'));
