/** Where Host Factory's template file is read from (awsprov_templates.json and its user data scripts). */
export interface TemplateFile {
  path: string;
  /** The parsed JSON document. */
  document: unknown;
  /** userDataScript path → content, for every script the templates name that could be read. */
  userData: Record<string, string>;
  /** userDataScript path → why it could not be read. */
  unreadable: Record<string, string>;
}

export interface TemplateSource {
  /** Reads the file (the configured one when no path is given); throws a validation error when it is not JSON. */
  read(path?: string): Promise<TemplateFile>;
  configuredPath(): string | undefined;
}

export const TEMPLATE_SOURCE = Symbol('TemplateSource');
