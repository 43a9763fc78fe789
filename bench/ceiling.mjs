// The runtime's ceiling for bench/service.mjs: a bare node:http server answering every request
// with one constant JSON body, the size of an item. Listens on HOST:PORT like the items service.
import http from 'node:http';

const body = JSON.stringify({
  id: '0b8f6c1e-5d7a-4c1b-9a8e-2f3d4c5b6a70', name: 'load test item', price: 9.99, quantity: 1, tags: ['load'],
  version: 1, createdAt: '2026-12-02T00:00:00.000Z', updatedAt: '2026-12-02T00:00:00.000Z',
});
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
