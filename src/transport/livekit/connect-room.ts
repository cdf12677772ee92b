import { ConnectionError, ConnectionErrorReason, Room, type RoomOptions } from 'livekit-client';
import { SottoError } from '../../errors.ts';

/** Connect options for the LiveKit room. */
export interface RoomConnectOptions {
  url: string;
  token: string;
  /** Give up after this many milliseconds. Default 10000. */
  timeoutMs?: number;
  roomOptions?: RoomOptions;
  /**
   * Called with the new Room before it connects: listeners attached here see every event of the join
   * (an agent already in the room has its track subscribed and may greet while `connect()` is pending).
   */
  prepare?: (room: Room) => void;
}

/**
 * Connects a LiveKit Room, bounded in time. Rejects with a SottoError: `token_rejected`,
 * `server_unreachable` or `connect_timeout`, with the LiveKit error as `cause`. The room is
 * disconnected on every failure path.
 */
export async function connectRoom(opts: RoomConnectOptions): Promise<Room> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const room = new Room({ adaptiveStream: false, dynacast: false, ...opts.roomOptions });
  opts.prepare?.(room);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new SottoError('connect_timeout', `could not connect to ${opts.url} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([room.connect(opts.url, opts.token, { autoSubscribe: true, maxRetries: 0 }), timeout]);
    return room;
  } catch (e) {
    room.removeAllListeners();
    await room.disconnect().catch(() => undefined);
    throw connectError(e, opts.url);
  } finally {
    clearTimeout(timer);
  }
}

/** Maps a livekit-client connect failure to a SottoError. */
export function connectError(e: unknown, url: string): SottoError {
  if (e instanceof SottoError) return e;
  if (e instanceof ConnectionError) {
    switch (e.reason) {
      case ConnectionErrorReason.NotAllowed:
        return new SottoError('token_rejected', `the server at ${url} rejected the access token: ${e.message}`, {
          cause: e,
        });
      case ConnectionErrorReason.Timeout:
        return new SottoError('connect_timeout', `timed out connecting to ${url}`, { cause: e });
      default:
        return new SottoError('server_unreachable', `could not reach the LiveKit server at ${url}: ${e.message}`, {
          cause: e,
        });
    }
  }
  return new SottoError('server_unreachable', `could not connect to ${url}: ${String(e)}`, { cause: e });
}
