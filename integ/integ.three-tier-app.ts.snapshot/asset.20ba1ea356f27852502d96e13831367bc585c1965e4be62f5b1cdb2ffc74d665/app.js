// Same origin as the page: CloudFront routes /api/* to the items service, so no CORS is needed.
const list = document.getElementById('items');
const status = document.getElementById('status');

async function api(method, path, body) {
  const res = await fetch(`/api${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  // A WAF block or a CloudFront error page is HTML, not the API's JSON.
  const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
  const json = res.status !== 204 && isJson ? await res.json() : undefined;
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

function render(items) {
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement('li');
    li.textContent = `${item.name}${item.price !== undefined ? ` (${item.price})` : ''} `;
    const remove = document.createElement('button');
    remove.textContent = 'Delete';
    remove.addEventListener('click', () => api('DELETE', `/items/${item.id}`).then(refresh, show));
    li.append(remove);
    return li;
  }));
}

function show(err) {
  status.textContent = `API error: ${err.message}`;
}

async function refresh() {
  try {
    const page = await api('GET', '/items?limit=50');
    render(page.items);
    status.textContent = `${page.items.length} item(s)${page.nextCursor ? ' (first 50)' : ''}`;
  } catch (err) {
    show(err);
  }
}

document.getElementById('add').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const item = { name: form.get('name') };
  if (form.get('price') !== '') item.price = Number(form.get('price'));
  api('POST', '/items', item).then(() => { event.target.reset(); return refresh(); }, show);
});

refresh();
