import type { NextConfig } from 'next';
import { SECURITY_HEADERS } from './src/server/security-headers.ts';
import { maxRequestBytes } from './src/server/upload-limit.ts';

const config: NextConfig = {
  // Browser tests and benchmarks build into their own folder so they never race a developer's build.
  distDir: process.env.TUNELAB_NEXT_DIST_DIR || '.next',
  transpilePackages: ['@tunelab/core', '@tunelab/db', '@tunelab/jobs'],
  serverExternalPackages: [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-node',
    '@prisma/client',
    '@prisma/adapter-pg',
    'pg',
    'bullmq',
    'ioredis',
  ],
  typedRoutes: false,
  // `npm start` builds without the Turbopack build cache (its write cost a first start 10-30 s);
  // repeated builds (browser tests) keep it.
  experimental: {
    turbopackFileSystemCacheForBuild: process.env.TUNELAB_NEXT_BUILD_CACHE !== '0',
    // Bodies pass through proxy.ts: without this, uploads over 10 MB reach the route cut off.
    proxyClientMaxBodySize: maxRequestBytes(),
  },
  // Typechecking is CI's `npm run typecheck`; a second pass here doubled the first `npm start`.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // proxy.ts sets them on what it serves; this covers the built assets it skips.
  headers: async () => [
    {
      source: '/:path*',
      headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value })),
    },
  ],
};

export default config;
