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
    const edit = document.createElement('button');
    edit.textContent = 'Edit';
    edit.setAttribute('aria-label', `Edit ${item.name}`);
    edit.addEventListener('click', () => editor(li, item));
    const remove = document.createElement('button');
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${item.name}`);
    remove.addEventListener('click', () => api('DELETE', `/items/${item.id}`).then(refresh, show));
    li.append(edit, remove);
    return li;
  }));
}

// Edits name and price in place. PUT replaces the whole item, so the fields this page doesn't show
// go back as they were read, with the version read: a change made meanwhile elsewhere is a 409.
function editor(li, item) {
  const form = document.createElement('form');
  form.setAttribute('aria-label', `Edit ${item.name}`);
  const name = Object.assign(document.createElement('input'), { name: 'name', value: item.name, required: true, maxLength: 200 });
  name.setAttribute('aria-label', 'Name');
  const price = Object.assign(document.createElement('input'), { name: 'price', type: 'number', min: '0', step: '0.01', value: item.price ?? '' });
  price.setAttribute('aria-label', 'Price');
  const save = Object.assign(document.createElement('button'), { textContent: 'Save' });
  const cancel = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Cancel' });
  cancel.addEventListener('click', refresh);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const { description, quantity, tags, version } = item;
    const body = { name: name.value, description, quantity, tags, version };
    if (price.value !== '') body.price = Number(price.value);
    api('PUT', `/items/${item.id}`, body).then(refresh, show);
  });
  form.append(name, price, save, cancel);
  li.replaceChildren(form);
  name.focus();
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
