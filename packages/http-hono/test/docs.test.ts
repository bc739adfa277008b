import { expect, test } from 'vitest';
import { setup, TOKEN_A, until } from './helpers.js';

// Runs the /docs page's script against a minimal DOM, with `fetch` going to the app, to check that
// it renders every operation and that "Send" really calls the API.

class El {
  children: Array<El | string> = [];
  attrs: Record<string, string> = {};
  className = '';
  value = '';
  type = '';
  files: File[] = [];
  onclick: (() => Promise<void>) | undefined;
  private text = '';
  constructor(readonly tag: string) {}
  append(...kids: Array<El | string>) {
    this.children.push(...kids);
  }
  setAttribute(key: string, value: string) {
    this.attrs[key] = value;
    if (key === 'type') this.type = value;
  }
  addEventListener() {}
  get textContent(): string {
    return this.text + this.children.map((k) => (typeof k === 'string' ? k : k.textContent)).join('');
  }
  set textContent(value: string) {
    this.text = value;
    this.children = [];
  }
  /** Every element below this one, depth first. */
  all(): El[] {
    return this.children.flatMap((k) => (typeof k === 'string' ? [] : [k, ...k.all()]));
  }
}

test('the docs page renders every operation and its Send button calls the API', async () => {
  const { app } = setup();
  const html = await (await app.request('/docs')).text();
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
  expect(script).toBeDefined();

  const ids: Record<string, El> = {};
  for (const id of ['title', 'desc', 'ops', 'token', 'session_id', 'access_token']) ids[id] = new El('div');
  const document = {
    createElement: (tag: string) => new El(tag),
    getElementById: (id: string) => ids[id],
    body: { dataset: { spec: '/openapi.json' } },
  };
  const localStorage = { getItem: () => null, setItem: () => {} };
  const fetchApp = (url: string, init?: RequestInit) => Promise.resolve(app.request(url, init));
  new Function('document', 'localStorage', 'fetch', script as string)(document, localStorage, fetchApp);

  const ops = await until(async () => {
    const found = ids.ops?.all().filter((e) => e.tag === 'details') ?? [];
    return found.length > 0 ? found : undefined;
  });
  const spec = await (await app.request('/openapi.json')).json();
  const operations = Object.values(spec.paths as Record<string, object>).flatMap((p) => Object.keys(p));
  expect(ops).toHaveLength(operations.length);
  expect(ids.title?.textContent).toBe('wabot API 0.1.0');

  const find = (label: string) =>
    ops.find((d) =>
      d
        .all()
        .find((e) => e.tag === 'summary')
        ?.textContent.startsWith(label),
    );
  // A JSON body is pre-filled with an example built from the schema.
  const button = find('POST/whatsapp/message/button');
  const example = button?.all().find((e) => e.tag === 'textarea');
  expect(JSON.parse(example?.value ?? '{}')).toMatchObject({
    btndata: { buttons: [{ type: 'replyButton' }] },
  });
  // Uploads get a file input.
  expect(
    find('POST/whatsapp/message/image')
      ?.all()
      .some((e) => e.tag === 'input' && e.type === 'file'),
  ).toBe(true);

  (ids.token as El).value = TOKEN_A;
  const create = find('POST/whatsapp/createNewWhatsapp');
  const send = create?.all().find((e) => e.tag === 'button');
  await send?.onclick?.();
  const out = create?.all().find((e) => e.className === 'out');
  expect(out?.textContent).toContain('200');
  expect(out?.textContent).toContain('Whatsapp created successfully!');
});
