// The machine and the versions a run measured, for the JSON and RESULTS.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { nginxVersion } from './nginx.mjs';
import { wrkVersion } from './wrk.mjs';

const PACKAGES = ['express', 'koa', 'fastify', '@fastify/static', 'serve-static', 'multer', '@tus/server', '@tus/file-store', 'better-sqlite3', '@stowage/core'];

function packageVersion(name) {
  try {
    // Resolved from the benchmarks workspace, like the subjects resolve them.
    const require = createRequire(new URL('../package.json', import.meta.url));
    let dir = require.resolve(name);
    for (let i = 0; i < 6; i++) {
      dir = dir.slice(0, dir.lastIndexOf('/'));
      try {
        const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
        if (manifest.name === name) return manifest.version;
      } catch {
        // Keep walking up.
      }
    }
  } catch {
    // Not installed: reported as null.
  }
  return null;
}

function git(args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', cwd: new URL('..', import.meta.url) }).trim();
  } catch {
    return null;
  }
}

/** Load average as three numbers. */
export const load = () => loadavg().map((value) => Number(value.toFixed(2)));

/** What the run ran on and with. */
export function describeEnvironment({ wrk, nginx }) {
  const cpuList = cpus();
  let cpuFlags = '';
  try {
    cpuFlags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    // Not Linux: no flags.
  }
  return {
    machine: {
      cpuModel: cpuList[0]?.model ?? 'unknown',
      cpus: cpuList.length,
      shaNi: /\bsha_ni\b/.test(cpuFlags),
      memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
      kernel: release(),
      loadAverageAtStart: load(),
    },
    versions: {
      node: process.version,
      wrk: wrk === undefined ? null : wrkVersion(wrk),
      nginx: nginx === undefined ? null : nginxVersion(nginx),
      packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
    },
    git: { commit: git(['rev-parse', '--short', 'HEAD']), uncommittedFiles: (git(['status', '--porcelain']) ?? '').split('\n').filter(Boolean).length },
  };
}
