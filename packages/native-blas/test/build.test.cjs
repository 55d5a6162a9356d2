// The install step must never fail `npm ci`: without a compiler (or a BLAS) it says why in one
// line, exits 0 and leaves no half-built addon, and index.cjs then reports "not available".
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const test = require('node:test');
const assert = require('node:assert/strict');

const here = path.join(__dirname, '..');

function copy() {
  const dir = mkdtempSync(path.join(tmpdir(), 'native-blas-'));
  for (const f of ['binding.gyp', 'build.cjs', 'index.cjs', 'package.json', 'src']) {
    cpSync(path.join(here, f), path.join(dir, f), { recursive: true });
  }
  return dir;
}

test('without a working compiler the install step exits 0 and the addon reports why it is missing', () => {
  const dir = copy();
  try {
    const r = spawnSync(process.execPath, ['build.cjs'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CXX: '/nonexistent/c++', CC: '/nonexistent/cc' },
    });
    assert.equal(r.status, 0);
    assert.match(r.stderr, /@tunelab\/native-blas: not built \(.+\); the wasm kernels are used/);
    assert.equal(existsSync(path.join(dir, 'build')), false);
    const mod = require(path.join(dir, 'index.cjs'));
    assert.equal(mod.available, false);
    assert.equal(mod.addon, null);
    assert.match(mod.error, /tunelab_blas\.node/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TUNELAB_BLAS=off skips the build', () => {
  const dir = copy();
  try {
    const r = spawnSync(process.execPath, ['build.cjs'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TUNELAB_BLAS: 'off' },
    });
    assert.equal(r.status, 0);
    assert.match(r.stderr, /TUNELAB_BLAS=off: not built/);
    assert.equal(existsSync(path.join(dir, 'build')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
