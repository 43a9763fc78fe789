export * from './log-archive-bucket';
export * from './archive';
