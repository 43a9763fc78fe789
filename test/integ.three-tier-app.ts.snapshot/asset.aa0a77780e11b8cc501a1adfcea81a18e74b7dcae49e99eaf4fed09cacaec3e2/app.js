// Same origin as the page: CloudFront routes /api/* to the services, so no CORS is needed.
fetch('/api/hello')
  .then((res) => res.json())
  .then((body) => { document.getElementById('api').textContent = JSON.stringify(body, null, 2); })
  .catch((err) => { document.getElementById('api').textContent = `API error: ${err}`; });
