/**
 * The minimal page (issue 16): what a small app built on the SDK does — a token, `connect()`, the state
 * on screen, nothing else drawn. The cold-start bench compares the demo's first turns with this page's, so
 * the demo's own rendering cannot hide in the SDK's figures. `?silenceMs=N` and `?room=NAME` as the demo.
 *
 * `window.sottoMinimal` exposes what the bench reads: the session and the cold-start recorder.
 */
import { connect, preload, type ConnectOptions, type VoiceSession } from '../../src/index.ts';
import { ColdStartRecorder } from '../lab/cold-start-recorder.ts';

const q = new URLSearchParams(location.search);
const button = document.querySelector<HTMLButtonElement>('#connect');
const stateEl = document.querySelector<HTMLElement>('#state');
if (!button || !stateEl) throw new Error('the minimal page lacks #connect or #state');
const minimal = {
  session: null as VoiceSession | null,
  recorder: new ColdStartRecorder(),
  error: null as string | null,
};
(window as unknown as { sottoMinimal: typeof minimal }).sottoMinimal = minimal;

const silenceMs = q.get('silenceMs');
const options: Omit<ConnectOptions, 'url' | 'token'> = {
  fallback: 'off',
  ...(silenceMs ? { vad: { endpointer: { silenceMs: Number(silenceMs) } } } : {}),
};
// The VAD loads and warms while the user reads the page; connect() with the same options adopts it.
minimal.recorder.preloaded(preload(options));

button.addEventListener('click', () => {
  button.disabled = true;
  minimal.recorder.clicked();
  void (async () => {
    try {
      const room = q.get('room');
      const r = await fetch(`/api/token${room ? `?room=${encodeURIComponent(room)}` : ''}`);
      if (!r.ok) throw new Error(`token endpoint answered ${String(r.status)}`);
      const { url, token } = (await r.json()) as { url: string; token: string };
      const session = await connect({ url, token, ...options });
      minimal.session = session;
      minimal.recorder.watch(session);
      stateEl.textContent = session.state;
      session.on('state', (s) => {
        stateEl.textContent = s;
        // The next Connect on this page starts warm too.
        if (s === 'closed') minimal.recorder.preloaded(preload(options));
      });
    } catch (e) {
      minimal.error = String(e);
      stateEl.textContent = `failed: ${String(e)}`;
      button.disabled = false;
    }
  })();
});
