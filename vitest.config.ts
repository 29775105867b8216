import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          env: {
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            // Dummy values: unit tests never reach AWS (handlers get in-memory stores, the adapters'
            // clients are mocked, presigning is local).
            PHOTOS_TABLE_NAME: 'photos-test',
            PHOTOS_BUCKET_NAME: 'photos-bucket-test',
            PHOTOS_CDN_BASE_URL: 'https://d111111abcdef8.cloudfront.net',
            // One origin rather than '*': the CORS tests then tell allowed and other origins apart.
            CORS_ALLOWED_ORIGIN: 'https://photos.example.test',
            // The pool whose organizers group the handlers check live (lib/organizers-group.ts); the tests pass their own check.
            USER_POOL_ID: 'eu-west-1_TestPool1',
            // The distribution the delete routes invalidate (lib/cdn-invalidator.ts); their tests pass a recording fake.
            PHOTOS_CDN_DISTRIBUTION_ID: 'E2QWRUHAPOMQZL',
            AWS_REGION: 'eu-west-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
          },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          exclude: ['**/node_modules/**'],
          env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // A fresh id per run: the packaging tests package once per run (scripts/package-once.ts).
          globalSetup: ['scripts/test-run-id.ts'],
          // Each file starts its own local stack; the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
