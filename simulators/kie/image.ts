/**
 * Result images for Market tasks: a colourful gradient with shapes, rendered by sharp from SVG,
 * at the requested aspect ratio (long side 1024 px at 1K, 2048 at 2K, 4096 at 4K; 9:16 at 1K is
 * 576x1024). Colours derive from the task id so different tasks look different. No text, so no
 * font is needed.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';

const LONG_SIDE: Record<string, number> = { '1K': 1024, '2K': 2048, '4K': 4096 };

/** Pixel size for an aspect ratio like '9:16' and a resolution like '1K'. */
export function imageSize(aspect: string, resolution: string): { width: number; height: number } {
  const [w, h] = aspect.split(':').map(Number);
  const long = LONG_SIDE[resolution] ?? 1024;
  if (!w || !h) return { width: long, height: long };
  return w >= h ? { width: long, height: Math.max(1, Math.round((long * h) / w)) } : { width: Math.max(1, Math.round((long * w) / h)), height: long };
}

function hue(bytes: Buffer, i: number): number {
  return Math.round(((bytes[i] ?? 0) / 255) * 360);
}

export async function renderImage(seedText: string, width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const b = createHash('sha256').update(seedText).digest();
  const [h1, h2, h3, h4] = [hue(b, 0), hue(b, 1), hue(b, 2), hue(b, 3)];
  const m = Math.min(width, height);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${h1},85%,55%)"/>
      <stop offset="1" stop-color="hsl(${h2},85%,35%)"/>
    </linearGradient>
  </defs>
  <rect width="100%" height="100%" fill="url(#bg)"/>
  <circle cx="${width * 0.7}" cy="${height * 0.3}" r="${m * 0.25}" fill="hsl(${h3},90%,60%)" fill-opacity="0.85"/>
  <circle cx="${width * 0.25}" cy="${height * 0.7}" r="${m * 0.18}" fill="hsl(${h4},90%,65%)" fill-opacity="0.8"/>
  <rect x="${width * 0.1}" y="${height * 0.45}" width="${width * 0.8}" height="${height * 0.08}" fill="white" fill-opacity="0.35"/>
  <polygon points="${width * 0.5},${height * 0.55} ${width * 0.85},${height * 0.95} ${width * 0.15},${height * 0.95}" fill="hsl(${(h1 + 180) % 360},80%,50%)" fill-opacity="0.7"/>
  <rect x="4" y="4" width="${width - 8}" height="${height - 8}" fill="none" stroke="white" stroke-width="8" stroke-opacity="0.6"/>
</svg>`;
  const img = sharp(Buffer.from(svg)).removeAlpha();
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 85 }).toBuffer();
}
