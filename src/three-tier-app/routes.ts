import { API_PATH_PATTERN } from './defaults';

/**
 * The paths the shared listener routes to a service: its own, or `/api/*` unless it is routed
 * by host alone. CloudFront routes the same paths (`ThreeTierApp`), so both read them here.
 */
export function listenerPaths(pathPatterns: string[] | undefined, hostHeaders: string[] | undefined): string[] | undefined {
  return pathPatterns ?? (hostHeaders?.length ? undefined : [API_PATH_PATTERN]);
}
