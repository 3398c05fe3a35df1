import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CANVAS, renderBackground, renderCreative, SAFE_AREA } from '../../activities/overlay';

const gradient = { from: '#ff5f6d', to: '#ffc371', angle: 160 };

async function picture() {
  // A busy picture (two colours) so cover-cropping and compositing are really exercised.
  const half = await sharp({ create: { width: 288, height: 1024, channels: 3, background: '#1d4ed8' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 576, height: 1024, channels: 3, background: '#16a34a' } })
    .composite([{ input: half, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

describe('creative overlay', () => {
  it('renders a 1080x1920 PNG with every text box inside the 9:16 safe area', async () => {
    const { png, textBoxes } = await renderCreative(await picture(), {
      overlayText: 'A very long overlay headline that must wrap over several lines and still never leave the safe area of the placement',
      cta: 'Start your free trial today',
      gradient,
    });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([CANVAS.width, CANVAS.height, 'png']);
    expect(textBoxes).toHaveLength(2);
    for (const b of textBoxes) {
      expect(b.left).toBeGreaterThanOrEqual(SAFE_AREA.left);
      expect(b.top).toBeGreaterThanOrEqual(SAFE_AREA.top);
      expect(b.left + b.width).toBeLessThanOrEqual(SAFE_AREA.right);
      expect(b.top + b.height).toBeLessThanOrEqual(SAFE_AREA.bottom);
    }
  });

  it('changes no pixel outside the safe area (top 14 %, bottom 35 %, 6 % sides)', async () => {
    const pic = await picture();
    const withText = await sharp((await renderCreative(pic, { overlayText: 'Stop guessing', cta: 'Learn more', gradient })).png)
      .raw()
      .toBuffer();
    const bare = await sharp(await renderBackground(pic, gradient))
      .raw()
      .toBuffer();
    let outsideDiffs = 0;
    let insideDiffs = 0;
    const channels = withText.length / (CANVAS.width * CANVAS.height);
    for (let y = 0; y < CANVAS.height; y++) {
      for (let x = 0; x < CANVAS.width; x++) {
        const i = (y * CANVAS.width + x) * channels;
        const differs = withText[i] !== bare[i] || withText[i + 1] !== bare[i + 1] || withText[i + 2] !== bare[i + 2];
        if (!differs) continue;
        const inside = x >= SAFE_AREA.left && x < SAFE_AREA.right && y >= SAFE_AREA.top && y < SAFE_AREA.bottom;
        if (inside) insideDiffs++;
        else outsideDiffs++;
      }
    }
    expect(outsideDiffs).toBe(0);
    expect(insideDiffs).toBeGreaterThan(10_000); // the text and its panel are really there
  });

  it('rejects a gradient colour that is not #rrggbb', async () => {
    await expect(renderCreative(await picture(), { overlayText: 'x', cta: 'y', gradient: { from: 'red', to: '#000000' } })).rejects.toThrow(/#rrggbb/);
  });
});
