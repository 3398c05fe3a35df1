/**
 * Renders the final 9:16 creative: the generated picture, the hook's gradient scheme, and the
 * hook's overlay text and call to action, with every piece of text inside the Reels/Stories safe
 * area (top 14 % and bottom 35 % kept free, 6 % side margins: Meta's UI covers those parts).
 * Text is set by sharp (libvips + Pango) from the font file shipped in assets/fonts, so the output
 * does not depend on the fonts of the machine.
 */
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';

export const CANVAS = { width: 1080, height: 1920 } as const;
/** The text-safe rectangle of a 1080x1920 canvas, in pixels. */
export const SAFE_AREA = {
  left: Math.ceil(CANVAS.width * 0.06),
  right: Math.floor(CANVAS.width * 0.94),
  top: Math.ceil(CANVAS.height * 0.14),
  bottom: Math.floor(CANVAS.height * 0.65),
} as const;

export const FONT_FILE = fileURLToPath(new URL('../assets/fonts/DejaVuSans-Bold.ttf', import.meta.url));
const FONT_FAMILY = 'DejaVu Sans Bold';

export interface GradientScheme {
  from: string;
  to: string;
  angle?: number;
}
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}
export interface OverlayText {
  overlayText: string;
  cta: string;
  gradient: GradientScheme;
}

const escapeMarkup = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function hex(s: string) {
  if (!/^#[0-9a-fA-F]{6}$/.test(s)) throw new Error(`gradient colour must be #rrggbb, got ${s}`);
  return s;
}

/** An SVG gradient wash over the whole canvas (no text in SVG: librsvg would use system fonts). */
function gradientSvg(g: GradientScheme): Buffer {
  const a = (((g.angle ?? 180) - 90) * Math.PI) / 180;
  const x = Math.cos(a) / 2;
  const y = Math.sin(a) / 2;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CANVAS.width}" height="${CANVAS.height}">` +
      `<defs><linearGradient id="g" x1="${0.5 - x}" y1="${0.5 - y}" x2="${0.5 + x}" y2="${0.5 + y}">` +
      `<stop offset="0" stop-color="${hex(g.from)}" stop-opacity="0.55"/><stop offset="1" stop-color="${hex(g.to)}" stop-opacity="0.55"/>` +
      `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
}

/** Text rendered by Pango into a box, auto-fitted so it can never overflow the box. */
async function textLayer(text: string, box: Box, maxPt: number): Promise<{ input: Buffer; box: Box }> {
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="white">${escapeMarkup(text)}</span>`,
      font: `${FONT_FAMILY} ${maxPt}`,
      fontfile: FONT_FILE,
      width: box.width,
      height: box.height,
      align: 'centre',
      wrap: 'word',
      rgba: true,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const placed = {
    left: box.left + Math.floor((box.width - info.width) / 2),
    top: box.top + Math.floor((box.height - info.height) / 2),
    width: info.width,
    height: info.height,
  };
  return { input: data, box: placed };
}

/** A rounded dark panel behind the text, for contrast on any picture. */
function panelSvg(box: Box): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${box.width}" height="${box.height}">` +
      `<rect width="100%" height="100%" rx="36" fill="#000" fill-opacity="0.38"/></svg>`,
  );
}

/**
 * Composes the creative. Returns the PNG and the boxes that hold text, so callers (and tests)
 * can check the layout against SAFE_AREA.
 */
export async function renderCreative(picture: Buffer, o: OverlayText): Promise<{ png: Buffer; textBoxes: Box[] }> {
  const pad = 40;
  const panel: Box = { left: SAFE_AREA.left, top: SAFE_AREA.top, width: SAFE_AREA.right - SAFE_AREA.left, height: SAFE_AREA.bottom - SAFE_AREA.top };
  const headlineBox: Box = { left: panel.left + pad, top: panel.top + pad, width: panel.width - 2 * pad, height: 560 };
  const ctaBox: Box = { left: panel.left + 120, top: panel.top + panel.height - pad - 150, width: panel.width - 240, height: 150 };
  const [headline, cta] = await Promise.all([textLayer(o.overlayText, headlineBox, 96), textLayer(o.cta, ctaBox, 60)]);

  const png = await sharp(picture)
    .resize(CANVAS.width, CANVAS.height, { fit: 'cover', position: 'centre' })
    .composite([
      { input: gradientSvg(o.gradient), left: 0, top: 0 },
      { input: panelSvg(panel), left: panel.left, top: panel.top },
      { input: headline.input, left: headline.box.left, top: headline.box.top },
      { input: cta.input, left: cta.box.left, top: cta.box.top },
    ])
    .png()
    .toBuffer();
  return { png, textBoxes: [headline.box, cta.box] };
}

/** The same composition without any text or panel: the reference for "nothing outside the safe area changed". */
export async function renderBackground(picture: Buffer, gradient: GradientScheme): Promise<Buffer> {
  return sharp(picture)
    .resize(CANVAS.width, CANVAS.height, { fit: 'cover', position: 'centre' })
    .composite([{ input: gradientSvg(gradient), left: 0, top: 0 }])
    .png()
    .toBuffer();
}
