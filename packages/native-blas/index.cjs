// Loads the addon built by build.cjs. `available` is false (and `error` says why) when it was not
// built: callers then use their fallback.
const path = require('node:path');

let addon = null;
let error = null;
try {
  addon = require(path.join(__dirname, 'build/Release/tunelab_blas.node'));
} catch (e) {
  error = e instanceof Error ? e.message.split('\n')[0] : String(e);
}

exports.addon = addon;
exports.error = error;
exports.available = addon !== null;
