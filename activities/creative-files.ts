/** Where rendered creatives are kept: one folder per account under the data folder, named by the creative's ids. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { accountFolder, creativeFileName } from '../db/creative-ids';

/** Writes a creative's final file (`png` picture or `mp4` clip) and returns its path. */
export async function saveCreativeFile(creativesDir: string, accountId: string, creativeId: string, ext: 'png' | 'mp4', bytes: Buffer): Promise<string> {
  const dir = path.join(creativesDir, accountFolder(accountId));
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, creativeFileName(creativeId, ext));
  await writeFile(filePath, bytes);
  return filePath;
}
