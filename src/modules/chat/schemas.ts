import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

// ---- parameters -------------------------------------------------------------------------------

const pathParam = (name: string) => z.string().openapi({ param: { name, in: "path" } });
/** An AI employee by id or by slug, as /agents/{agent_id} takes it. */
const agentRef = z.union([z.uuid(), z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/i, "An employee id or slug")]);

export const ConversationIdParam = z.object({ conversation_id: pathParam("conversation_id") });
export const FolderIdParam = z.object({ folder_id: pathParam("folder_id") });
export const FileIdParam = z.object({ file_id: pathParam("file_id") });
export const MessageIdParam = z.object({ message_id: pathParam("message_id") });

const bool = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ type: "boolean", description });

// ---- folders ----------------------------------------------------------------------------------

export const ChatFolderSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    color: z.string().nullable(),
    icon: z.string().nullable(),
    position: z.number().int(),
    is_collapsed: z.boolean(),
    conversation_count: z.number().int().openapi({ description: "Conversations in the folder that are not archived" }),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("ChatFolder");

const folderName = z.string().trim().min(1).max(100);
const color = z.string().trim().max(32).nullable();
const icon = z.string().trim().max(64).nullable();

export const ChatFolderCreate = z
  .object({ name: folderName, color: color.optional(), icon: icon.optional() })
  .openapi("ChatFolderCreate", { description: "A new folder goes after your existing ones" });
export type ChatFolderCreate = z.infer<typeof ChatFolderCreate>;

export const ChatFolderUpdate = z
  .object({
    name: folderName.optional(),
    color: color.optional(),
    icon: icon.optional(),
    is_collapsed: z.boolean().optional(),
  })
  .openapi("ChatFolderUpdate");
export type ChatFolderUpdate = z.infer<typeof ChatFolderUpdate>;

export const ChatFolderReorder = z
  .object({
    folder_ids: z
      .array(z.uuid())
      .min(1)
      .max(500)
      .openapi({ description: "Every one of your folder ids, in the order wanted (positions become 0, 1, 2, …)" }),
  })
  .openapi("ChatFolderReorder");
export type ChatFolderReorder = z.infer<typeof ChatFolderReorder>;

// ---- conversations ----------------------------------------------------------------------------

export const ChatConversationSchema = z
  .object({
    id: z.uuid(),
    title: z.string().nullable(),
    model: z.string().nullable(),
    system_prompt: z.string().nullable(),
    prompt_context: z.string().nullable(),
    agent_id: z.uuid().nullable().openapi({ description: "The AI employee this conversation is with, if any" }),
    folder_id: z.uuid().nullable(),
    is_pinned: z.boolean(),
    is_archived: z.boolean(),
    message_count: z.number().int(),
    last_message_at: isoDate.nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("ChatConversation");

export const ChatToolEventSchema = z
  .object({
    type: z.enum(["tool_call", "tool_result"]),
    id: z.string(),
    name: z.string(),
    arguments: z.string().optional().openapi({ description: "tool_call: the arguments as JSON text" }),
    result: z.unknown().optional().openapi({ description: "tool_result: what the tool returned" }),
    is_error: z.boolean().optional(),
  })
  .openapi("ChatToolEvent");

export const ChatFileSchema = z
  .object({
    id: z.uuid(),
    conversation_id: z.uuid(),
    file_name: z.string(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    extraction_status: z.enum(["extracted", "unsupported", "failed"]),
    has_text: z.boolean().openapi({ description: "Whether extracted text is available to the model" }),
    url: z.string().openapi({ description: "Signed download URL (valid for 1 hour)" }),
    expires_at: isoDate,
    created_at: isoDate,
  })
  .openapi("ChatFile");

export const ChatMessageSchema = z
  .object({
    id: z.uuid(),
    conversation_id: z.uuid(),
    role: z.enum(["user", "assistant", "system"]),
    content: z.string(),
    model: z.string().nullable(),
    tool_events: z.array(ChatToolEventSchema),
    file_ids: z.array(z.uuid()),
    metadata: z.record(z.string(), z.unknown()),
    is_incomplete: z.boolean().openapi({ description: "The stream was cut; content is what was generated until then" }),
    finish_reason: z.string().nullable(),
    prompt_tokens: z.number().int().nullable(),
    completion_tokens: z.number().int().nullable(),
    credits: z.number().nullable(),
    latency_ms: z.number().int().nullable(),
    created_at: isoDate,
  })
  .openapi("ChatMessage");

export const ChatConversationDetailSchema = ChatConversationSchema.extend({
  messages: z.array(ChatMessageSchema),
}).openapi("ChatConversationDetail");

const title = z.string().trim().min(1).max(200);
const modelName = z.string().trim().min(1).max(100);
const promptContext = z.string().trim().min(1).max(100);
const systemPrompt = z.string().max(20_000);

export const ChatConversationCreate = z
  .object({
    title: title.optional(),
    model: modelName.optional().openapi({ description: "One of GET /api/v1/chat/models (default: the workspace's)" }),
    prompt_context: promptContext.optional().openapi({ description: "Resolves the system prompt server-side (e.g. 'chat')" }),
    system_prompt: systemPrompt.optional().openapi({ description: "Deprecated: used when no prompt_context is given" }),
    folder_id: z.uuid().nullable().optional(),
    agent_id: agentRef.nullable().optional().openapi({ description: "Talk to this AI employee (its id or slug, e.g. atlas)" }),
    is_pinned: z.boolean().optional(),
  })
  .openapi("ChatConversationCreate");
export type ChatConversationCreate = z.infer<typeof ChatConversationCreate>;

export const ChatConversationUpdate = z
  .object({
    title: title.optional(),
    model: modelName.optional(),
    system_prompt: systemPrompt.nullable().optional(),
    folder_id: z.uuid().nullable().optional().openapi({ description: "null takes it out of its folder" }),
    is_pinned: z.boolean().optional(),
    is_archived: z.boolean().optional(),
  })
  .openapi("ChatConversationUpdate");
export type ChatConversationUpdate = z.infer<typeof ChatConversationUpdate>;

export const ListConversationsQuery = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "At most 100" }),
  archived: bool("true: only archived conversations; default: only conversations that are not archived"),
  folder_id: z.uuid().optional().openapi({ description: "Only conversations in this folder" }),
  pinned_only: bool("Only pinned conversations"),
  uncategorized: bool("Only conversations without a folder"),
});
export type ListConversationsQuery = z.infer<typeof ListConversationsQuery>;

export const ListMessagesQuery = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(100).openapi({ description: "At most 200; oldest first" }),
});
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>;

export const ChatMessageCreate = z
  .object({
    role: z.enum(["user", "assistant", "system"]).default("assistant"),
    content: z.string().max(100_000),
    model: modelName.optional(),
    file_ids: z.array(z.uuid()).max(10).optional(),
    metadata: z.record(z.string(), z.unknown()).optional().openapi({ description: "Free-form (e.g. an image generation's URLs)" }),
  })
  .openapi("ChatMessageCreate");
export type ChatMessageCreate = z.infer<typeof ChatMessageCreate>;

// ---- sending ----------------------------------------------------------------------------------

export const ChatSendRequest = z
  .object({
    message: z.string().trim().min(1).max(100_000),
    conversation_id: z.uuid().optional().openapi({ description: "Continue this conversation; without it a new one is created" }),
    model: modelName.optional(),
    file_ids: z.array(z.uuid()).max(10).optional().openapi({ description: "Files uploaded to this conversation to attach" }),
    prompt_context: promptContext.optional().openapi({ description: "New conversations: system prompt context" }),
    system_prompt: systemPrompt.optional().openapi({ description: "New conversations: explicit system prompt (deprecated)" }),
    agent_id: agentRef.optional().openapi({ description: "New conversations: talk to this AI employee (its id or slug, e.g. atlas)" }),
    folder_id: z.uuid().optional().openapi({ description: "New conversations: put it in this folder" }),
    use_tools: z.boolean().default(true).openapi({ description: "Let the model search the workspace (search_workspace tool)" }),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).max(32_000).optional(),
  })
  .openapi("ChatSendRequest");
export type ChatSendRequest = z.infer<typeof ChatSendRequest>;

export const ChatRegenerateRequest = z
  .object({ model: modelName.optional(), use_tools: z.boolean().default(true) })
  .openapi("ChatRegenerateRequest");
export type ChatRegenerateRequest = z.infer<typeof ChatRegenerateRequest>;

export const ChatStreamDoc =
  'Server-Sent Events. Each chunk: `data: {"content": "…", "done": false}`; tool activity: ' +
  '`data: {"tool_call": {id, name, arguments}, "done": false}` and `data: {"tool_result": {id, name, result, is_error}, "done": false}`; ' +
  'the last event: `data: {"content": "", "done": true, "conversation_id", "message_id", "user_message_id", "incomplete", ' +
  '"model", "usage", "credits"}` (an error after streaming began ends with `"error"` in that event). ' +
  "The conversation is saved when the stream ends or is cut (the reply keeps what was generated, marked incomplete).";

// ---- title, suggestions, models, search, files --------------------------------------------------

export const SuggestTitleQuery = z.object({
  message: z.string().trim().min(1).max(10_000).openapi({ description: "The conversation's first message" }),
});
export type SuggestTitleQuery = z.infer<typeof SuggestTitleQuery>;
export const GenerateTitleResponseSchema = z.object({ title: z.string() }).openapi("GenerateTitleResponse");

export const SuggestionsQuery = z.object({ force_refresh: bool("Bypass the day's cache and generate again") });
export const PromptSuggestionsResponseSchema = z
  .object({
    suggestions: z.array(z.string()).length(4),
    cached: z.boolean(),
    generated_at: isoDate,
    cache_date: z.string().openapi({ description: "The UTC day the suggestions are cached for (YYYY-MM-DD)" }),
  })
  .openapi("PromptSuggestionsResponse");

export const ChatModelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    provider: z.string(),
    context_window: z.number().int().nullable(),
    capabilities: z.array(z.string()),
    is_default: z.boolean(),
  })
  .openapi("ChatModel");

export const ChatSearchRequest = z
  .object({
    query: z.string().trim().min(1).max(500),
    types: z
      .array(z.enum(["tasks", "goals", "channels", "messages", "records", "documents"]))
      .min(1)
      .optional()
      .openapi({ description: "Limit to these sources (default: all)" }),
    limit: z.number().int().min(1).max(50).default(10).openapi({ description: "Results per source, at most 50" }),
  })
  .openapi("ChatSearchRequest");
export type ChatSearchRequest = z.infer<typeof ChatSearchRequest>;

export const ChatSearchResultSchema = z
  .object({
    type: z.enum(["task", "goal", "channel", "message", "record", "document"]),
    id: z.uuid(),
    title: z.string(),
    snippet: z.string().nullable(),
    url: z.string().nullable().openapi({ description: "API path of the object, or of the list it is in" }),
    created_at: isoDate.nullable(),
    citation: z
      .object({
        document_id: z.uuid(),
        title: z.string(),
        version: z.number().int(),
        chunk_id: z.uuid(),
        chunk_index: z.number().int(),
        section: z.string().nullable(),
        page: z.number().int().nullable(),
        score: z.number(),
        snippet: z.string(),
      })
      .optional()
      .openapi({ description: "Documents: the passage found (knowledge retrieval), for citing" }),
  })
  .openapi("ChatSearchResult");
export const ChatSearchResponseSchema = z
  .object({ query: z.string(), results: z.array(ChatSearchResultSchema), total: z.number().int() })
  .openapi("ChatSearchResponse");

export const ChatUploadBody = z
  .object({ file: z.any().openapi({ type: "string", format: "binary", description: "Up to 25 MB" }) })
  .openapi("ChatFileUpload");

export const SignedUrlResponseSchema = z.object({ file_id: z.uuid(), url: z.string(), expires_at: isoDate }).openapi("ChatFileDownloadUrl");
