// Enforces a minimum of covered lines per package, which tap's global thresholds cannot express.
// Reads the json-summary report tap writes after `npm test`; run from the repository root.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Minimum percentage of covered lines, per package folder. */
const MINIMUM_LINES = {
  core: 90,
  'plugins/local': 90,
  'plugins/sqlite': 90,
  'plugins/smb': 90,
  'plugins/testkit': 90,
  'adapters/http': 90,
  'adapters/web': 90,
  'adapters/express': 90,
  'adapters/koa': 90,
  cli: 90,
  'examples/express-app': 90,
  'examples/koa-app': 90,
  'examples/recodex-fileserver': 90,
};

const summary = JSON.parse(readFileSync('.tap/report/coverage-summary.json', 'utf8'));
const totals = new Map(Object.keys(MINIMUM_LINES).map((name) => [name, { covered: 0, total: 0 }]));
for (const [file, metrics] of Object.entries(summary)) {
  if (file === 'total') continue;
  const path = relative(process.cwd(), file);
  const owner = Object.keys(MINIMUM_LINES).find((name) => path.startsWith(`${name}/`));
  if (owner === undefined) continue;
  const total = totals.get(owner);
  total.covered += metrics.lines.covered;
  total.total += metrics.lines.total;
}
let failed = false;
for (const [name, { covered, total }] of totals) {
  const pct = total === 0 ? 0 : (100 * covered) / total;
  const ok = pct >= MINIMUM_LINES[name];
  failed ||= !ok;
  console.log(`coverage ${ok ? 'ok' : 'TOO LOW'}: ${name} ${pct.toFixed(2)}% of ${total} lines (minimum ${MINIMUM_LINES[name]}%)`);
}
process.exit(failed ? 1 : 0);
