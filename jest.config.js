/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // jest picks one worker on two cores; two halves the wall time here.
  maxWorkers: 2,
  transform: { '^.+\\.(t|j)sx?$': swc },
  // p-queue and p-timeout ship ESM only; jest's CommonJS runtime on Node 20 needs them compiled.
  transformIgnorePatterns: ['/node_modules/(?!(p-queue|p-timeout|eventemitter3)/)'],
  // Catches a hang, not a slow machine: a suite must pass beside other CPU-heavy work.
  testTimeout: 60000,
};
