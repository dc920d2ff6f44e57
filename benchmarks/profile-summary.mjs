// Summarizes V8 CPU profiles (`node --cpu-prof`, as `npm run bench -- --cpu-prof` writes them):
// self time by function and by file, heaviest first, with GC and idle time separated.
//
//   node benchmarks/profile-summary.mjs <file.cpuprofile | folder> [--top 25]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const TOP = topIndex === -1 ? 25 : Number(args[topIndex + 1]);
const inputs = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--top');

function profilesIn(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true })
    .map((name) => join(path, name))
    .filter((file) => file.endsWith('.cpuprofile'));
}

function shortUrl(url) {
  if (url === '') return '(native)';
  const clean = url.replace(/^file:\/\//, '');
  const nodeModules = clean.lastIndexOf('node_modules/');
  if (nodeModules !== -1) return clean.slice(nodeModules + 'node_modules/'.length);
  return clean.startsWith('/') ? relative(process.cwd(), clean) : clean;
}

for (const file of inputs.flatMap(profilesIn)) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  // timeDeltas[i] is the time before samples[i] was taken.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id);
    total += micros;
    if (callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const where = shortUrl(callFrame.url);
    const fn = `${callFrame.functionName || '(anonymous)'}  ${where}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    byFile.set(where, (byFile.get(where) ?? 0) + micros);
  }
  const busy = total - idle;
  const pct = (micros) => `${((micros / busy) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${relative(process.cwd(), file)}: ${(busy / 1e6).toFixed(2)} s busy of ${(total / 1e6).toFixed(2)} s sampled\n`);
  console.log('self time by function (share of busy time):');
  for (const [fn, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${pct(micros)}  ${fn}`);
  console.log('\nself time by file:');
  for (const [where, micros] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, Math.min(TOP, 15))) console.log(`  ${pct(micros)}  ${where}`);
}
