// Answers every request with its method and path as JSON; /healthz for the load balancer.
const http = require('http');

const server = http.createServer((req, res) => {
  const body = req.url === '/healthz' ? { status: 'ok' } : { method: req.method, path: req.url };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});
server.listen(8080);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
