// Install step of @tunelab/native-blas: builds the addon with node-gyp when a C++ compiler and a
// BLAS (OpenBLAS on Linux, Accelerate on macOS) are present. Whatever goes wrong, it exits 0 so
// that `npm ci` succeeds: without the addon TuneLab uses the wasm (XNNPACK) kernels.
// `TUNELAB_BLAS=off` skips the build; `npm run build -w @tunelab/native-blas` retries it loudly.
const { spawnSync } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');
const path = require('node:path');

const loud = process.argv.includes('--loud');
const here = __dirname;

function say(line) {
  process.stderr.write(`@tunelab/native-blas: ${line}\n`);
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(
      path.dirname(process.execPath),
      '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    ),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  return candidates.find((c) => c && existsSync(c));
}

function main() {
  if (process.env.TUNELAB_BLAS === 'off') return say('TUNELAB_BLAS=off: not built');
  const gyp = nodeGyp();
  if (gyp === undefined) return say('node-gyp not found: not built (the wasm kernels are used)');
  // Node's own headers (installed beside the binary by most distributions and installers) avoid
  // node-gyp's header download, which an offline machine cannot do.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const args = [gyp, 'rebuild'];
  if (existsSync(path.join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
  const result = spawnSync(process.execPath, args, {
    cwd: here,
    stdio: loud ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const built = existsSync(path.join(here, 'build/Release/tunelab_blas.node'));
  if (result.status === 0 && built) return say('built (native BLAS available)');
  if (!loud) rmSync(path.join(here, 'build'), { recursive: true, force: true });
  const why = `${result.stderr ?? ''}`.split('\n').find((l) => /error|not found|cannot find/i.test(l));
  say(`not built (${why?.trim() ?? `node-gyp exited ${result.status}`}); the wasm kernels are used`);
  if (loud) process.exitCode = 1;
}

main();
