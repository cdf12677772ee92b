/** Conversation items and their content parts (OpenAI Realtime GA shapes). */

/** User audio; `transcript` is filled when input transcription runs (Sotto's server sends `''` until then). */
export interface InputAudioContent {
  type: 'input_audio';
  /** Base64 PCM; only in `conversation.item.create` from a client, never echoed back by the server. */
  audio?: string;
  transcript?: string;
}
export interface InputTextContent {
  type: 'input_text';
  text: string;
}
/** Assistant audio; the audio itself travels on the agent's WebRTC track. */
export interface OutputAudioContent {
  type: 'output_audio';
  transcript?: string;
}
export interface OutputTextContent {
  type: 'output_text';
  text: string;
}

export type ContentPart = InputAudioContent | InputTextContent | OutputAudioContent | OutputTextContent;

/**
 * The `part` of `response.content_part.added|done`. GA names these `audio` / `text` (not the item content
 * types `output_audio` / `output_text`); older Sotto servers sent the item types, which clients still accept.
 */
export type ResponsePart = { type: 'audio'; transcript?: string; audio?: string } | { type: 'text'; text?: string };

export type ItemStatus = 'completed' | 'incomplete' | 'in_progress';
export type ItemRole = 'user' | 'assistant' | 'system';

interface ItemBase {
  id?: string;
  object?: 'realtime.item';
  status?: ItemStatus;
}

interface MessageBase extends ItemBase {
  type: 'message';
}
/** GA: a system message holds text only. */
export interface SystemMessageItem extends MessageBase {
  role: 'system';
  content: InputTextContent[];
}
/** GA: a user message holds input text and audio (Sotto skips `input_image` when reading). */
export interface UserMessageItem extends MessageBase {
  role: 'user';
  content: (InputTextContent | InputAudioContent)[];
}
/** GA: an assistant message holds output text and audio. */
export interface AssistantMessageItem extends MessageBase {
  role: 'assistant';
  content: (OutputTextContent | OutputAudioContent)[];
}
export type MessageItem = SystemMessageItem | UserMessageItem | AssistantMessageItem;
export interface FunctionCallItem extends ItemBase {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
}
export interface FunctionCallOutputItem extends ItemBase {
  type: 'function_call_output';
  call_id: string;
  output: string;
}

/** An item as a client creates it (`id` optional) or as the server reports it (`id` always set). */
export type ConversationItem = MessageItem | FunctionCallItem | FunctionCallOutputItem;

/** An item as the server reports it: the id is always present. */
export type ServerItem = ConversationItem & { id: string };
