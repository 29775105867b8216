// vitest globalSetup of the integration project: a fresh id for every run (and every rerun in watch
// mode), which scripts/package-once.ts uses to package once per run.
import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): void {
  project.provide('testRunId', randomUUID());
  project.onTestsRerun(() => project.provide('testRunId', randomUUID()));
}
