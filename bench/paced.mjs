// A constant-arrival-rate load generator (the model of wrk2 and k6's constant-arrival-rate):
// requests are scheduled every 1/rate seconds whether or not earlier ones have answered, sent on a
// few keep-alive connections, and each latency is measured from its scheduled time, so a stall
// shows in the percentiles instead of slowing the sender down (no coordinated omission).
// autocannon's own rate option sends each second's quota in a burst, which measures the burst.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** One HTTP/1.1 request as bytes. */
export function rawRequest(method, path, body, headers = {}) {
  const payload = body === undefined ? '' : body;
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: keep-alive'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(payload)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${payload}`);
}

/** Reads keep-alive responses with a content-length (or none, for 204) off one socket. */
function responseReader(onResponse) {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const status = Number(head.slice(9, 12));
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      buffer = buffer.subarray(end + 4 + length);
      onResponse(status);
    }
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/**
 * Sends `rate` requests a second for `seconds` to 127.0.0.1:`port` over `connections` sockets.
 * `next()` returns the bytes of the next request. Bounded: stops `seconds` + 10 s after the start.
 */
export async function paced({ port, next, expected, rate, seconds, connections }) {
  const total = Math.floor(rate * seconds);
  const interval = 1000 / rate;
  const latencies = [];
  const queue = []; // scheduled times of requests not sent yet
  let scheduled = 0;
  let unexpected = 0;
  let start;
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  const sockets = await Promise.all(Array.from({ length: connections }, () => new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.setNoDelay(true);
    socket.once('error', reject);
  })));
  const idle = [];
  const send = (conn) => {
    conn.sentFor = queue.shift();
    conn.socket.write(next());
  };
  for (const socket of sockets) {
    const conn = { socket, sentFor: 0 };
    socket.on('data', responseReader((status) => {
      latencies.push(performance.now() - conn.sentFor);
      if (status !== expected) unexpected++;
      if (latencies.length === total) finish();
      else if (queue.length) send(conn);
      else idle.push(conn);
    }));
    socket.on('error', () => { unexpected++; });
    idle.push(conn);
  }
  start = performance.now();
  const deadline = start + (seconds + 10) * 1000;
  const tick = () => {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / interval) + 1);
    while (scheduled < due) queue.push(start + interval * scheduled++);
    while (queue.length && idle.length) send(idle.pop());
    if (latencies.length < total && now < deadline) setTimeout(tick, 1);
    else finish();
  };
  tick();
  await finished;
  const elapsed = (performance.now() - start) / 1000;
  for (const socket of sockets) socket.destroy();
  latencies.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 100) / 100;
  return {
    rps: latencies.length / elapsed, answered: latencies.length, unanswered: total - latencies.length, unexpected,
    p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies[latencies.length - 1]),
  };
}
