export * from './log-archive-bucket';
