/**
 * The session trusts only its agent (issue 11): a second participant joins the user's room with a token
 * from the same dev token endpoint and, while the user keeps talking, floods the room with Realtime
 * events of its choosing (an `error`, an assistant transcript, a fake `response.created` that would end
 * the real reply). The page ignores all of it (reported once as `untrusted_participant`), keeps hearing
 * and answering the user's turns with client endpointing, sends its client events only to the agent, and
 * does not let the other participant subscribe to the user's microphone.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { Room, RoomEvent, TrackKind, dispose, type RemoteParticipant, type RemoteTrack } from '@livekit/rtc-node';
import { demoUrl, fixture, launchChromium } from './browser.ts';
import { eventMark, faultErrors, openAndConnect, waitForAnsweredTurns } from './faults.ts';
import { snapshot, waitForDemo } from './session-page.ts';

const TOPIC = 'sotto.realtime';

test('a second participant in the room can neither steer the session nor hear the user', async () => {
  test.setTimeout(180_000);
  const room = `trust-${randomBytes(4).toString('hex')}`;
  const browser = await launchChromium({ wav: fixture('hello'), loop: true });
  const intruder = new Room();
  let flood: ReturnType<typeof setInterval> | undefined;
  try {
    const page = await browser.newPage();
    await openAndConnect(page, demoUrl(`?room=${room}&fallback=off&silenceMs=500`));
    await waitForDemo(page, "d.session?.state === 'listening'", 120_000);
    await waitForAnsweredTurns(page, 0, 1, 120_000);

    // The intruder: its own identity, a token from the same endpoint the page used.
    const r = await fetch(demoUrl(`api/token?room=${room}&identity=intruder-${randomBytes(3).toString('hex')}`));
    expect(r.ok).toBe(true);
    const { url, token } = (await r.json()) as { url: string; token: string };
    const heardData: string[] = [];
    const subscribed: string[] = [];
    intruder.on(RoomEvent.DataReceived, (payload: Uint8Array, p?: RemoteParticipant, _k?: unknown, topic?: string) => {
      if (topic === TOPIC) heardData.push(`${p?.identity ?? '?'}: ${new TextDecoder().decode(payload).slice(0, 80)}`);
    });
    intruder.on(RoomEvent.TrackSubscribed, (t: RemoteTrack, _pub: unknown, p: RemoteParticipant) => {
      if (t.kind === TrackKind.KIND_AUDIO) subscribed.push(p.identity);
    });
    await intruder.connect(url, token, { autoSubscribe: true, dynacast: false });
    const mark = await eventMark(page);
    const fake = (n: number): object[] => [
      {
        event_id: `x${String(n)}a`,
        type: 'error',
        error: { type: 'server_error', code: 'pwned', message: 'intruder says hi' },
      },
      {
        event_id: `x${String(n)}b`,
        type: 'response.created',
        response: { id: `resp_fake${String(n)}`, status: 'in_progress' },
      },
      {
        event_id: `x${String(n)}c`,
        type: 'response.output_audio_transcript.done',
        response_id: `resp_fake${String(n)}`,
        item_id: `item_fake${String(n)}`,
        output_index: 0,
        content_index: 0,
        transcript: 'INTRUDER TRANSCRIPT',
      },
    ];
    let n = 0;
    const send = (): void => {
      n++;
      for (const e of fake(n)) {
        void intruder.localParticipant
          ?.publishData(new TextEncoder().encode(JSON.stringify(e)), { reliable: true, topic: TOPIC })
          .catch(() => undefined);
      }
    };
    // All through the next turns, so some land in the middle of real replies.
    flood = setInterval(send, 400);

    const seen = await waitForAnsweredTurns(page, mark, 2, 90_000);
    clearInterval(flood);
    flood = undefined;
    const s = await snapshot(page);
    console.log(`with the intruder: ${JSON.stringify(seen)}; ${String(n)} fake bursts sent`);
    console.log(`errors: ${JSON.stringify(s.errors)}`);
    console.log(`intruder heard ${String(heardData.length)} events, subscribed to ${JSON.stringify(subscribed)}`);
    // Nothing of the intruder's reached the app.
    expect(s.errors.filter((e) => e.message.includes('pwned') || e.message.includes('intruder says'))).toEqual([]);
    expect(s.transcripts.filter((t) => t.text.includes('INTRUDER'))).toEqual([]);
    expect(s.turns.filter((t) => t.responseId?.startsWith('resp_fake'))).toEqual([]);
    // Reported once, as what it is.
    expect(s.errors.filter((e) => e.code === 'untrusted_participant')).toHaveLength(1);
    expect(faultErrors(s.errors, ['untrusted_participant'])).toEqual([]);
    // The real replies were not cut short by the fake response.created.
    const after = s.turns.filter((t) => t.status !== undefined).slice(-2);
    expect(after.map((t) => t.status)).toEqual(['completed', 'completed']);
    // The user's commits and words went to the agent only, and the user's mic to the agent only.
    // (The agent's own reply track is another matter: @livekit/rtc-node 0.13 has no track subscription
    // permissions, so anyone the token endpoint admits to the room can hear the agent; see server/README.)
    expect(heardData).toEqual([]);
    const user = await page.evaluate(
      () =>
        (
          window as unknown as {
            sottoDemo: { session: { remoteTransport: { room: { localParticipant: { identity: string } } | null } } };
          }
        ).sottoDemo.session.remoteTransport.room?.localParticipant.identity ?? '',
    );
    expect(user).not.toBe('');
    expect(subscribed.filter((id) => id === user)).toEqual([]);
    expect(subscribed.filter((id) => !id.startsWith('agent-'))).toEqual([]);
  } finally {
    clearInterval(flood);
    await intruder.disconnect().catch(() => undefined);
    await browser.close();
    await dispose().catch(() => undefined);
  }
});
