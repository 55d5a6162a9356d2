import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

/**
 * Registers tfjs-core's gradient functions. The CommonJS build that Node loads (`tf-core.node.js`)
 * ships none, and the ES module files that do (`dist/register_all_gradients.js`) use extensionless
 * and directory imports that Node's ESM loader rejects. So they are bundled in memory with esbuild
 * (a dependency of tsx and vitest; ~0.2 s) and evaluated once. The bundle carries its own copy of
 * the ops, but tfjs keeps its engine and registries on the global object and Tensor uses
 * Symbol.hasInstance, so both copies drive the same engine.
 */
export function registerAllGradients(): void {
  if (tf.getGradient('Sum') !== undefined) return;
  const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  let esbuild: typeof import('esbuild');
  try {
    esbuild = require('esbuild');
  } catch (error) {
    throw new Error(`cannot register tfjs gradients: esbuild is not installed (${String(error)})`);
  }
  const built = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    logLevel: 'error',
  });
  const code = built.outputFiles[0]?.text;
  if (code === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  const mod = { exports: {} };
  const localRequire = createRequire(entry);
  new Function('require', 'module', 'exports', code)(localRequire, mod, mod.exports);
  if (tf.getGradient('Sum') === undefined) throw new Error('tfjs gradients did not register');
}
