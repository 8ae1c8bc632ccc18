/**
 * File-name, extension and MIME helpers shared by inbound detection and the renderer.
 * BM bodies carry `name` and `mimeType`; our model often only has a URL, so we derive them.
 */

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
  svg: "image/svg+xml",
  heic: "image/heic",
  tif: "image/tiff",
  tiff: "image/tiff",
  mp4: "video/mp4",
  m4v: "video/mp4",
  "3gp": "video/3gpp",
  mov: "video/quicktime",
  webm: "video/webm",
  avi: "video/x-msvideo",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  aac: "audio/aac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/opus",
  amr: "audio/amr",
  wav: "audio/wav",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  zip: "application/zip",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The path part of a URL (or the name itself), without query or fragment. */
function pathOf(nameOrUrl: string): string {
  try {
    return new URL(nameOrUrl).pathname;
  } catch {
    return nameOrUrl.split(/[?#]/, 1)[0] ?? "";
  }
}

/** Lowercase extension of a file name or URL path, if it has a plausible one. */
export function extensionOf(nameOrUrl: string | null | undefined): string | undefined {
  if (!nameOrUrl) return undefined;
  const match = /\.([A-Za-z0-9]{1,5})$/.exec(pathOf(nameOrUrl));
  return match?.[1]?.toLowerCase();
}

/** The last path segment of a URL, decoded: BM wants a `name` for every media body. */
export function fileNameFromUrl(url: string): string | undefined {
  const segment = pathOf(url).split("/").pop();
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function mimeFromExtension(ext: string | undefined): string | undefined {
  return ext ? MIME_BY_EXTENSION[ext] : undefined;
}

/** Lowercase, without parameters; `image/jpg` (listed by the vendor) becomes the registered `image/jpeg`. */
export function normaliseMimeType(mime: string | null | undefined): string | undefined {
  const base = mime?.split(";", 1)[0]?.trim().toLowerCase();
  if (!base) return undefined;
  return base === "image/jpg" ? "image/jpeg" : base;
}

/** The MIME type given, or the one the name's / URL's extension implies. */
export function mimeTypeOf(media: { mimeType?: string | null; name?: string | null; url?: string | null }): string | undefined {
  return normaliseMimeType(media.mimeType) ?? mimeFromExtension(extensionOf(media.name) ?? extensionOf(media.url));
}

export function isImageExtension(ext: string | undefined): boolean {
  return mimeFromExtension(ext)?.startsWith("image/") ?? false;
}

export function isVideoExtension(ext: string | undefined): boolean {
  return mimeFromExtension(ext)?.startsWith("video/") ?? false;
}
