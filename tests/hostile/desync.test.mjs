// Item 1 of the hostile-upstream issue: a pooled upstream connection is
// reused only when it is provably clean. An upstream that sends 1xx interim
// answers, an unsolicited extra answer, or a body longer than its
// Content-Length must never make one client receive another's answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withHostile } from './lib/harness.mjs';
import { chatBody, contentOf, post } from './lib/client.mjs';
import { chatCompletion, pause, raw, startHostile } from './lib/upstream.mjs';

const JSON_HEAD = { 'content-type': 'application/json' };

// Sends `count` tagged requests one after another (so they share the pooled
// connection) and returns what each client received.
async function tagged(gw, label, count = 6) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const tag = `${label}-${i}`;
    const r = await post(gw, chatBody(tag));
    out.push({ tag, status: r.status, content: contentOf(r.json), text: r.text });
  }
  return out;
}

function assertOwnAnswers(results) {
  for (const r of results) {
    assert.equal(r.status, 200, `${r.tag}: ${r.text}`);
    assert.equal(r.content, `answer:${r.tag}`, `${r.tag} received another client's answer: ${r.text}`);
  }
}


describe('pooled upstream connections never carry one answer to another client', () => {
  test('103 Early Hints before the 200 is skipped (RFC 9110 15.2)', async () => {
    await withHostile(({ socket, req }) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n');
      socket.write(raw(200, JSON_HEAD, chatCompletion(`answer:${req.tag}`)));
    }, {}, async (gw) => assertOwnAnswers(await tagged(gw, 'early-hints')));
  });

  test('100 Continue (unasked) and two 1xx in a row are skipped', async () => {
    await withHostile(({ socket, req }) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n');
      socket.write(raw(200, JSON_HEAD, chatCompletion(`answer:${req.tag}`)));
    }, {}, async (gw) => assertOwnAnswers(await tagged(gw, 'continue')));
  });

  test('an unsolicited second answer in the same write closes the connection', async () => {
    await withHostile(({ socket, req }) => {
      socket.write(raw(200, JSON_HEAD, chatCompletion(`answer:${req.tag}`)) + raw(200, JSON_HEAD, chatCompletion('answer:ghost')));
    }, {}, async (gw, up) => {
      assertOwnAnswers(await tagged(gw, 'extra'));
      assert.ok(up.connections() >= 6, `each dirty connection is closed, not reused (${up.connections()} connections)`);
    });
  });

  test('an unsolicited answer that arrives after the real one closes the connection', async () => {
    await withHostile(async ({ socket, req }) => {
      socket.write(raw(200, JSON_HEAD, chatCompletion(`answer:${req.tag}`)));
      await pause(30);
      if (!socket.destroyed) socket.write(raw(200, JSON_HEAD, chatCompletion('answer:ghost')));
    }, {}, async (gw) => {
      const results = [];
      for (let i = 0; i < 6; i++) {
        results.push(...(await tagged(gw, `late-${i}`, 1)));
        await pause(60); // the ghost is in the pooled connection before the next request
      }
      assertOwnAnswers(results);
    });
  });

  test('a body longer than its Content-Length closes the connection', async () => {
    await withHostile(({ socket, req }) => {
      const body = chatCompletion(`answer:${req.tag}`);
      socket.write(raw(200, { ...JSON_HEAD, 'content-length': Buffer.byteLength(body) }, body + raw(200, JSON_HEAD, chatCompletion('answer:ghost'))));
    }, {}, async (gw) => assertOwnAnswers(await tagged(gw, 'long-body')));
  });
});
