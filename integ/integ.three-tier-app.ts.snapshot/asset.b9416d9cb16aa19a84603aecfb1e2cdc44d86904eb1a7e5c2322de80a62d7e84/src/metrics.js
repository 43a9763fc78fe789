// Prometheus metrics: request counts and latency by route, database pool usage, process defaults.
import client from 'prom-client';

export function createMetrics(store) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'http_requests_total', help: 'HTTP requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'status'], registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request latency, by method and route.',
    labelNames: ['method', 'route'], buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  const inFlight = new client.Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being handled.', registers: [registry] });
  const storeErrors = new client.Counter({
    name: 'items_store_unavailable_total', help: 'Requests answered 503 because the database was unavailable.', registers: [registry],
  });
  const authFailures = new client.Counter({
    name: 'items_auth_failures_total', help: 'Requests refused by sign-in: missing, invalid_token, forbidden (not the owner) or jwks_unavailable.',
    labelNames: ['reason'], registers: [registry],
  });
  const cacheRequests = new client.Counter({
    name: 'items_cache_requests_total', help: 'Cache lookups for GET /items/{id}, by result (hit or miss).',
    labelNames: ['result'], registers: [registry],
  });
  const cacheErrors = new client.Counter({
    name: 'items_cache_errors_total', help: 'Cache operations that failed or timed out (the request used the database), by operation.',
    labelNames: ['operation'], registers: [registry],
  });
  new client.Gauge({
    name: 'db_pool_connections', help: 'Database pool connections, by state (total, idle, waiting clients).',
    labelNames: ['state'], registers: [registry],
    collect() {
      const stats = store.poolStats();
      if (!stats) return;
      for (const [state, value] of Object.entries(stats)) this.set({ state }, value);
    },
  });
  return { registry, requests, duration, inFlight, storeErrors, authFailures, cacheRequests, cacheErrors };
}
