/**
 * A stock LiveKit client (livekit-client's plain `Room`, nothing of Sotto): publishes the microphone,
 * shows the agent's `lk.agent.state`, collects `lk.transcription` streams, measures the agent's audio, and
 * sends typed text on `lk.chat`. The e2e test drives it against Sotto's agent (`window.plainLk`).
 */
import { ParticipantKind, Room, RoomEvent, Track, type RemoteTrack } from 'livekit-client';

const q = new URLSearchParams(location.search);
const plain = {
  states: [] as string[],
  captions: [] as { from: string; attributes: Record<string, string>; text: string }[],
  audiblePeak: 0,
  errors: [] as string[],
  room: null as Room | null,
  chat: async (text: string): Promise<void> => {
    await plain.room?.localParticipant.sendText(text, { topic: 'lk.chat' });
  },
};
(window as unknown as { plainLk: typeof plain }).plainLk = plain;

function noteState(state: string | undefined): void {
  if (state !== undefined && plain.states.at(-1) !== state) plain.states.push(state);
}

document.querySelector('#connect')?.addEventListener('click', () => {
  void (async () => {
    try {
      const room = new Room();
      plain.room = room;
      room.on(RoomEvent.ParticipantAttributesChanged, (_changed, p) => {
        if (p.kind === ParticipantKind.AGENT) noteState(p.attributes['lk.agent.state']);
      });
      room.on(RoomEvent.ParticipantConnected, (p) => {
        if (p.kind === ParticipantKind.AGENT) noteState(p.attributes['lk.agent.state']);
      });
      room.registerTextStreamHandler('lk.transcription', (reader, info) => {
        void reader.readAll().then((text) => {
          plain.captions.push({ from: info.identity, attributes: reader.info.attributes ?? {}, text });
        });
      });
      room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind !== Track.Kind.Audio) return;
        const ctx = new AudioContext();
        const analyser = ctx.createAnalyser();
        ctx.createMediaStreamSource(new MediaStream([track.mediaStreamTrack])).connect(analyser);
        // Chrome needs the remote stream attached to a media element for it to flow into Web Audio.
        const el = track.attach();
        el.muted = true;
        const buf = new Float32Array(analyser.fftSize);
        setInterval(() => {
          analyser.getFloatTimeDomainData(buf);
          for (const x of buf) plain.audiblePeak = Math.max(plain.audiblePeak, Math.abs(x));
        }, 20);
      });
      await room.connect(q.get('url') ?? '', q.get('token') ?? '');
      for (const p of room.remoteParticipants.values())
        if (p.kind === ParticipantKind.AGENT) noteState(p.attributes['lk.agent.state']);
      await room.localParticipant.setMicrophoneEnabled(true);
    } catch (e) {
      plain.errors.push(String(e));
    }
  })();
});
