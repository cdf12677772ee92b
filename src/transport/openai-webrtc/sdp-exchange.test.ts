import { describe, expect, it } from 'vitest';
import { SottoError } from '../../errors.ts';
import { postOffer, type FetchLike } from './sdp-exchange.ts';

const URL_ = 'http://127.0.0.1:7890/v1/realtime/calls';
const answer = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n';

function fake(res: () => Response | Promise<Response>): FetchLike & { calls: { url: string; init: RequestInit }[] } {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, init });
    return Promise.resolve(res());
  };
  return Object.assign(f, { calls });
}

describe('postOffer', () => {
  it('POSTs the SDP with the bearer key, and reads the answer and the call id', async () => {
    const f = fake(() => new Response(answer, { status: 201, headers: { Location: '/v1/realtime/calls/rtc_abc' } }));
    const r = await postOffer(f, URL_, 'ek_1', 'v=0 offer', new AbortController().signal);
    expect(r).toEqual({ sdp: answer, callId: 'rtc_abc' });
    expect(f.calls[0]?.init).toMatchObject({
      method: 'POST',
      body: 'v=0 offer',
      headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ek_1' },
    });
    const noKey = fake(() => new Response(answer, { status: 201 }));
    expect(await postOffer(noKey, URL_, null, 'o', new AbortController().signal)).toEqual({
      sdp: answer,
      callId: null,
    });
    expect(noKey.calls[0]?.init.headers).not.toHaveProperty('Authorization');
  });

  it('maps refusals to typed errors with the server message', async () => {
    const body = JSON.stringify({ error: { message: 'incorrect API key', code: 'invalid_api_key' } });
    const s = new AbortController().signal;
    await expect(
      postOffer(
        fake(() => new Response(body, { status: 401 })),
        URL_,
        'k',
        'o',
        s,
      ),
    ).rejects.toMatchObject({
      code: 'token_rejected',
      message: expect.stringContaining('incorrect API key') as unknown,
    });
    await expect(
      postOffer(
        fake(() => new Response('busy', { status: 503 })),
        URL_,
        'k',
        'o',
        s,
      ),
    ).rejects.toMatchObject({ code: 'server_unreachable' });
    await expect(
      postOffer(
        fake(() => new Response('{}', { status: 415 })),
        URL_,
        'k',
        'o',
        s,
      ),
    ).rejects.toMatchObject({
      code: 'server_error',
    });
    await expect(
      postOffer(
        fake(() => new Response('<html>', { status: 201 })),
        URL_,
        'k',
        'o',
        s,
      ),
    ).rejects.toMatchObject({ code: 'protocol_error' });
  });

  it('a network failure is server_unreachable; an abort keeps its reason (a timeout)', async () => {
    const down: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(postOffer(down, URL_, 'k', 'o', new AbortController().signal)).rejects.toMatchObject({
      code: 'server_unreachable',
    });
    const ac = new AbortController();
    ac.abort(new SottoError('connect_timeout', 'slow'));
    await expect(postOffer(down, URL_, 'k', 'o', ac.signal)).rejects.toMatchObject({ code: 'connect_timeout' });
  });
});
