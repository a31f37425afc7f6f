import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TemplateFile, TemplateSource } from '../../application/ports/template-source.port';
import { invalid } from '../../domain/shared/domain-error';

/** Reads awsprov_templates.json and the user data scripts it names (relative to the file). */
export class TemplateFileSource implements TemplateSource {
  constructor(private readonly path: string | undefined) {}

  configuredPath(): string | undefined {
    return this.path;
  }

  async read(path = this.path): Promise<TemplateFile> {
    if (!path)
      throw invalid('path', 'no template file configured: set HF_PROVIDER_CONFDIR or OHF_TEMPLATES_FILE');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw invalid('path', `cannot read ${path}: ${(error as Error).message}`, { file: path });
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw invalid('file', `${path} is not valid JSON: ${(error as Error).message}`, { file: path });
    }
    const userData: Record<string, string> = {};
    const unreadable: Record<string, string> = {};
    const templates = (document as { templates?: unknown[] })?.templates;
    for (const t of Array.isArray(templates) ? templates : []) {
      const script = (t as { userDataScript?: unknown })?.userDataScript;
      if (typeof script !== 'string' || script in userData || script in unreadable) continue;
      const full = isAbsolute(script) ? script : resolve(dirname(path), script);
      try {
        userData[script] = await readFile(full, 'utf8');
      } catch (error) {
        unreadable[script] = (error as Error).message;
      }
    }
    return { path, document, userData, unreadable };
  }
}
