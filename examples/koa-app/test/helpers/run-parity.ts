// Sends the shared parity cases to one example application. Like parity-cases.ts, this file is
// the same, byte for byte, in both examples.
import type { Test } from 'tap';
import { rawRequest } from '@stowage/testkit';
import { PARITY_CASES, PARITY_TOKENS, type ParityAnswer, type ParityCase } from './parity-cases.js';

const PLACEHOLDER = /\{([a-zA-Z0-9]+)\}/g;

function fill(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}

function fillRecord(record: Readonly<Record<string, string>>, values: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, fill(value, values)]));
}

/** `actual` when `expected` holds `{any}` and matches it there, else `expected`. */
function matchAny(expected: string, actual: string): string {
  if (!expected.includes('{any}')) return expected;
  const pattern = expected.split('{any}').map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')).join('(?:[^"\\\\]|\\\\.)*');
  return new RegExp(`^${pattern}$`).test(actual) ? actual : expected;
}

/** Sends every case, in order, to the application at `url`, and checks each whole answer. */
export async function runParityCases(t: Test, url: string, cases: readonly ParityCase[] = PARITY_CASES): Promise<void> {
  const values = new Map<string, string>([
    ['alice', PARITY_TOKENS.alice],
    ['bob', PARITY_TOKENS.bob],
  ]);
  for (const parityCase of cases) {
    const { request } = parityCase;
    const body = typeof request.body === 'string' ? Buffer.from(fill(request.body, values)) : request.body;
    const response = await rawRequest(url, fill(request.target, values), {
      method: request.method,
      headers: fillRecord(request.headers ?? {}, values),
      ...(body === undefined ? {} : { body }),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (name !== 'date' && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const actual: ParityAnswer = { status: response.status, headers, body: response.body.toString() };
    if (parityCase.capture !== undefined) values.set(parityCase.capture, (JSON.parse(actual.body) as { id: string }).id);
    const expectedBody = matchAny(fill(parityCase.answer.body, values), actual.body);
    const expected: ParityAnswer = {
      status: parityCase.answer.status,
      headers: fillRecord(parityCase.answer.headers, new Map([...values, ['length', String(Buffer.byteLength(expectedBody))]])),
      body: parityCase.answer.headOnly === true ? '' : expectedBody,
    };
    t.strictSame(actual, expected, parityCase.name);
  }
}
