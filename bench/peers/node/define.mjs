// DefineAuthChallenge for Node.js 20: a minimal Runtime API loop over `http`
// with one keep-alive socket, JSON.parse / JSON.stringify.
import http from 'node:http';

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const MAX_ATTEMPTS = Number(process.env.MAX_ATTEMPTS) || 3;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const base = '/2018-06-01/runtime/invocation/';

function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function define(event) {
  let session = event.request?.session ?? [];
  if (session[0]?.challengeName === 'SRP_A') session = session.slice(1);
  if (session.some((s) => s.challengeName !== 'CUSTOM_CHALLENGE')) {
    event.response = { issueTokens: false, failAuthentication: true };
  } else if (session.length > 0 && session[session.length - 1].challengeResult === true
      && session[session.length - 1].challengeMetadata !== 'CHANNEL_CHOICE') {
    event.response = { issueTokens: true, failAuthentication: false };
  } else if (session.filter((s) => s.challengeResult === false && s.challengeMetadata !== 'CHANNEL_CHOICE').length >= MAX_ATTEMPTS
      || session.filter((s) => s.challengeMetadata === 'CHANNEL_CHOICE').length > 1) {
    event.response = { issueTokens: false, failAuthentication: true };
  } else {
    event.response = { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false };
  }
  return event;
}

for (;;) {
  const { res, body } = await call('GET', base + 'next');
  const id = res.headers['lambda-runtime-aws-request-id'];
  let out, kind = 'response', headers = { 'Content-Type': 'application/json' };
  try {
    out = JSON.stringify(define(JSON.parse(body)));
  } catch (e) {
    kind = 'error';
    headers['Lambda-Runtime-Function-Error-Type'] = e.name;
    out = JSON.stringify({ errorMessage: e.message, errorType: e.name });
  }
  headers['Content-Length'] = Buffer.byteLength(out);
  await call('POST', base + id + '/' + kind, out, headers);
}
