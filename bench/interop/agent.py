"""A stock Python LiveKit Agents voice agent for `npm run bench -- interop` (issue 14).

`AgentSession` from `livekit-agents` 1.8.9 with the Silero VAD plugin (its ONNX ships inside the
`livekit-plugins-silero` wheel: nothing is fetched at run time), published to the room by the framework's
own RoomIO (`lk.agent.state`, `lk.transcription`, `lk.chat`), with session defaults for turn handling and
interruptions. Nothing of Sotto in it: this is what a user's existing Python agent looks like. Three fakes
stand in for the cloud, mirroring e2e/support/stock-agent/fakes.ts (the Node stock agent):

- STT: not a recogniser. It reports how long the VAD segment was: "I spoke for N.N seconds".
- LLM: echoes the user's last message: "You said: <message>."
- TTS: synthesises the text with espeak-ng (22.05 kHz mono), one process per sentence.

Run: `python agent.py start` with LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET and
STOCK_AGENT_HTTP_PORT (the worker's health endpoint, bound to 127.0.0.1). Automatic dispatch: run it
against a LiveKit server of its own. bench/interop/python-agent.ts makes the venv and starts it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import struct

from livekit.agents import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    Agent,
    AgentServer,
    AgentSession,
    APIConnectOptions,
    JobContext,
    JobProcess,
    NotGivenOr,
    cli,
    llm,
    stt,
    tts,
    utils,
)
from livekit.agents.llm.tool_context import Tool, ToolChoice
from livekit.agents.utils import AudioBuffer
from livekit.plugins import silero

ESPEAK = shutil.which("espeak-ng") or "espeak-ng"
ESPEAK_RATE = 22_050


class DurationSTT(stt.STT):
    """Non-streaming STT (the session wraps it in a VAD StreamAdapter): "I spoke for N.N seconds"."""

    def __init__(self) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))

    async def _recognize_impl(
        self,
        buffer: AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frames = buffer if isinstance(buffer, list) else [buffer]
        seconds = sum(f.samples_per_channel / f.sample_rate for f in frames)
        text = f"I spoke for {seconds:.1f} seconds"
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            alternatives=[
                stt.SpeechData(
                    language="en", text=text, start_time=0.0, end_time=seconds, confidence=1.0
                )
            ],
        )


class EchoLLM(llm.LLM):
    """Answers "You said: <the user's last message>." in chunks of 8 characters."""

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict] = NOT_GIVEN,
    ) -> llm.LLMStream:
        return _EchoStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _EchoStream(llm.LLMStream):
    async def _run(self) -> None:
        said = ""
        for item in reversed(self._chat_ctx.items):
            if item.type == "message" and item.role == "user":
                said = item.text_content or ""
                break
        reply = f"You said: {said}."
        for i in range(0, len(reply), 8):
            self._event_ch.send_nowait(
                llm.ChatChunk(
                    id="echo", delta=llm.ChoiceDelta(role="assistant", content=reply[i : i + 8])
                )
            )


def _wav_pcm(wav: bytes) -> bytes:
    """The samples of espeak-ng's RIFF output (its size fields may be wrong on stdout: read to the end)."""
    at = 12
    while at + 8 <= len(wav):
        tag, size = wav[at : at + 4], struct.unpack_from("<I", wav, at + 4)[0]
        if tag == b"data":
            pcm = wav[at + 8 :]
            return pcm[: len(pcm) - len(pcm) % 2]
        at += 8 + size
    raise ValueError("espeak-ng printed no WAV data chunk")


class EspeakTTS(tts.TTS):
    """Non-streaming TTS (the session wraps it in a sentence StreamAdapter) over the espeak-ng CLI."""

    def __init__(self) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=ESPEAK_RATE,
            num_channels=1,
        )

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _EspeakStream(tts=self, input_text=text, conn_options=conn_options)


class _EspeakStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        proc = await asyncio.create_subprocess_exec(
            ESPEAK,
            "--stdout",
            "-v",
            "en-us",
            self._input_text,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            wav, _ = await proc.communicate()
        finally:
            if proc.returncode is None:
                proc.kill()
        if proc.returncode != 0:
            raise RuntimeError(f"espeak-ng exited with {proc.returncode}")
        output_emitter.initialize(
            request_id=utils.shortuuid(),
            sample_rate=ESPEAK_RATE,
            num_channels=1,
            mime_type="audio/pcm",
        )
        output_emitter.push(_wav_pcm(wav))
        output_emitter.flush()


def prewarm(proc: JobProcess) -> None:
    proc.userdata["vad"] = silero.VAD.load()


server = AgentServer(
    host="127.0.0.1",
    port=int(os.environ["STOCK_AGENT_HTTP_PORT"]),
    num_idle_processes=1,
    # A busy 2-core machine: a job process importing the framework and Silero may take tens of seconds,
    # and the default CPU-based load would mark the worker full and leave the room without an agent.
    initialize_process_timeout=90.0,
    load_fnc=lambda: 0.0,
    setup_fnc=prewarm,
)


@server.rtc_session()
async def entry(ctx: JobContext) -> None:
    await ctx.connect()
    session = AgentSession(
        vad=ctx.proc.userdata["vad"],
        stt=DurationSTT(),
        llm=EchoLLM(),
        tts=EspeakTTS(),
    )
    await session.start(agent=Agent(instructions="Repeat what the user said."), room=ctx.room)


if __name__ == "__main__":
    cli.run_app(server)
