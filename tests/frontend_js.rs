//! The JavaScript / TypeScript front end: a source snippet in, the `HttpCall`s (and
//! secrets, syntax error) it yields rendered as text out, one snapshot per family of
//! call shapes.
//!
//! The rendering shows, for every URL piece, the source text at its span, so that a
//! reader can check that resolved pieces point where their text is written.

use apimigrate::call::{Body, Fields, HttpCall, Piece, Value};
use apimigrate::frontend::javascript::extract;
use apimigrate::source::Language;
use std::fmt::Write;

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

fn short(s: &str, max: usize) -> String {
    let first = s.lines().next().unwrap_or("");
    let mut out: String = first.chars().take(max).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn value(v: &Value) -> String {
    match v {
        Value::Str { value, .. } => format!("{value:?}"),
        Value::Num { text, .. } => text.clone(),
        Value::Bool { value, .. } => value.to_string(),
        Value::Null { .. } => "null".into(),
        Value::Object(f) => format!("{{{}}}", fields(f)),
        Value::Array { items, .. } => {
            format!(
                "[{}]",
                items.iter().map(value).collect::<Vec<_>>().join(", ")
            )
        }
        Value::Expr { text, .. } => format!("`{}`", short(text, 40)),
    }
}

fn fields(f: &Fields) -> String {
    let mut parts: Vec<String> = f
        .entries
        .iter()
        .map(|e| format!("{}: {}", e.key, value(&e.value)))
        .collect();
    if f.open {
        parts.push("…".into());
    }
    parts.join(", ")
}

fn render_call(src: &str, c: &HttpCall, out: &mut String) {
    let (line, col) = line_col(src, c.span.start);
    let client = serde_json::to_value(c.client).unwrap();
    let _ = writeln!(
        out,
        "{} @{line}:{col} `{}`",
        client.as_str().unwrap(),
        short(&src[c.span.clone()], 60)
    );
    if let Some(r) = &c.receiver {
        let _ = writeln!(out, "  receiver: {r}");
    }
    let method = match (&c.method.name, &c.method.span, &c.method.expr) {
        (Some(n), Some(s), _) => format!("{n} `{}`", &src[s.clone()]),
        (Some(n), None, _) => format!("{n} (implied)"),
        (None, _, Some(e)) => format!("? `{e}`"),
        (None, _, None) => "-".into(),
    };
    let _ = writeln!(out, "  method: {method}");
    let _ = writeln!(out, "  url: {}", c.url.display());
    for p in &c.url.pieces {
        match p {
            Piece::Lit { text, span, exact } => {
                let at = &src[span.clone()];
                let (l, col) = line_col(src, span.start);
                if *exact {
                    assert_eq!(text, at, "exact literal piece must match its span");
                    let _ = writeln!(out, "    lit {text:?} @{l}:{col}");
                } else if span.is_empty() {
                    let _ = writeln!(out, "    lit {text:?} (inserted @{l}:{col})");
                } else {
                    let _ = writeln!(out, "    lit {text:?} from `{}` @{l}:{col}", short(at, 50));
                }
            }
            Piece::Hole { expr, span } => {
                assert_eq!(expr, &src[span.clone()], "hole text must match its span");
                let _ = writeln!(
                    out,
                    "    hole `{expr}` @{}:{}",
                    line_col(src, span.start).0,
                    line_col(src, span.start).1
                );
            }
        }
    }
    if !c.query.entries.is_empty() || c.query.open {
        let _ = writeln!(out, "  query: {}", fields(&c.query));
    }
    if !c.headers.entries.is_empty() || c.headers.open {
        let _ = writeln!(out, "  headers: {}", fields(&c.headers));
    }
    match &c.body {
        None => {}
        Some(Body::Json { value: v }) => {
            let _ = writeln!(out, "  body: json {}", value(v));
        }
        Some(Body::Form { fields: f }) => {
            let _ = writeln!(out, "  body: form {{{}}}", fields(f));
        }
        Some(Body::Raw { text, span }) => {
            let _ = writeln!(
                out,
                "  body: raw {:?} @{}",
                short(text, 50),
                line_col(src, span.start).0
            );
        }
        Some(Body::GraphQl {
            query, variables, ..
        }) => {
            let vars = variables.as_ref().map(value).unwrap_or_default();
            let _ = writeln!(
                out,
                "  body: graphql {:?} variables {vars}",
                short(query, 40)
            );
        }
        Some(Body::Expr { text, .. }) => {
            let _ = writeln!(out, "  body: expr `{}`", short(text, 50));
        }
    }
    if let Some(rpc) = &c.rpc {
        let _ = writeln!(out, "  rpc: {} `{}`", rpc.name, &src[rpc.span.clone()]);
    }
}

fn render(src: &str, language: Language) -> String {
    let ex = extract(src, language);
    let mut out = String::new();
    for c in &ex.calls {
        render_call(src, c, &mut out);
    }
    if !ex.secrets.is_empty() {
        let _ = writeln!(out, "secrets:");
        for s in &ex.secrets {
            let _ = writeln!(out, "  {:?} @{}", &src[s.clone()], line_col(src, s.start).0);
        }
    }
    if let Some((span, message)) = &ex.syntax_error {
        let (l, c) = line_col(src, span.start);
        let _ = writeln!(
            out,
            "{message} @{l}:{c} `{}`",
            short(&src[span.clone()], 40)
        );
    }
    out
}

fn js(src: &str) -> String {
    render(src, Language::JavaScript)
}

fn ts(src: &str) -> String {
    render(src, Language::TypeScript)
}

#[test]
fn fetch_shapes() {
    insta::assert_snapshot!(js(r#"
import nodeFetch from 'node-fetch';
const BASE = 'https://community.khoros.com';

async function del(id, key) {
  await fetch(`${BASE}/api/2.0/users/${id}`, {
    method: 'DELETE',
    headers: { 'li-api-session-key': key, Accept: 'application/json' },
  });
  await nodeFetch(BASE + '/api/2.0/users/' + id);
  await window.fetch(`${BASE}/api/2.0/users/${id}`, { method: 'PUT', body: JSON.stringify({ markDeleted: true }) });
  await globalThis.fetch(`${BASE}/x`, { method: 'POST', headers: new Headers({ 'Content-Type': 'application/x-www-form-urlencoded' }), body: new URLSearchParams({ type_name: 'user', uuid: id }) });
  const req = new Request(`${BASE}/api/2.0/users/${id}`, { method: 'DELETE' });
  await fetch(req);
  await fetch(url, options);
  prefetch('/api/2.0/users');
}
"#));
}

#[test]
fn axios_shapes() {
    insta::assert_snapshot!(js(r#"
const axios = require('axios');
const API = 'https://app.360learning.com/api/v1';

async function all(groupId, userId, data) {
  await axios.get(`${API}/users/${userId}`, { params: { company: 'acme', apiKey } });
  await axios.delete(`${API}/groups/${groupId}/users/${userId}`, { data: { company, apiKey, deleteFromPrivateSubgroups: true } });
  await axios.head(`${API}/users`);
  await axios.options(`${API}/users`);
  await axios.post(`${API}/users`, { mail: 'a@b.c' }, { headers: { 'Content-Type': 'application/json' } });
  await axios.put(`${API}/users/${userId}`, data);
  await axios.patch(`${API}/users/${userId}`, null, { headers: { Authorization: `Bearer ${token}` } });
  await axios({ method: 'delete', url: API + '/users/' + userId, headers: { 'li-api-session-key': key } });
  await axios(`${API}/users/${userId}`, { method: 'DELETE' });
  await axios.request({ method: 'DELETE', url: `${API}/users/${userId}`, params: { company, apiKey } });
  await axios.delete(`${API}/users/${userId}`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: qs.stringify({ company, apiKey }),
  });
  await axios.post(`${API}/users`, { company, apiKey }, { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await axios.create({ baseURL: 'x' }).interceptors.request.use(f);
}
"#));
}

#[test]
fn axios_instances() {
    insta::assert_snapshot!(js(r#"
import axios from 'axios';

const community = axios.create({
  baseURL: 'https://acme.lithium.com/api/2.0/',
  headers: { 'li-api-session-key': process.env.KEY },
  params: { 'restapi.response_format': 'json' },
});
const rel = axios.create({ baseURL: 'https://acme.lithium.com/api/2.0' });

class Khoros {
  constructor() {
    this.http = axios.create({ baseURL: 'https://community.khoros.com/api/2.0', headers: { Accept: 'application/json' } });
  }
  remove(id) {
    return this.http.delete(`/users/${id}`, { headers: { 'X-Trace': 't' } });
  }
}

function run(id) {
  community.delete(`/users/${id}`);
  rel.get(`users/${id}`);
  community.get('https://other.example.com/absolute');
  community.post(`/users/${id}/kudos`, { kudo: 1 });
}
"#));
}

#[test]
fn got_and_ky() {
    insta::assert_snapshot!(js(r#"
const got = require('got');
const ky = require('ky');

const communityApi = got.extend({ prefixUrl: 'https://acme.lithium.com/api/2.0/', headers: { 'li-api-session-key': key } });
const nested = communityApi.extend({ headers: { 'X-Extra': '1' } });
const boards = ky.create({ prefixUrl: 'https://community.khoros.com/api/2.0' });

async function run(id) {
  await got(`https://app.360learning.com/api/v1/users/${id}`, { method: 'DELETE', searchParams: { company, apiKey } });
  await got.delete(`https://app.360learning.com/api/v1/users/${id}`, { searchParams: 'company=acme&apiKey=k-123' });
  await got.post('https://acme.us.janraincapture.com/entity.delete', { form: { type_name: 'user', uuid: id } });
  await got.put('https://x.example.com/a', { json: { markDeleted: true } });
  await got.patch('https://x.example.com/a', { body: '{"markDeleted": "true"}' });
  await got({ url: 'https://x.example.com/opts', method: 'POST' });
  await communityApi.get(`users/${id}/roles`).json();
  await nested.delete(`users/${id}`);
  await ky.delete(`https://app.360learning.com/api/v1/groups/${id}/users/${id}`, { json: { deleteFromPrivateSubgroups: true } });
  await ky(`https://x.example.com/ky`, { method: 'put', body: new URLSearchParams({ a: '1' }) });
  await boards.get(`boards/${id}`, { searchParams: { q: 'x' } }).json();
}
"#));
}

#[test]
fn superagent_and_supertest_chains() {
    insta::assert_snapshot!(js(r#"
const superagent = require('superagent');
const request = require('supertest');
const app = require('../app');

async function run(id) {
  await superagent // the chain starts here
    .delete(`https://acme.lithium.com/api/2.0/users/${id}`)
    .set('li-api-session-key', key)
    .set({ Accept: 'application/json' });

  await superagent
    .put(`https://app.us.360learning.com/api/v1/groups/${id}/users/${id}`)
    .type('form')
    .send({ company })
    .send({ apiKey })
    .query('company=acme')
    .query({ extra: 1 })
    .then((res) => res.body);

  superagent.del(`https://x.example.com/users/${id}`).end((err, res) => {});

  await request(app).delete(`/api/v1/users/${id}`).send({ company, apiKey }).expect(204);
  await request('https://app.360learning.com').get('/api/v1/users').expect(200);
  const agent = request.agent(app);
  await agent.post('/api/v1/users').send('raw=1');
}
"#));
}

#[test]
fn request_library() {
    insta::assert_snapshot!(js(r#"
const request = require('request');
const rp = require('request-promise');
const api = request.defaults({ baseUrl: 'https://app.360learning.com/api/v1', headers: { Accept: 'application/json' } });

function run(id, cb) {
  request({ uri: `https://acme.lithium.com/api/2.0/users/${id}`, method: 'DELETE', headers: { 'li-api-session-key': key } }, cb);
  request.delete(`https://app.360learning.com/api/v1/users/${id}?company=acme&apiKey=${apiKey}`, cb);
  request.del({ url: 'https://x.example.com/a', qs: { company, apiKey } }, cb);
  request.post('https://acme.us.janraincapture.com/entity.delete', { form: { type_name: 'user', uuid: id } }, cb);
  rp({ uri: 'https://x.example.com/json', method: 'PUT', body: { markDeleted: true }, json: true });
  rp({ uri: 'https://x.example.com/json2', method: 'POST', json: { a: 1 }, auth: { user: 'u', pass: 'p4ss' } });
  api.delete(`/users/${id}`, cb);
  request('https://x.example.com/plain', cb);
}
"#));
}

#[test]
fn node_http() {
    insta::assert_snapshot!(js(r#"
const https = require('https');
const http = require('http');

function run(id, done) {
  const req = https.request({
    hostname: 'acme.lithium.com',
    path: `/api/2.0/users/${id}`,
    method: 'DELETE',
    headers: { 'li-api-session-key': key },
  }, (res) => done(res.statusCode));
  req.end();

  const put = http.request({ host: host, port: 8080, path: '/AdminInterface/restapi/v1/users/' + id + '/markDeleted', method: 'PUT' });
  put.write(JSON.stringify({ markDeleted: true }));
  put.end();

  https.request(`https://app.360learning.com/api/v1/users/${id}`, { method: 'DELETE' }, done);
  https.get('https://app.360learning.com/api/v1/users', done);
  http.request({ protocol: 'https:', hostname: 'x.example.com', port: '8443', path: '/p' });
}
"#));
}

#[test]
fn jquery() {
    insta::assert_snapshot!(js(r#"
const CAPTURE_URL = 'https://acme.us.janraincapture.com';
function run(id) {
  $.ajax({ url: `${CAPTURE_URL}/entity.delete`, type: 'POST', data: { type_name: 'user', id, attribute_name: 'clients' } });
  jQuery.ajax(`/api/2.0/messages/${id}/kudos`, { method: 'GET', headers: { 'li-api-session-key': window.LITHIUM.sessionKey } });
  $.ajax({ url: `/AdminInterface/restapi/v1/users/${id}/markDeleted`, type: 'PUT', contentType: 'application/json', data: JSON.stringify({ markDeleted: 'true' }) });
  $.post(`${CAPTURE_URL}/entity.delete`, { type_name: 'user', uuid: id });
  $.get('/api/2.0/users', { q: 'x' }, function (data) {});
  $.ajax({ url: `https://app.360learning.com/api/v1/users/${id}`, type: 'DELETE', data: { company, apiKey } });
}
"#));
}

#[test]
fn postman_send_request() {
    insta::assert_snapshot!(js(r#"
pm.sendRequest('https://{{host}}/api/2.0/users/{{id}}', (err, res) => {});
pm.sendRequest({
  url: pm.environment.get('base') + '/AdminInterface/restapi/v1/users/' + id + '/markDeleted',
  method: 'PUT',
  header: [
    { key: 'Authorization', value: 'Bearer eyJhbGciOi.payload.sig' },
    { key: 'X-Old', value: '1', disabled: true },
  ],
  body: { mode: 'raw', raw: JSON.stringify({ markDeleted: true }) },
}, cb);
pm.sendRequest({
  url: 'https://acme.us.janraincapture.com/entity.delete',
  method: 'POST',
  header: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: { mode: 'urlencoded', urlencoded: [{ key: 'type_name', value: 'user' }, { key: 'uuid', value: pm.variables.get('uuid') }] },
}, cb);
pm.sendRequest({
  url: { raw: 'https://community.khoros.com/t5/s/api/2.1/graphql' },
  method: 'POST',
  body: { mode: 'graphql', graphql: { query: 'mutation CloseUserAccount($id: ID!) { closeUserAccount(id: $id) { result } }', variables: { id: 'user:1' } } },
}, cb);
"#));
}

#[test]
fn generic_method_calls() {
    insta::assert_snapshot!(js(r#"
import { khoros } from './client';
const cache = new Map();
const wrapper = { delete: (url) => fetch(url, { method: 'DELETE' }) };
const data = { delete: true };

async function run(id, api, router) {
  await khoros.delete(`/api/2.0/users/${id}`);
  await this.client.post(`${BASE}/users/${id}/markDeleted`, { markDeleted: true }, { headers: { Authorization: auth } });
  await api.request({ url: `/api/v1/users/${id}`, method: 'DELETE' });
  await api.request(`/api/v1/users/${id}`, { method: 'DELETE', body: JSON.stringify({ a: 1 }) });
  await client.del('https://x.example.com/users/' + id);
  cy.request('DELETE', `/api/v1/users/${id}`);
  cy.request('POST', '/api/v1/users', { mail: 'a@b.c' });
  wrapper.delete(`/api/v1/users/${id}`);
  // not requests:
  map.delete(key);
  cache.get('/api/2.0/users');
  cache.delete(`/users/${id}`);
  router.delete('/api/v1/users/:id', handler);
  other.delete('/api/v1/users/:id', (req, res) => {});
  app.get('/api/2.0/users', list);
  headers.get('content-type');
  params.delete(`${prefix}users`);
  data.delete(`/api/v1/users/${id}`);
}
"#));
}

#[test]
fn rpc_calls() {
    insta::assert_snapshot!(js(r#"
const { apicall } = require('./capture');
const api = require('./janrain-capture-client')({ clientId: process.env.JANRAIN_CLIENT_ID });
const base = { type_name: 'user' };

function run(uuid, params) {
  api.call('entity.delete', { type_name: 'user', uuid, attribute_name: 'clients#42' });
  apicall('entity.delete', { ...base, uuid });
  janrain.capture.apicall('entity.delete', params);
  api.call('entity.delete');
  BX24.callMethod('entity.delete', { ENTITY: 'x', ID: 1 });
  fn.call(this, 'a.b');
  api.call('ping', {});
}
"#));
}

#[test]
fn url_resolution() {
    insta::assert_snapshot!(js(r#"
const KHOROS_BASE = 'https://community.khoros.com';
const KHOROS_API = `${KHOROS_BASE}/api/2.0`;
const config = { khoros: { baseUrl: 'https://acme.lithium.com' }, env: process.env.X };
const CONFIG = Object.freeze({ 'base-url': 'https://frozen.example.com' });
const { baseUrl } = config.khoros;
const ESCAPED = "https:\/\/esc.example.com\/api\/2.0";
let mutable = 'https://mutable.example.com';
mutable = 'https://other.example.com';
let stable = 'https://stable.example.com';
var hoisted = '/api/v1';

function f(id, KHOROS_BASE) {
  axios.delete(`${KHOROS_BASE}/api/2.0/users/${id}`);          // parameter shadows the const
  axios.delete(`${KHOROS_API}/users/${encodeURIComponent(id)}`);
  axios.delete(config.khoros.baseUrl + '/api/2.0/users/' + id);
  axios.delete(CONFIG['base-url'] + `/users/${id}`);
  axios.delete(`${baseUrl}/users/${id}`);
  axios.delete(`${config.env}/users/${id}`);
  axios.delete(`${ESCAPED}/users/${id}`);
  axios.delete(`${mutable}/users/${id}`);
  axios.delete(`${stable}${hoisted}/users/${id}`);
  {
    const KHOROS_API = 'https://inner.example.com';
    axios.delete(`${KHOROS_API}/users/${id}`);            // nearest scope wins
  }
  const u = new URL('/api/2.0/search', 'https://community.khoros.com/ignored/path');
  u.searchParams.set('q', liql);
  fetch(u);
  fetch(new URL(`users/${id}`, 'https://app.360learning.com/api/v1/').href);
  fetch(new URL('users', KHOROS_API).toString());
  fetch(`https://app.360learning.com/api/v1/users/${id}?${new URLSearchParams({ company, apiKey })}`);
  fetch('https://app.360learning.com/api/v1/users?' + qs.stringify({ company: 'acme', apiKey }));
  fetch(`https://app.360learning.com/api/v1/users?${params}`);
  fetch(`https://app.360learning.com/api/v1/users/${id}?company=acme&apiKey=${apiKey}`);
}
"#));
}

#[test]
fn scoping_and_imports() {
    insta::assert_snapshot!(js(r#"
import http from 'axios';
import * as https from 'https';
import request from 'superagent';
import { get } from './api';
const BASE = 'https://app.360learning.com';

function hoisting(id) {
  http.delete(`${LATER}/users/${id}`);      // var hoists to the function
  var LATER = BASE + '/api/v1';
}
const arrow = (BASE) => http.delete(`${BASE}/api/v1/users/1`);   // parameter shadows
try { x(); } catch (BASE) { http.delete(`${BASE}/api/v1/users/2`); }
for (const BASE of bases) { http.delete(`${BASE}/api/v1/users/3`); }
function destructured({ BASE }) { http.delete(`${BASE}/api/v1/users/4`); }
function reassignedInner() {
  let base = BASE;
  if (staging) base = 'https://staging.example.com';
  http.delete(`${base}/api/v1/users/5`);
}
function twice() {
  var v = 'https://one.example.com';
  var v = 'https://two.example.com';
  http.delete(`${v}/api/v1/users/6`);
}
function augmented() {
  let path = '/api/v1/users';
  path += '/7';
  http.delete(BASE + path);
}
https.request({ hostname: 'app.360learning.com', path: '/api/v1/users/8', method: 'DELETE' });
request.delete(`${BASE}/api/v1/users/9`).set('Accept', 'application/json');
get('/api/v1/users/10');
"#));
}

#[test]
fn this_members_and_classes() {
    insta::assert_snapshot!(ts(r#"
import { HttpClient } from '@angular/common/http';

export class RsaClient {
  private readonly base = 'https://acme.access.securid.com/AdminInterface/restapi/v1';
  private token: string;
  constructor(private http: HttpClient) {
    this.token = 'eyJhbGciOiJIUzI1NiJ9.e30.sig';
  }
  markDeleted(id: string) {
    return this.http.put<void>(`${this.base}/users/${id}/markDeleted`, { markDeleted: 'true' }, { headers: { Authorization: `Bearer ${this.token}` } });
  }
  remove(id: string) {
    return this.http.delete(`${this.base}/users/${id}`);
  }
}
"#));
}

#[test]
fn values_and_bodies() {
    insta::assert_snapshot!(js(r#"
const UUID = '30dd1406-f59a-4145-a6de-b94b5e8cacf3';
const params = { type_name: 'user', uuid: UUID };
const RAW = '{"markDeleted": "true"}';
const defaults = { type_name: 'user' };

function run(uuid, extra, body) {
  axios.post('https://a.janraincapture.com/entity.delete', qs.stringify(params));
  axios.post('https://a.janraincapture.com/entity.delete', querystring.stringify({ ...defaults, uuid }));
  axios.post('https://a.janraincapture.com/entity.delete', new URLSearchParams({ ...extra, uuid }));
  axios.post('https://a.janraincapture.com/entity.delete', { [key]: 1, n: -1, b: false, z: null, list: [1, 'a'], nested: { deep: UUID } });
  fetch('https://x.example.com/raw', { method: 'PUT', body: RAW });
  fetch('https://x.example.com/unknown', { method: 'PUT', body: JSON.stringify(body) });
  fetch('https://x.example.com/expr', { method: 'PUT', body: body });
  fetch('https://x.example.com/tpl', { method: 'PUT', body: `{"markDeleted": ${flag}}` });
  fetch('https://x.example.com/gql', { method: 'POST', body: JSON.stringify({ query: 'mutation { x }', variables: { id: UUID } }) });
  fetch('https://x.example.com/spread', { ...opts, headers });
  fetch('https://x.example.com/m', { method: m });
}
"#));
}

#[test]
fn base_urls() {
    insta::assert_snapshot!(js(r#"
const KHOROS_BASE = 'https://community.khoros.com';
const KHOROS_V2 = 'https://community.khoros.com/api/2.0';
const LEGACY = `${KHOROS_BASE}/api/2.0/`;
const UNUSED_ORIGIN = 'https://origin.example.com';
const DERIVED = UNUSED_ORIGIN + '/api/v1';
const FALLBACK = process.env.BASE || 'https://fallback.example.com/api/2.0';
const NOT_URL = 'community.khoros.com/api/2.0';
const settings = { khoros: { baseUrl: 'https://acme.lithium.com/api/2.0' }, list: ['https://in.array.com'] };
const khoros = axios.create({ baseURL: 'https://unused.lithium.com/api/2.0' });
const used = axios.create({ baseURL: 'https://used.lithium.com/api/2.0' });
module.exports.ENDPOINT = 'https://exported.example.com/api/v1';

class Client {
  baseUrl = 'https://field.example.com';
  constructor() { this.root = 'https://ctor.example.com/api/2.0'; }
}

function run(id) {
  fetch(`${KHOROS_BASE}/t5/s/api/2.1/graphql`, { method: 'POST', headers: { Referer: 'https://referer.example.com' } });
  used.get(`/users/${id}`);
  new Client({ baseUrl: 'https://ctor-arg.example.com' });
}
"#));
}

#[test]
fn typescript_syntax() {
    insta::assert_snapshot!(ts(r#"
import axios, { AxiosInstance } from 'axios';

const BASE = 'https://acme.lithium.com/api/2.0' as const;
const TENANT = process.env.TENANT!;
const RSA = `https://${TENANT}.access.securid.com/AdminInterface/restapi/v1` satisfies string;
const client: AxiosInstance = axios.create({ baseURL: BASE as string });

interface User { id: string }

export async function remove(id: string): Promise<void> {
  await axios.get<User>(`${BASE}/users/${id}`);
  await axios.delete<void>((BASE + `/users/${id}`) as string);
  await client.delete<User>(`/users/${id}`);
  await fetch(`${RSA}/users/${id}/markDeleted`, { method: 'PUT', body: JSON.stringify({ markDeleted: true } as Body) });
  const url = <string>`${BASE}/messages/${id}`;
  await axios.delete(url!);
}
"#));
}

#[test]
fn tsx_syntax() {
    insta::assert_snapshot!(render(
        r#"
import React from 'react';
import axios from 'axios';

const API = 'https://app.360learning.com/api/v1';

export function RemoveButton<T,>({ groupId, userId }: { groupId: string; userId: string }) {
  const onClick = async () => {
    await axios.delete<T>(`${API}/groups/${groupId}/users/${userId}`, { params: { company: 'acme', apiKey: 'k-123' } });
  };
  return <button data-token="tok_abc123" onClick={onClick}>Remove {userId}</button>;
}
"#,
        Language::Tsx
    ));
}

#[test]
fn secrets() {
    insta::assert_snapshot!(js(r#"
const LEARNING_PASSWORD = 'hunter2-Correct-Horse';
const apiKey = process.env.API_KEY || 'fallback-key-123';
const sessionKey = '';
const token = '{{token}}';
const placeholder = '<your-api-key>';
const CLIENT_SECRET = 'xxxx';
const pwd = 'changeme';
const tokenUrl = 'https://login.example.com/oauth/token';
const message = { password: 'Password is required' };
const creds = { client_secret: 'sk_live_51HqLyj', 'x-api-key': "abc\u0031" };
const auth = { Authorization: 'Basic c2dueXZ1czZwYzRqbTdr' };
const bearer = `Bearer ${token}`;
const headerTpl = { Authorization: `Token tk_${suffix}_static` };
const free = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig';
const url = 'https://app.360learning.com/api/v1/users?company=acme&apiKey=k-9f8e7d6c5b4a';
superagent.get('https://x.example.com').set('li-api-session-key', 'sess-42').auth('user', 'pa55word');
pm.environment.set('access_token', 'at-777');
function f(password = 'default-pass') {}
const uuid = '30dd1406-f59a-4145-a6de-b94b5e8cacf3';
"#));
}

#[test]
fn syntax_errors() {
    insta::assert_snapshot!(js(r#"
fetch('https://app.360learning.com/api/v1/users/1', { method: 'DELETE' );
axios.delete('https://app.360learning.com/api/v1/users/2');
"#));
    insta::assert_snapshot!(js("const x = ;\naxios.delete('/api/v1/users/3');\n"));
    insta::assert_snapshot!(js("function f() {\n  axios.delete('/api/v1/users/4');\n"));
    assert!(extract("const a = 1;\n", Language::JavaScript)
        .syntax_error
        .is_none());
}

#[test]
fn unicode_crlf_and_empty_files() {
    insta::assert_snapshot!(js("// é ✓ 日本\r\nconst BASE = 'https://ünï.example.com/ä';\r\nfetch(`${BASE}/users/${'ü'}\\u00e9`, { headers: { 'X-Ünï': 'ß' } });\r\n"));
    assert!(extract("", Language::JavaScript).calls.is_empty());
    assert!(extract("\u{feff}", Language::TypeScript).calls.is_empty());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut src = String::from("const u = 'https://x.example.com/'");
    for i in 0..5000 {
        src.push_str(&format!(" + 'p{i}'"));
    }
    src.push_str(";\nfetch(u);\n");
    let ex = extract(&src, Language::JavaScript);
    assert_eq!(ex.calls.len(), 1);
    let nested = format!("{}1{}", "[".repeat(3000), "]".repeat(3000));
    let ex = extract(
        &format!("const a = {nested};\nfetch('/api/v1/users');\n"),
        Language::JavaScript,
    );
    assert_eq!(ex.calls.len(), 1);
}
