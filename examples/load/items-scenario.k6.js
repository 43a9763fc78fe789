// The same scenario for k6 users (https://k6.io): each virtual user loops
// create → read → update → list → delete; thresholds set the exit code.
//   k6 run -e BASE_URL=https://d111111abcdef8.cloudfront.net/api -e VUS=20 -e DURATION=60s items-scenario.k6.js
import http from 'k6/http';
import { check } from 'k6';

const BASE = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
const JSON_HEADERS = { headers: { 'content-type': 'application/json' } };

export const options = {
  vus: Number(__ENV.VUS || 10),
  duration: __ENV.DURATION || '30s',
  // The same defaults as scenario.js: success rate 0.99; a p99 threshold only when MAX_P99_MS is set.
  thresholds: {
    checks: [`rate>=${__ENV.MIN_SUCCESS_RATE || 0.99}`],
    ...(__ENV.MAX_P99_MS ? { http_req_duration: [`p(99)<${__ENV.MAX_P99_MS}`] } : {}),
  },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
};

export default function () {
  const created = http.post(`${BASE}/items`, JSON.stringify({ name: 'load test item', price: 9.99, quantity: 1, tags: ['load'] }), JSON_HEADERS);
  if (!check(created, { 'create 201': (r) => r.status === 201 })) return;
  const item = created.json();
  check(http.get(`${BASE}/items/${item.id}`), { 'read 200': (r) => r.status === 200 });
  const update = JSON.stringify({ name: 'load test item', price: 10.99, quantity: 2, version: item.version });
  check(http.put(`${BASE}/items/${item.id}`, update, JSON_HEADERS), { 'update 200': (r) => r.status === 200 });
  check(http.get(`${BASE}/items?limit=10`), { 'list 200': (r) => r.status === 200 });
  check(http.del(`${BASE}/items/${item.id}`), { 'delete 200': (r) => r.status === 200 });
}
