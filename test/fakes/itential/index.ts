export * from './fake-itential';
export * from './job-script';
