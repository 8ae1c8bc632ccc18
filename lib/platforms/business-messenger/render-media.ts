/**
 * Picture, video, audio, file, file list, location and contact bodies (docs/platforms/business-messenger.md §4), or text
 * lines when the channel lacks the kind, the image type is not allowed, a known size is over
 * the limit, or the reply already carries its one media/location/contact body.
 */
import { contactText, locationText, mapsUrl, mediaLine, textLines, type OutboundMedia, type OutboundMessage } from "../../conversation";
import { type MediaLimitKind, supportsKind } from "./limits";
import { extensionOf, fileNameFromUrl, isImageExtension, mimeTypeOf, normaliseMimeType } from "./media-types";
import { type BmBody, type RenderContext, compact, degrade, emitBody, emitText } from "./render-context";

export type MediaKind = "picture" | "video" | "audio" | "file";

function mediaBody(kind: MediaKind, media: OutboundMedia): BmBody {
  const base = {
    name: media.name ?? fileNameFromUrl(media.url),
    url: media.url,
    mimeType: mimeTypeOf(media),
    size: media.size,
  };
  if (kind === "audio") return compact({ ...base, playingLength: media.playingLength });
  const thumbnail = media.thumbnailUrl
    ? {
        thumbnailName: fileNameFromUrl(media.thumbnailUrl),
        thumbnailUrl: media.thumbnailUrl,
        thumbnailMimeType: mimeTypeOf({ url: media.thumbnailUrl }),
      }
    : {};
  return compact({ ...base, ...thumbnail, playingLength: kind === "video" ? media.playingLength : undefined });
}

/** false when the image type is known and not allowed; unknown types are sent and left to BM. */
function imageTypeAllowed(ctx: RenderContext, media: OutboundMedia): boolean {
  const mime = normaliseMimeType(media.mimeType);
  if (mime) return ctx.profile.imageMimeTypes.includes(mime);
  const ext = extensionOf(media.name) ?? extensionOf(media.url);
  return !isImageExtension(ext) || ctx.profile.imageExtensions.includes(ext ?? "");
}

/** Why this media cannot be sent as a body here, or undefined when it can. */
function mediaProblem(ctx: RenderContext, kind: MediaKind | "fileList", media: OutboundMedia): string | undefined {
  if (!supportsKind(ctx.profile, kind)) return `${kind} not supported on ${ctx.label}`;
  if (kind === "picture" && !imageTypeAllowed(ctx, media)) {
    const type = normaliseMimeType(media.mimeType) ?? extensionOf(media.name) ?? extensionOf(media.url);
    return `image type ${type} not allowed on ${ctx.label} (${ctx.profile.imageExtensions.join(", ")})`;
  }
  const limitKind: MediaLimitKind = kind === "fileList" ? "file" : kind;
  const limit = ctx.profile.mediaBytes[limitKind];
  if (media.size !== undefined && limit !== undefined && media.size > limit) {
    return `${limitKind} of ${media.size} bytes over the ${ctx.label} limit of ${limit} bytes`;
  }
  return undefined;
}

const ONE_RICH_BODY = "only one media/location/contact message per reply";

export function renderMedia(ctx: RenderContext, kind: MediaKind, media: OutboundMedia, caption?: string): void {
  const problem = mediaProblem(ctx, kind, media) ?? (ctx.richBodyUsed ? ONE_RICH_BODY : undefined);
  if (problem) {
    degrade(ctx, `${problem}: ${kind} sent as a text link`);
    emitText(ctx, mediaLine(media, caption));
    return;
  }
  // BM bodies have no caption field: the caption goes first as text, as in the vendor's example.
  if (caption) emitText(ctx, caption);
  emitBody(ctx, mediaBody(kind, media));
  ctx.richBodyUsed = true;
}

export function renderFileList(ctx: RenderContext, files: readonly OutboundMedia[], text?: string): void {
  const listProblem = !supportsKind(ctx.profile, "fileList")
    ? `file list not supported on ${ctx.label}`
    : ctx.richBodyUsed
      ? ONE_RICH_BODY
      : undefined;
  const sendable: OutboundMedia[] = [];
  const lines: string[] = [];
  for (const file of files) {
    const problem = listProblem ?? mediaProblem(ctx, "fileList", file);
    if (problem === undefined) sendable.push(file);
    else {
      lines.push(mediaLine(file));
      if (!listProblem) degrade(ctx, `${problem}: file sent as a text link`);
    }
  }
  if (listProblem) degrade(ctx, `${listProblem}: ${files.length} file(s) sent as text links`);
  if (sendable.length > 0) {
    emitBody(ctx, compact({ text, files: sendable.map((f) => mediaBody("file", f)) }));
    ctx.richBodyUsed = true;
    if (lines.length > 0) emitText(ctx, lines.join("\n"));
  } else {
    emitText(ctx, textLines([text, ...lines]));
  }
}

type LocationMessage = Extract<OutboundMessage, { type: "location" }>;
type ContactMessage = Extract<OutboundMessage, { type: "contact" }>;

export function renderLocation(ctx: RenderContext, m: LocationMessage): void {
  const url = m.url ?? mapsUrl(m.latitude, m.longitude);
  const problem = !supportsKind(ctx.profile, "location")
    ? `location not supported on ${ctx.label}`
    : ctx.richBodyUsed
      ? ONE_RICH_BODY
      : undefined;
  if (problem) {
    degrade(ctx, `${problem}: location sent as text`);
    emitText(ctx, locationText(m));
    return;
  }
  emitBody(ctx, compact({ latitude: m.latitude, longitude: m.longitude, text: m.label, url }));
  ctx.richBodyUsed = true;
}

export function renderContact(ctx: RenderContext, m: ContactMessage): void {
  const problem = !supportsKind(ctx.profile, "contact")
    ? `contact not supported on ${ctx.label}`
    : ctx.richBodyUsed
      ? ONE_RICH_BODY
      : undefined;
  if (problem) {
    degrade(ctx, `${problem}: contact sent as text`);
    emitText(ctx, contactText(m));
    return;
  }
  emitBody(ctx, compact({ name: m.name, email: m.email, address: m.address, phone: m.phone }));
  ctx.richBodyUsed = true;
}
