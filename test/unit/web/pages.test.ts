import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeApi, lanDossier, lanMessages, otherDossier } from './fake-api';

/**
 * The pages over the fake api: sign-in with the cookie session and CSRF, languages, the citizen's
 * pages and their errors. The real stack and a real browser are test/integration/pages.test.ts.
 */
let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => api.app.close());

/** A cookie jar of one browser. */
function browser() {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (setCookie: string | string[] | undefined) => {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '') jar.delete(name!);
      else jar.set(name!, value.join('='));
    }
  };
  return {
    jar,
    async get(url: string, headers: Record<string, string> = {}) {
      const response = await api.app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(), ...headers } });
      remember(response.headers['set-cookie']);
      return response;
    },
    async post(url: string, form: Record<string, string | string[]>) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
      const response = await api.app.inject({
        method: 'POST',
        url,
        headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      });
      remember(response.headers['set-cookie']);
      return response;
    },
  };
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

async function signedIn(user = 'citizen-lan') {
  const b = browser();
  const page = await b.get('/sign-in');
  const signIn = await b.post('/sign-in', { _csrf: csrfOf(page.body), user });
  expect(signIn.statusCode).toBe(303);
  return b;
}

describe('pages', () => {
  it('sign a demo user in with a CSRF-checked form into an httpOnly SameSite cookie that the api does not accept', async () => {
    const b = browser();
    const page = await b.get('/sign-in');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toMatch(/^<!doctype html><html lang="vi">/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await b.post('/sign-in', { user: 'citizen-lan' })).statusCode).toBe(403);
    const signIn = await b.post('/sign-in', { _csrf: csrfOf(page.body), user: 'citizen-lan' });
    expect(signIn.statusCode).toBe(303);
    const cookie = [signIn.headers['set-cookie']].flat().find((c) => c!.startsWith('lienthong_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hồ sơ của tôi');
    expect(home.body).toContain('Nguyễn Thị Lan');
    expect((await b.get('/api/dossiers')).statusCode).toBe(401);
    const out = await b.post('/sign-out', { _csrf: csrfOf(home.body) });
    expect(out.statusCode).toBe(303);
    expect((await b.get('/')).headers.location).toBe('/sign-in?next=%2F');
  });

  it("bind each CSRF token to the user signed in when the form was made: another user's token is refused", async () => {
    const lan = await signedIn('citizen-lan');
    const hanh = await signedIn('citizen-hanh');
    const lansToken = csrfOf((await lan.get('/')).body);
    // Hạnh's browser, sent Lan's token with Lan's CSRF secret cookie: the HMAC names Lan, not Hạnh.
    hanh.jar.set('lienthong_csrf', lan.jar.get('lienthong_csrf')!);
    expect((await hanh.post('/sign-out', { _csrf: lansToken })).statusCode).toBe(403);
    // A token made before signing in is not valid once signed in.
    const b = browser();
    const anonymous = csrfOf((await b.get('/sign-in')).body);
    expect((await b.post('/sign-in', { _csrf: anonymous, user: 'citizen-lan' })).statusCode).toBe(303);
    expect((await b.post('/sign-out', { _csrf: anonymous })).statusCode).toBe(403);
    expect((await lan.post('/sign-out', { _csrf: lansToken })).statusCode).toBe(303);
  });

  it('speak English by the switch or Accept-Language, Vietnamese otherwise', async () => {
    const b = await signedIn();
    expect((await b.get('/', { 'accept-language': 'en-GB,en;q=0.9' })).body).toContain('My dossiers');
    expect((await b.get('/', { 'accept-language': 'fr, vi;q=0.5' })).body).toContain('Hồ sơ của tôi');
    expect((await b.get('/?lang=en')).body).toContain('<html lang="en">');
    expect((await b.get('/')).body).toContain('My dossiers');
  });

  it('pre-fill the birth form, and show each problem next to its field and in a summary linking to it', async () => {
    const b = await signedIn();
    const form = await b.get('/apply/birth-bundle');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('001190012345');
    expect(form.body.length).toBeLessThan(100_000);
    const refused = await b.post('/apply/birth-bundle', {
      _csrf: csrfOf(form.body),
      formKey: 'form-key-0001',
      'child.fullName': 'Bé 2',
      'child.birthDate': '31/02/2026',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#f-child-fullName"');
    expect(refused.body).toContain('Chỉ gồm chữ cái');
    expect(refused.body).toContain('href="#f-child-birthDate"');
    expect(refused.body).toContain('href="#f-residence-parentConfirmed"');
    expect(refused.body).toContain('value="form-key-0001"');
  });

  it("list the citizen's own messages, newest first, linked to their dossier, in both languages; nobody else's", async () => {
    const lan = await signedIn('citizen-lan');
    const home = await lan.get('/');
    expect(home.body).toContain('<a href="/messages">Thông báo đã gửi cho tôi</a>');
    const page = await lan.get('/messages');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Thông báo</h1>');
    const headings = [...page.body.matchAll(/<h2 class="dossier-card-title">([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(['Thư điện tử: Hồ sơ đã có kết quả', 'SMS: Yêu cầu bổ sung thông tin']);
    expect(page.body).toContain(`<a href="/dossiers/${lanDossier}">${lanDossier}</a>`);
    expect(page.body).toContain(lanMessages[1]!.text);
    expect(page.body).toContain('•••••0001');
    const english = await lan.get('/messages?lang=en');
    expect(english.body).toContain('<h1>Messages</h1>');
    expect(english.body).toContain('E-mail: Your dossier has a result');
    expect(english.body).toContain('lang="vi"');
    const hanh = await signedIn('citizen-hanh');
    const none = await hanh.get('/messages');
    expect(none.body).toContain('Chưa có thông báo nào.');
    expect(none.body).not.toContain(lanDossier);
    const worker = await signedIn('worker-civil-status');
    expect((await worker.get('/messages')).statusCode).toBe(403);
  });

  it("show the citizen's own dossier and nobody else's", async () => {
    const b = await signedIn();
    const page = await b.get(`/dossiers/${lanDossier}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Đăng ký khai sinh');
    expect((await b.get(`/dossiers/${otherDossier}`)).statusCode).toBe(404);
    expect((await b.get('/dossiers/nonsense')).statusCode).toBe(404);
    expect((await b.get('/tasks')).statusCode).toBe(403);
    // A worker's home is their inbox; the citizen's pages are not theirs.
    const worker = await signedIn('worker-civil-status');
    expect((await worker.get('/')).headers.location).toBe('/tasks');
    const inbox = await worker.get('/tasks');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('Việc cần xử lý');
    expect(inbox.body).toContain('Đăng ký khai sinh');
    expect((await worker.get(`/dossiers/${lanDossier}`)).statusCode).toBe(403);
  });

  it("offer the chosen province's communes only, a button to show another province's without JavaScript, and each list as JSON", async () => {
    const b = await signedIn();
    const form = await b.get('/apply/birth-bundle');
    const birthPlace = /<select[^>]*id="f-child-birthPlace-commune"[\s\S]*?<\/select>/.exec(form.body)![0];
    // The province of the family's residence is shown first: Hà Nội, 126 communes and wards.
    expect(birthPlace.match(/<option /g)).toHaveLength(1 + 126);
    expect(birthPlace).toContain('Phường Hoàn Kiếm');
    expect(birthPlace).not.toContain('Phường Bến Thành');
    const shown = await b.post('/apply/birth-bundle', {
      _csrf: csrfOf(form.body),
      formKey: 'form-key-0002',
      'child.fullName': 'Trần Minh An',
      'child.birthPlace.provinceCode': '079',
      showCommunes: 'child.birthPlace',
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain('error-summary');
    expect(shown.body).toContain('value="Trần Minh An"');
    expect(shown.body).toContain('value="form-key-0002"');
    const hcm = /<select[^>]*id="f-child-birthPlace-commune"[\s\S]*?<\/select>/.exec(shown.body)![0];
    expect(hcm).toContain('Phường Bến Thành');
    expect(hcm).not.toContain('Phường Hoàn Kiếm');
    const list = await b.get('/assets/communes/079.json');
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toContain('max-age');
    expect(JSON.parse(list.body)).toContain('Phường Bến Thành');
    expect((await b.get('/assets/communes/999.json')).statusCode).toBe(404);
  });
});
