export * from './valkey-cache';
