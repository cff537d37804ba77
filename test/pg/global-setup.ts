// vitest globalSetup of the `pg` project: one throwaway PostgreSQL cluster for the whole run; each test
// file makes its own database on it (createDatabase). No PostgreSQL on the machine fails the run.
import type { TestProject } from 'vitest/node';
import { startCluster } from './cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startCluster();
  project.provide('pgUrl', cluster.url);
  return () => cluster.stop();
}
