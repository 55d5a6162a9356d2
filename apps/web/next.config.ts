import type { NextConfig } from 'next';

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
  poweredByHeader: false,
};

export default config;
