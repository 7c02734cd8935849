import { defineConfig } from 'vitest/config';

// End-to-end: real signaling server, real Chromium browsers, real WebRTC.
// One file at a time: each test runs two browser processes on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
