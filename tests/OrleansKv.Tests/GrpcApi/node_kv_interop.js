// Drives OrleansKv's public gRPC API with Node's @grpc/grpc-js and @grpc/proto-loader: an independent client
// (pure JavaScript HTTP/2) for unary calls, server streaming, deadlines, cancellation and gzip.
//
// Usage: node node_kv_interop.js NODE_MODULES PROTO_DIR PORT TOKEN
// Prints one JSON object with what each scenario observed; the C# test asserts on it.
'use strict';
const path = require('path');
const [modules, protoDir, port, token] = process.argv.slice(2);
const grpc = require(path.join(modules, '@grpc/grpc-js'));
const loader = require(path.join(modules, '@grpc/proto-loader'));

const definition = loader.loadSync(path.join(protoDir, 'kvstore.proto'), { keepCase: true, longs: Number, defaults: true });
const KvStore = grpc.loadPackageDefinition(definition).orleanskv.v1.KvStore;
const address = `127.0.0.1:${port}`;
const plain = new KvStore(address, grpc.credentials.createInsecure());
// 2 = gzip: every request message is compressed.
const gzip = new KvStore(address, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });

function auth() {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', 'Bearer ' + token);
  return metadata;
}

function deadline(ms) {
  return { deadline: new Date(Date.now() + ms) };
}

function unary(client, method, request, options = deadline(10000)) {
  return new Promise((resolve) => {
    client[method](request, auth(), options, (error, response) =>
      resolve(error ? { code: grpc.status[error.code], details: error.details } : { code: 'OK', response }));
  });
}

function list(client, request, options, onItem) {
  return new Promise((resolve) => {
    const keys = [];
    const call = client.List(request, auth(), options);
    call.on('data', (item) => { keys.push(item.key); if (onItem) onItem(call, keys); });
    call.on('error', (error) => resolve({ code: grpc.status[error.code], keys }));
    call.on('end', () => resolve({ code: 'OK', keys }));
  });
}

async function main() {
  const prefix = `node/${process.pid}-${Date.now()}/`;
  const results = {};

  const set = await unary(plain, 'Set', { key: prefix + 'a', value: Buffer.from([0, 1, 2, 255]), ttl_seconds: 600, content_type: 'application/x-node' });
  const get = await unary(plain, 'Get', { key: prefix + 'a' });
  results.unary = {
    set: set.code, created: set.response && set.response.created, etag: set.response && set.response.etag,
    get: get.code, get_etag: get.response && get.response.etag,
    value: get.response && Buffer.from(get.response.value).toString('hex'),
    content_type: get.response && get.response.content_type,
  };
  results.not_found = (await unary(plain, 'Get', { key: prefix + 'absent' })).code;
  results.invalid = (await unary(plain, 'Set', { key: '', value: Buffer.from('v') })).code;

  const ops = [];
  for (let i = 0; i < 50; i++) ops.push({ op: 'PUT', key: `${prefix}many/${String(i).padStart(3, '0')}`, value: Buffer.from('x') });
  results.batch = (await unary(plain, 'Batch', { ops })).code;

  const all = await list(plain, { prefix: prefix + 'many/' }, deadline(10000));
  results.list = { code: all.code, count: all.keys.length, ordered: all.keys.every((k, i) => i === 0 || all.keys[i - 1] < k) };
  const page = await list(plain, { prefix: prefix + 'many/', start_after: `${prefix}many/009`, limit: 5 }, deadline(10000));
  results.list_page = page.keys.map((k) => k.slice(prefix.length));

  // Cancellation: cancel the listing after its first message.
  const cancelled = await list(plain, { prefix: prefix + 'many/' }, deadline(10000), (call, keys) => { if (keys.length === 1) call.cancel(); });
  results.cancel = { code: cancelled.code, first: cancelled.keys[0] && cancelled.keys[0].slice(prefix.length) };

  // Deadline: one already past is DEADLINE_EXCEEDED, on a unary call and on a listing.
  results.deadline_unary = (await unary(plain, 'Get', { key: prefix + 'a' }, deadline(-1000))).code;
  results.deadline_list = (await list(plain, { prefix: prefix + 'many/' }, deadline(-1000))).code;

  // gzip: compressed requests (grpc-js hides the response's grpc-encoding; GrpcReflectionAndWebTests checks it).
  const big = Buffer.alloc(20000, 'z');
  const gzSet = await unary(gzip, 'Set', { key: prefix + 'gz', value: big });
  const gzGet = await unary(gzip, 'Get', { key: prefix + 'gz' });
  results.gzip = {
    set: gzSet.code, get: gzGet.code,
    same: gzGet.response ? Buffer.from(gzGet.response.value).equals(big) : false,
  };

  process.stdout.write(JSON.stringify(results));
  plain.close();
  gzip.close();
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
