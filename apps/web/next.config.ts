import type { NextConfig } from 'next';

const config: NextConfig = {
  transpilePackages: ['@tunelab/core', '@tunelab/db'],
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
