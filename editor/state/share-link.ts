import { strFromU8, strToU8, unzlibSync, zlibSync } from 'fflate';
import type { GraphDocument } from '../../runtime/graph/document.ts';

/** The URL fragment key that carries a shared graph. */
const key = 'graph';

/** A link to this editor that opens `document`: the graph, deflated and base64url-encoded, in the fragment. */
export function shareLink(document: GraphDocument, base: string): string {
  const packed = zlibSync(strToU8(JSON.stringify(document)), { level: 9 });
  const url = new URL(base);
  url.hash = `${key}=${toBase64Url(packed)}`;
  return url.href;
}

/** Whether a link's fragment carries a graph (then it opens that graph rather than the default one). */
export function carriesGraph(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).has(key);
}

/** The graph text a shared link carries, if its fragment has one. */
export function graphFromLink(hash: string): string | undefined {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get(key);
  if (!value) return undefined;
  return strFromU8(unzlibSync(fromBase64Url(value)));
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
