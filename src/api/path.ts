// Path templates: api/ writes each endpoint once as `/v3/…/{name}`; the client fills it (every value
// percent-encoded, so a value cannot add a segment or a query) and the sandbox's router matches the same string.

export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`fillPath: no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
